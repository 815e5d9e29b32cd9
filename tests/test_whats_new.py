"""What is new: `sort=new` lists the titles newest to the union catalogue first (the mission's "sách mới")."""

from __future__ import annotations

import time
from datetime import datetime

import httpx
import pytest

from config.settings import VIETNAM_TIME
from index import SearchIndex, SearchParams, build_index
from search_api import create_app
from store import CatalogStore
from store.models import Holding, UnionRecord
from tests.conftest import make_settings
from tests.test_api import serve_in_thread
from tests.test_index import LIBRARIES


def _union(uid: str, title: str, year: int) -> UnionRecord:
    return UnionRecord(id=uid, title=title, year=year, members=[f"tv-tinh:{uid}"],
                       holdings=[Holding(library="tv-tinh", record_id=f"tv-tinh:{uid}")])


def _vietnam_today() -> str:
    return datetime.now(VIETNAM_TIME).strftime("%Y-%m-%d")


def test_new_titles_come_first_and_an_edited_one_keeps_its_day(tmp_path):
    settings = make_settings(tmp_path / "data", LIBRARIES)
    started = _vietnam_today()
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, [_union("OLD1", "Địa chí Hậu Giang", 2020), _union("OLD2", "Lịch sử Việt Nam", 2024)])
        build_index(store, settings)
        time.sleep(1.1)  # the next night, as far as seconds can tell
        store.save_clusters({}, [_union("NEW1", "Kỹ thuật nuôi cá tra", 2012)])
        build_index(store, settings)  # incremental
        time.sleep(1.1)  # a night later, an old title is edited: that makes it no new title
        store.save_clusters({}, [_union("OLD1", "Địa chí Hậu Giang (tái bản)", 2020)])
        build_index(store, settings)
        today = _vietnam_today()
        if today != started:
            pytest.skip("ran across midnight in Vietnam (17:00 UTC): the records carry two days")
        index = SearchIndex(settings)
        hits = index.search(SearchParams(sort="new")).hits
        # The title added last night first, whatever its year; the edited one keeps the day it came in.
        assert [hit["id"] for hit in hits][0] == "NEW1"
        assert {hit["id"] for hit in hits[1:]} == {"OLD1", "OLD2"}
        assert all(hit["added"] == today for hit in hits)  # a day, in Vietnam, for the API and the page
        assert [hit["id"] for hit in index.search(SearchParams(sort="-year")).hits][0] == "OLD2"
        with serve_in_thread(create_app(settings, store, index)) as url:
            api = httpx.get(f"{url}/api/search", params={"sort": "new", "q": "ca tra"}, timeout=10).json()
            front = httpx.get(f"{url}/", timeout=10).text
            page = httpx.get(f"{url}/", params={"sort": "new"}, timeout=10).text
            record = httpx.get(f"{url}/api/records/OLD1", timeout=10).json()
            record_page = httpx.get(f"{url}/records/OLD1", timeout=10).text
    assert api["sort"] == "new" and api["hits"][0]["id"] == "NEW1"
    # The record itself says when it came in, as its hit does; its edit changed nothing of that.
    assert record["added"] == today and record["title"] == "Địa chí Hậu Giang (tái bản)"
    assert 'href="/?sort=new"' in front  # the front page leads to what is new
    day, month, year = today.split("-")[2], today.split("-")[1], today.split("-")[0]
    assert f"bổ sung {day}/{month}/{year}" in page and '<option value="new" selected>Mới bổ sung</option>' in page
    assert f'<dd class="added">{day}/{month}/{year}</dd>' in record_page


def test_a_title_added_by_the_night_run_carries_that_night_s_day_in_vietnam(tmp_path):
    """The cron runs at 02:30 in Hậu Giang, 19:30 UTC the day before: the UTC day put every
    new title a day early ('bổ sung 27/11' for what came in on the 28th)."""
    settings = make_settings(tmp_path / "data", LIBRARIES)
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, [_union("NIGHT", "Kỹ thuật nuôi cá tra", 2012)])
        # The night run's write, as its time: 02:30 on 28/11 in Vietnam.
        store._conn.execute("UPDATE seq_times SET at = '2026-11-27T19:30:00Z'")
        build_index(store, settings)
        index = SearchIndex(settings)
        assert index.search(SearchParams(sort="new")).hits[0]["added"] == "2026-11-28"
        with serve_in_thread(create_app(settings, store, index)) as url:
            page = httpx.get(f"{url}/", params={"sort": "new"}, timeout=10).text
    assert "bổ sung 28/11/2026" in page


def _members(clusters: dict[str, list[str]]) -> dict[str, tuple[str, str, float | None, str]]:
    return {rid: (cid, "isbn", None, "auto") for cid, rids in clusters.items() for rid in rids}


def test_a_split_keeps_the_day_its_books_came_in(tmp_path):
    """A wrong merge undone gives one part a new union id; its book has been in the catalogue all
    along, so it is no new title (the part keeping the id keeps its day, a merge the older one's)."""
    settings = make_settings(tmp_path / "data", LIBRARIES)
    with CatalogStore(settings.db_path) as store:
        store.save_clusters(_members({"U1": ["tv-tinh:a", "tv-tinh:b"]}), [_union("U1", "Truyện Kiều", 2015)])
        store._conn.execute("UPDATE seq_times SET at = '2026-10-01T19:30:00Z'")  # a night in October
        build_index(store, settings)
        store.save_clusters(_members({"U1": ["tv-tinh:a"], "U2": ["tv-tinh:b"], "U3": ["tv-tinh:c"]}),
                            [_union("U1", "Truyện Kiều", 2015), _union("U2", "Truyện Kiều (bản khác)", 2015),
                             _union("U3", "Sách mới thật", 2026)])
        build_index(store, settings)
        added = {hit["id"]: hit["added"] for hit in SearchIndex(settings).search(SearchParams(sort="new")).hits}
    today = datetime.now(VIETNAM_TIME).strftime("%Y-%m-%d")
    assert added == {"U3": today, "U1": "2026-10-02", "U2": "2026-10-02"}
