"""What the librarians' page says when the search index is not there to answer.

A real server on 127.0.0.1 over a catalogue that was never indexed (a new registry, `serve`
started before the first `unioncat index`), or over an index an older unioncat built.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from index import SearchIndex
from search_api import create_app
from store import CatalogStore
from tests.conftest import make_settings
from tests.test_api import serve_in_thread
from tests.test_index import LIBRARIES, index_records, union


@contextmanager
def _server(data: Path, records: list | None) -> Iterator[httpx.Client]:
    """The app over `data`: indexed with `records`, or never indexed when `records` is None."""
    data.mkdir()
    settings = make_settings(data, LIBRARIES)
    with CatalogStore(settings.db_path) as store:
        search_index = SearchIndex(settings) if records is None else index_records(store, settings, records)
        with serve_in_thread(create_app(settings, store, search_index)) as url, \
                httpx.Client(base_url=url, timeout=30) as http:
            yield http


def _main_text(page: str) -> str:
    main = re.search(r"<main.*?</main>", page, re.S).group(0)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


def test_a_catalogue_not_indexed_yet_says_so_instead_of_telling_to_drop_words(tmp_path):
    """Before the first `unioncat index` the page answered "Không tìm thấy tài liệu nào. Thử bỏ bớt
    từ hoặc bộ lọc": a librarian shortened a correct query, and the landing page counted
    "Có 0 tài liệu trong mục lục" as if the libraries held nothing."""
    with _server(tmp_path / "data", None) as http:
        searched = http.get("/", params={"q": "lịch sử việt nam", "language": "vie"})
        landing = http.get("/")
    for response in (searched, landing):
        text = _main_text(response.text)
        assert response.status_code == 200
        assert 'id="not-indexed"' in response.text, text
        assert "chưa sẵn sàng" in text, text
        assert "Thử bỏ bớt từ" not in text
        assert "Có 0 tài liệu trong mục lục" not in text
    assert "mục lục chưa sẵn sàng" in re.search(r"<title>(.*?)</title>", searched.text).group(1)
    assert 'value="lịch sử việt nam"' in searched.text  # the query stays in the box to try again later


def test_an_indexed_catalogue_shows_no_not_indexed_notice(tmp_path):
    with _server(tmp_path / "data", [union("ls1", "Lịch sử Việt Nam", ("tv-tinh",))]) as http:
        page = http.get("/", params={"q": "zzzz"}).text
    assert 'id="not-indexed"' not in page and "Thử bỏ bớt từ" in _main_text(page)


def _point_current_at_an_older_index(data: Path) -> None:
    """CURRENT names an index another unioncat built (after an upgrade, before the nightly run)."""
    import tantivy

    from index.build import CURRENT_NAME

    index_dir = data / "index"
    older_schema = tantivy.SchemaBuilder().add_text_field("title", stored=True).build()
    (index_dir / "v1-older").mkdir()
    tantivy.Index(older_schema, path=str(index_dir / "v1-older")).writer().commit()
    (index_dir / CURRENT_NAME).write_text("v1-older", encoding="utf-8")


def test_an_index_the_server_cannot_open_gets_a_page_a_librarian_can_act_on(tmp_path):
    """An index built by an older unioncat (after an upgrade, before the nightly run) answered the
    page with "Có lỗi xảy ra" and the operator's English advice alone, and the box was emptied:
    the librarian could not tell that search would be back, nor retry the query with one click."""
    with _server(tmp_path / "data", [union("ls1", "Lịch sử Việt Nam", ("tv-tinh",))]) as http:
        _point_current_at_an_older_index(tmp_path / "data")
        response = http.get("/", params={"q": "lịch sử việt nam"})
    text = _main_text(response.text)
    assert response.status_code == 503
    assert "tạm thời" in text and "thử lại" in text, text
    assert "unioncat index" in text  # the operator's advice stays, for whoever the librarian calls
    assert 'value="lịch sử việt nam"' in response.text, "the query stays in the box: Tìm retries it"


def test_a_record_page_is_served_from_the_catalogue_while_the_index_cannot_be_opened(tmp_path):
    """A record and its holdings live in the catalogue database; only "other editions" come from
    the index.  While the index could not be opened, a partner site's link to a record (and its
    JSON) answered 503, so a visitor could not see which library holds the book."""
    records = [union("ls1", "Lịch sử Việt Nam", ("tv-tinh", "tv-long-my"), year=2019)]
    with _server(tmp_path / "data", records) as http:
        _point_current_at_an_older_index(tmp_path / "data")
        page = http.get("/records/ls1")
        data = http.get("/api/records/ls1")
    assert page.status_code == 200, _main_text(page.text)
    assert page.text.count('class="holding"') == 2
    assert data.status_code == 200 and {h["library"] for h in data.json()["holdings"]} == {"tv-tinh", "tv-long-my"}
    assert data.json()["other_editions"] == []


def test_the_status_page_answers_and_names_the_index_trouble_while_the_index_cannot_be_opened(tmp_path):
    """The status page counted each library's searchable titles in the index and answered 503 with it:
    the page the footer offers for "what is wrong" was down exactly when the index was."""
    with _server(tmp_path / "data", [union("ls1", "Lịch sử Việt Nam", ("tv-tinh",))]) as http:
        _point_current_at_an_older_index(tmp_path / "data")
        response = http.get("/status")
    text = _main_text(response.text)
    assert response.status_code == 200, text
    assert 'id="index-error"' in response.text and "unioncat index" in text, text
    assert str(tmp_path) not in response.text  # the server's directories stay private, as on the 503 page
    assert "0 tài liệu tra cứu được" not in text  # not counted is not none


def test_healthz_says_why_and_the_library_list_answers_while_the_index_cannot_be_opened(tmp_path):
    """/api/libraries answered 503 with /healthz while the index could not be opened: a partner site's
    library picker emptied although the registry is config and the harvest counts are the store's.
    /healthz stays 503 (a load balancer must take the server out), saying why, as the schema now says."""
    with _server(tmp_path / "data", [union("ls1", "Lịch sử Việt Nam", ("tv-tinh",))]) as http:
        _point_current_at_an_older_index(tmp_path / "data")
        health = http.get("/healthz")
        libraries = http.get("/api/libraries")
        schema = http.get("/openapi.json").json()
    assert health.status_code == 503
    assert health.json()["error"] == "SearchIndexError" and "unioncat index" in health.json()["message"]
    assert str(tmp_path) not in health.text
    assert libraries.status_code == 200, libraries.text
    body = libraries.json()
    assert [lib["id"] for lib in body["libraries"]] == [lib["id"] for lib in LIBRARIES]
    assert {lib["union_records"] for lib in body["libraries"]} == {None}  # unknown, not 0
    assert "unioncat index" in body["index_error"] and str(tmp_path) not in libraries.text
    assert "503" in schema["paths"]["/healthz"]["get"]["responses"]
    assert {"type": "null"} in schema["components"]["schemas"]["LibraryOut"]["properties"]["union_records"]["anyOf"]


def test_a_damaged_index_answers_503_saying_what_to_run(tmp_path):
    """A damaged index (meta.json cut short by a full disk) answered /healthz with tantivy's words
    alone, where the README promises that `message` says what to run; a plain `unioncat index`
    fails on it too, so the advice is the rebuild."""
    from index.build import current_version

    with _server(tmp_path / "data", [union("ls1", "Lịch sử Việt Nam", ("tv-tinh",))]) as http:
        (current_version(tmp_path / "data" / "index") / "meta.json").write_text("{", encoding="utf-8")
        health = http.get("/healthz")
        libraries = http.get("/api/libraries").json()
    assert health.status_code == 503
    assert "unioncat index --rebuild" in health.json()["message"], health.text
    assert "unioncat index --rebuild" in libraries["index_error"]
    assert str(tmp_path) not in health.text


def test_a_catalogue_restored_without_its_index_is_unhealthy_and_says_to_rebuild(tmp_path):
    """catalog.sqlite3 restored alone (what the README's backup keeps), no index/: /healthz answered 200 with
    0 records and a load balancer kept a server that finds nothing in rotation (review r6)."""
    import shutil

    with _server(tmp_path / "data", [union("ls1", "Lịch sử Việt Nam", ("tv-tinh",))]) as http:
        assert http.get("/healthz").status_code == 200
        shutil.rmtree(tmp_path / "data" / "index")
        health = http.get("/healthz")
        libraries = http.get("/api/libraries").json()
    assert health.status_code == 503
    assert "unioncat index --rebuild" in health.json()["message"], health.text
    assert "unioncat index --rebuild" in libraries["index_error"]
    assert {lib["union_records"] for lib in libraries["libraries"]} == {None}  # unknown, not 0
    assert str(tmp_path) not in health.text


def test_a_new_catalogue_with_nothing_to_index_yet_is_healthy(tmp_path):
    """Before the first run there is no union record and no index: nothing is missing."""
    with _server(tmp_path / "data", None) as http:
        health = http.get("/healthz")
        libraries = http.get("/api/libraries").json()
    assert health.status_code == 200 and health.json()["union_records"] == 0
    assert libraries["index_error"] is None
