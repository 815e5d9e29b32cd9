"""A library's new books: `sort=new` with a library filter lists what came into *that* library newest
first, a copy of a title other libraries held included (review: tv-vi-thuy's "The sorrow of war")."""

from __future__ import annotations

from datetime import datetime

import httpx
from lxml import etree

from config.settings import VIETNAM_TIME
from index import SearchIndex, SearchParams, build_index
from search_api import create_app
from store import CatalogStore
from store.models import Holding, RawRecord, UnionRecord
from tests.conftest import make_settings
from tests.test_api import serve_in_thread
from tests.test_index import LIBRARIES

ATOM = "{http://www.w3.org/2005/Atom}"


def _harvest(store: CatalogStore, *record_ids: str) -> None:
    store.save_harvest_page([RawRecord(library=rid.split(":")[0], local_id=rid.split(":")[1], format="marcxml",
                                       payload=f"<record>{rid}</record>".encode()) for rid in record_ids])


def _union(uid: str, title: str, *record_ids: str) -> UnionRecord:
    return UnionRecord(id=uid, title=title, year=1995, members=list(record_ids),
                       holdings=[Holding(library=rid.split(":")[0], record_id=rid) for rid in record_ids])


def _cluster(store: CatalogStore, *unions: UnionRecord) -> None:
    members = {rid: (u.id, "isbn", None, "auto") for u in unions for rid in u.members}
    store.save_clusters(members, list(unions), replace_only=members)


def test_a_library_s_new_copy_of_a_title_others_held_leads_its_new_books(tmp_path):
    settings = make_settings(tmp_path / "data", LIBRARIES)
    with CatalogStore(settings.db_path) as store:
        # October: the provincial library has The sorrow of war, Long Mỹ an old title of its own.
        _harvest(store, "tv-tinh:a", "tv-long-my:c")
        _cluster(store, _union("WAR", "The sorrow of war", "tv-tinh:a"),
                 _union("OLD", "Địa chí Long Mỹ", "tv-long-my:c"))
        store._conn.execute("UPDATE seq_times SET at = '2026-10-01T19:30:00Z'")
        store._conn.execute("UPDATE raw_records SET first_seen = '2026-10-01T19:30:00Z'")
        build_index(store, settings)
        # Last night (29/11 in Vietnam) Long Mỹ bought a copy; a quarter of an hour later the provincial
        # library catalogued a title new to everyone.
        _harvest(store, "tv-long-my:d", "tv-tinh:e")
        _cluster(store, _union("WAR", "The sorrow of war", "tv-tinh:a", "tv-long-my:d"),
                 _union("NEW", "Sách mới thật", "tv-tinh:e"))
        store._conn.execute("UPDATE raw_records SET first_seen = '2026-11-28T19:31:05Z' WHERE local_id = 'd'")
        store._conn.execute("UPDATE raw_records SET first_seen = '2026-11-28T19:45:00Z' WHERE local_id = 'e'")
        build_index(store, settings)
        today = datetime.now(VIETNAM_TIME).strftime("%Y-%m-%d")
        index = SearchIndex(settings)

        def newest(**filters) -> list[tuple[str, str]]:
            return [(hit["id"], hit["added"]) for hit in index.search(SearchParams(sort="new", **filters)).hits]

        # New to the catalogue: the new title; the title Long Mỹ bought is not, and keeps its October day.
        catalogue = newest()
        assert catalogue[0] == ("NEW", today) and set(catalogue[1:]) == {("WAR", "2026-10-02"), ("OLD", "2026-10-02")}
        # New at Long Mỹ: its copy first, dated the day it came there.
        assert newest(library=("tv-long-my",)) == [("WAR", "2026-11-29"), ("OLD", "2026-10-02")]
        assert newest(library=("tv-tinh",)) == [("NEW", "2026-11-29"), ("WAR", "2026-10-02")]
        # Two libraries: a title either holds, once, at the newest of its copies; pages follow that order.
        both = newest(library=("tv-long-my", "tv-tinh"))
        assert both == [("NEW", "2026-11-29"), ("WAR", "2026-11-29"), ("OLD", "2026-10-02")]
        pages = [index.search(SearchParams(sort="new", library=("tv-long-my", "tv-tinh"), size=1, page=page))
                 for page in (1, 2, 3)]
        assert [(result.total, result.hits[0]["id"]) for result in pages] == [(3, id_) for id_, _ in both]
        second = index.search(SearchParams(sort="new", library=("tv-long-my",), size=1, page=2))
        assert (second.total, [hit["id"] for hit in second.hits]) == (2, ["OLD"])
        # A query and the other holding filters narrow it as they narrow any search.
        assert newest(library=("tv-long-my",), q="sorrow") == [("WAR", "2026-11-29")]
        in_long_my = newest(library=("tv-long-my",), district=("Long Mỹ",))
        assert in_long_my == [("WAR", "2026-11-29"), ("OLD", "2026-10-02")]
        with serve_in_thread(create_app(settings, store, index)) as url:
            api = httpx.get(f"{url}/api/search", params={"sort": "new", "library": "tv-long-my"}, timeout=10).json()
            feed = etree.fromstring(httpx.get(f"{url}/api/search.atom", params={"library": "tv-long-my"},
                                              timeout=10).content)
    assert [hit["id"] for hit in api["hits"]] == ["WAR", "OLD"]
    first = feed.find(f"{ATOM}entry")
    assert first.findtext(f"{ATOM}title") == "The sorrow of war"
    # Published the day the copy came there; updated when the union record took the copy in (dedupe, later).
    assert first.findtext(f"{ATOM}published") == "2026-11-29T00:00:00+07:00"
    assert datetime.fromisoformat(first.findtext(f"{ATOM}updated")) >= datetime.fromisoformat("2026-11-29T00:00:00+07:00")
