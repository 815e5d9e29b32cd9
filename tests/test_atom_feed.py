"""GET /api/search.atom: a search, or what is new, as an Atom feed a portal or feed reader subscribes to."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import httpx
from lxml import etree

from config.settings import VIETNAM_TIME
from index import SearchIndex, build_index
from search_api import create_app
from store import CatalogStore
from store.models import Holding, UnionRecord
from tests.conftest import make_settings
from tests.test_api import serve_in_thread
from tests.test_index import LIBRARIES

NS = {"a": "http://www.w3.org/2005/Atom", "os": "http://a9.com/-/spec/opensearch/1.1/"}


def _union(uid: str, title: str, library: str, **fields) -> UnionRecord:
    return UnionRecord(id=uid, title=title, members=[f"{library}:{uid}"],
                       holdings=[Holding(library=library, call_number="959.7", record_id=f"{library}:{uid}")],
                       **fields)


def test_the_feed_lists_what_is_new_first_and_pages_like_opensearch(tmp_path):
    settings = make_settings(tmp_path / "data", LIBRARIES)
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, [_union("A1", "Địa chí Hậu Giang", "tv-tinh", year=2020, authors=["Nhiều tác giả"]),
                                 _union("A2", "Lịch sử Việt Nam", "tv-long-my", year=2024)])
        build_index(store, settings)
        time.sleep(1.1)
        store.save_clusters({}, [_union("B1", "Sổ tay <script>alert(1)</script> & mẹo", "tv-long-my", year=2012,
                                        publisher="Nxb. Trẻ")])
        build_index(store, settings)
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            new = httpx.get(f"{url}/api/search.atom", params={"size": 2}, timeout=10)
            district = httpx.get(f"{url}/api/search.atom", params={"library": "tv-long-my"}, timeout=10)
            searched = httpx.get(f"{url}/api/search.atom", params={"q": "lich su"}, timeout=10)
            bad = httpx.get(f"{url}/api/search.atom", params={"q": 'title:(("'}, timeout=10)
            described = httpx.get(f"{url}/opensearch.xml", timeout=10).text
            page = httpx.get(f"{url}/", timeout=10).text
    assert new.status_code == 200 and new.headers["content-type"].startswith("application/atom+xml")
    feed = etree.fromstring(new.content)
    entries = feed.findall("a:entry", NS)
    # Without q: what is new, newest first; the record's text escaped, not markup.
    assert [e.findtext("a:id", namespaces=NS) for e in entries][0] == f"{url}/records/B1"
    assert entries[0].findtext("a:title", namespaces=NS) == "Sổ tay <script>alert(1)</script> & mẹo"
    assert entries[0].findtext("a:summary", namespaces=NS) == "Nxb. Trẻ, 2012 · Có tại: Thư viện huyện Long Mỹ"
    assert feed.findtext("os:totalResults", namespaces=NS) == "3" and feed.findtext("os:itemsPerPage", namespaces=NS) == "2"
    next_link = feed.find("a:link[@rel='next']", NS).get("href")
    assert next_link == f"{url}/api/search.atom?sort=new&size=2&page=2"
    assert feed.findtext("a:updated", namespaces=NS) == entries[0].findtext("a:updated", namespaces=NS)
    # A district library's new books: the filter holds, and the page link keeps it.
    district_feed = etree.fromstring(district.content)
    assert [e.findtext("a:id", namespaces=NS).rsplit("/", 1)[1] for e in district_feed.findall("a:entry", NS)] == \
        ["B1", "A2"]
    assert district_feed.find("a:link[@rel='alternate']", NS).get("href") == f"{url}/?library=tv-long-my&sort=new"
    # With q: by relevance, titled by the query.
    searched_feed = etree.fromstring(searched.content)
    assert searched_feed.findtext("a:title", namespaces=NS).startswith("lich su · ")
    assert searched_feed.findtext("a:entry/a:title", namespaces=NS) == "Lịch sử Việt Nam"
    assert bad.status_code == 400 and bad.json()["error"] == "QueryError"
    assert "/api/search.atom?q={searchTerms}" in described and 'type="application/atom+xml"' in page


def test_the_next_link_keeps_the_page_size_so_no_entry_is_skipped(tmp_path):
    """A feed asked with size=2 linked page 2 without its size: page 2 at the default 20 started at
    entry 21, and a feed reader following `next` never saw entries 3 to 20."""
    settings = make_settings(tmp_path / "data", LIBRARIES)
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, [_union("A1", "An Giang", "tv-tinh"), _union("B1", "Bạc Liêu", "tv-tinh"),
                                 _union("C1", "Cà Mau", "tv-long-my")])
        build_index(store, settings)
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            first = etree.fromstring(httpx.get(f"{url}/api/search.atom", params={"sort": "title", "size": 2},
                                               timeout=10).content)
            second = etree.fromstring(httpx.get(first.find("a:link[@rel='next']", NS).get("href"),
                                                timeout=10).content)
    titles = [e.findtext("a:title", namespaces=NS) for feed in (first, second) for e in feed.findall("a:entry", NS)]
    assert titles == ["An Giang", "Bạc Liêu", "Cà Mau"]
    assert second.findtext("os:startIndex", namespaces=NS) == "3"


def test_control_characters_in_a_record_or_the_query_keep_the_feed_well_formed(tmp_path):
    """One record holding a control character (debris of a legacy encoding) made every "what is
    new" feed that listed it a 500, and anyone could get a 500 with `q=%01`: lxml refuses
    characters XML 1.0 forbids.  They are dropped from the feed's text as the OAI answers drop them."""
    settings = make_settings(tmp_path / "data", LIBRARIES)
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, [_union("K1", "Truyện\x01 Kiều", "tv-tinh", authors=["Nguyễn\x0b Du"],
                                        publisher="Nxb.\x1f Văn học")])
        build_index(store, settings)
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            new = httpx.get(f"{url}/api/search.atom", timeout=10)
            searched = httpx.get(f"{url}/api/search.atom", params={"q": "kieu\x01\x08"}, timeout=10)
    assert new.status_code == 200 and searched.status_code == 200, (new.text[:200], searched.text[:200])
    entry = etree.fromstring(new.content).find("a:entry", NS)
    assert entry.findtext("a:title", namespaces=NS) == "Truyện Kiều"
    assert entry.findtext("a:author/a:name", namespaces=NS) == "Nguyễn Du"
    feed = etree.fromstring(searched.content)
    assert feed.findtext("a:title", namespaces=NS).startswith("kieu · ")
    assert feed.find("os:Query", NS).get("searchTerms") == "kieu"


def test_an_entry_is_published_at_the_start_of_its_day_in_vietnam_not_seven_hours_later(tmp_path):
    """`added` is the day in Vietnam; the entries said that day at 00:00 UTC (07:00 in Vietnam), so
    the night run's titles (02:30, 19:30 UTC the day before) were dated hours in the future and a
    feed reader read at 03:00 showed them "updated" after the time it read them."""
    settings = make_settings(tmp_path / "data", LIBRARIES)
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, [_union("A1", "An Giang", "tv-tinh")])
        build_index(store, settings)
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            added = httpx.get(f"{url}/api/search", params={"sort": "new"}, timeout=10).json()["hits"][0]["added"]
            feed = etree.fromstring(httpx.get(f"{url}/api/search.atom", timeout=10).content)
    published = datetime.fromisoformat(feed.findtext("a:entry/a:published", namespaces=NS))
    assert published.astimezone(VIETNAM_TIME).strftime("%Y-%m-%dT%H:%M") == f"{added}T00:00"
    assert published <= datetime.fromisoformat(feed.findtext("a:entry/a:updated", namespaces=NS)) <= datetime.now(UTC)


def _entries(url: str, **params) -> tuple[etree._Element, dict[str, etree._Element]]:
    feed = etree.fromstring(httpx.get(f"{url}/api/search.atom", params=params, timeout=10).content)
    return feed, {e.findtext("a:id", namespaces=NS).rsplit("/", 1)[1]: e for e in feed.findall("a:entry", NS)}


def test_an_entry_is_updated_when_its_union_record_changes(tmp_path):
    """`updated` was always the day the title was added: a corrected title, or a merge adding a library
    to "Có tại:", left it as it was, so feed readers kept the stale entry."""
    settings = make_settings(tmp_path / "data", LIBRARIES)
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, [_union("A1", "An Giang", "tv-tinh"), _union("A2", "Bạc Liêu", "tv-tinh")])
        build_index(store, settings)
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            _feed, before = _entries(url)
            time.sleep(1.1)
            corrected = _union("A1", "An Giang xưa và nay", "tv-tinh")
            store.save_clusters({}, [corrected.model_copy(update={"holdings": corrected.holdings + [
                Holding(library="tv-long-my", call_number="959.7", record_id="tv-long-my:X1")]})])
            build_index(store, settings)
            feed, after = _entries(url)

    def stamp(entry: etree._Element, name: str) -> datetime:
        return datetime.fromisoformat(entry.findtext(f"a:{name}", namespaces=NS))

    assert after["A1"].findtext("a:title", namespaces=NS) == "An Giang xưa và nay"
    assert "Thư viện huyện Long Mỹ" in after["A1"].findtext("a:summary", namespaces=NS)
    assert stamp(after["A1"], "updated") > stamp(before["A1"], "updated")
    assert stamp(after["A1"], "published") == stamp(before["A1"], "published")
    assert stamp(after["A2"], "updated") == stamp(before["A2"], "updated")  # unchanged, so not updated
    assert datetime.fromisoformat(feed.findtext("a:updated", namespaces=NS)) == stamp(after["A1"], "updated")


def test_a_narrowed_feed_is_titled_by_what_narrows_it_and_its_id_ignores_parameter_order(tmp_path):
    """Every library's feed was titled "Tài liệu mới bổ sung · Mục lục …", and the feed id was the URL as the
    client wrote it, so the same feed asked with its parameters in another order was another feed."""
    settings = make_settings(tmp_path / "data", LIBRARIES)
    with CatalogStore(settings.db_path) as store:
        store.save_clusters({}, [_union("A1", "An Giang", "tv-tinh"), _union("A2", "Bạc Liêu", "tv-long-my")])
        build_index(store, settings)
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            def feed(query: str) -> etree._Element:
                return etree.fromstring(httpx.get(f"{url}/api/search.atom?{query}", timeout=10).content)

            tinh, long_my = feed("library=tv-tinh"), feed("library=tv-long-my")
            both = [feed("library=tv-tinh&library=tv-long-my&sort=new&size=5"),
                    feed("size=5&sort=new&library=tv-long-my&library=tv-tinh")]
            everything = feed("")
    names = {library.id: library.name for library in settings.libraries}
    assert names["tv-tinh"] in tinh.findtext("a:title", namespaces=NS)
    assert names["tv-long-my"] in long_my.findtext("a:title", namespaces=NS)
    assert names["tv-tinh"] not in long_my.findtext("a:title", namespaces=NS)
    assert names["tv-tinh"] not in everything.findtext("a:title", namespaces=NS)
    ids = [f.findtext("a:id", namespaces=NS) for f in both]
    assert ids[0] == ids[1], ids
    assert len({ids[0], tinh.findtext("a:id", namespaces=NS), long_my.findtext("a:id", namespaces=NS),
                everything.findtext("a:id", namespaces=NS)}) == 4
    assert [f.findtext("a:title", namespaces=NS) for f in both][0] == both[1].findtext("a:title", namespaces=NS)
