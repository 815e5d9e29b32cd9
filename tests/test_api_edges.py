"""Edges of the search API and page that a review found answering wrongly (each fixed with this test).

Decomposed input (Unikey's "Unicode tổ hợp"), non-ASCII digits, OpenSearch's empty
optional parameters, HEAD and 405, filters without a facet value, the two tone
spellings, the paging window, and the OpenAPI error shape.
"""
from __future__ import annotations

import html
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import httpx

from search_api import create_app
from store import CatalogStore
from tests.conftest import make_settings
from tests.test_api import serve_in_thread
from tests.test_index import LIBRARIES, index_records, union


def _records():
    return [
        union("ls1", "Lịch sử Việt Nam", ("tv-tinh", "tv-long-my"), authors=["Trần Trọng Kim"], year=2019,
              isbn=["9786045678909"], language="vie", subjects=["Lịch sử"]),
        union("ls2", "Lich su dia phuong Hau Giang", ("tv-long-my",), year=2005, language="vie"),
        union("ls3", "Lịch sử Việt Nam", ("thpt-vi-thanh",), authors=["Trần Trọng Kim"], year=1999, language="vie"),
        union("en1", "The history of Vietnam", ("tv-tinh",), year=2013, language="eng", isbn=["9780306406157"]),
        union("ky1", "Truyện Kiều", ("tv-tinh",), authors=["Nguyễn Du"], language="vie"),
        # same words, spelled with the two tone-placement conventions (hóa/hoá, thủy/thuỷ)
        union("hh1", "Hóa học đại cương", ("tv-tinh",)),
        union("hs1", "Họa sĩ và tranh", ("tv-tinh", "tv-long-my", "thpt-vi-thanh")),
        union("hh2", "Hoa hồng", ("tv-tinh", "tv-long-my")),
        union("ty1", "Thủy lợi Hậu Giang", ("tv-tinh",)),
        union("ty2", "Thùy dương", ("tv-tinh", "tv-long-my")),
    ]


@contextmanager
def _client(tmp: Path, records, **api) -> Iterator[httpx.Client]:
    """A real server on 127.0.0.1 over a fresh index of `records`."""
    data = tmp / "data"
    data.mkdir()
    settings = make_settings(data, LIBRARIES, api={"max_page_size": 50, **api})
    with CatalogStore(settings.db_path) as store:
        search_index = index_records(store, settings, records)
        with serve_in_thread(create_app(settings, store, search_index)) as url, \
                httpx.Client(base_url=url, timeout=30) as http:
            yield http


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with _client(tmp_path_factory.mktemp("edges"), _records()) as http:
        yield http


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# ---- 1. "Did you mean" is garbage for decomposed (Unikey "Unicode tổ hợp") input ------------------

def test_decomposed_query_gets_a_clean_suggestion(client):
    composed = client.get("/api/search", params={"q": "truyện kiềeu"}).json()
    assert composed["fuzzy"] and composed["suggestion"] == "truyện kiều"
    body = client.get("/api/search", params={"q": _nfd("truyện kiềeu")}).json()
    assert body["fuzzy"] and body["total"] == 1
    # It was 'Truyệṇ̂n Kiềû̀eu': word pieces split at the combining marks, "corrected" one by one.
    assert _nfc(body["suggestion"]) == "truyện kiều", repr(body["suggestion"])


# ---- 2. Non-decimal "digits" (², ①) reach int(): 500 instead of 400 ------------------------------

@pytest.mark.parametrize("params", [{"q": "year:²"}, {"year": "²"}, {"decade": "¹⁹⁹⁰"}, {"q": "year:①"}])
def test_superscript_digits_in_a_year_are_400_not_500(client, params):
    response = client.get("/api/search", params=params)
    assert response.status_code == 400, (response.status_code, response.text[:200])


def test_superscript_digits_in_an_isbn_find_nothing_and_fullwidth_ones_find_the_book(client):
    assert client.get("/api/search", params={"q": "isbn:²²²²²²²²²2"}).json()["total"] == 0
    fullwidth = "isbn:" + "９７８６０４５６７８９０９"
    assert [hit["id"] for hit in client.get("/api/search", params={"q": fullwidth}).json()["hits"]] == ["ls1"]


# ---- 3. OpenSearch: the optional {startPage?} substituted with "" (as the spec allows) gives 400 -----

def test_opensearch_json_template_works_when_optional_startpage_is_empty(client):
    root = ET.fromstring(client.get("/opensearch.xml").content)
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    template = {u.get("type"): u.get("template") for u in root.findall("os:Url", ns)}["application/json"]
    # OpenSearch 1.1: a "?" parameter is optional and a client without a value replaces it with "".
    url = template.replace("{searchTerms}", "lich%20su").replace("{startPage?}", "")
    response = client.get(url)
    assert response.status_code == 200, response.text


# ---- 4. 405 answers lose their Allow header; HEAD is not supported on GET resources --------------

def test_405_answer_names_the_allowed_methods(client):
    response = client.post("/api/search", params={"q": "lich"})
    assert response.status_code == 405
    assert "GET" in response.headers.get("allow", ""), dict(response.headers)  # RFC 9110 15.5.6: MUST
    assert "HEAD" in response.headers["allow"]  # answered like GET (search_api/head.py)


@pytest.mark.parametrize("path", ["/api/search", "/"])
def test_405_is_said_in_vietnamese_with_english_in_brackets_as_other_errors(client, path):
    """POST to / or /api/search answered Starlette's "Method Not Allowed", English only (review)."""
    response = client.post(path, params={"q": "lich"})
    assert response.status_code == 405
    text = response.json()["message"] if path.startswith("/api/") else response.text
    assert "Method Not Allowed" not in text
    assert "POST" in text and "GET" in text and "(method POST not allowed" in text


@pytest.mark.parametrize("path", ["/healthz", "/api/search?q=lich", "/", "/widget.js", "/records/ls1"])
def test_head_is_answered_like_get(client, path):
    assert client.head(path).status_code == 200  # RFC 9110 9.1: servers MUST support GET and HEAD


# ---- 5. Active filters with no facet value (0 hits, ranges) get no chip and cannot be removed -----

def _chips(text: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'<a class="chip" href="([^"]*)"', text)]


def test_filters_that_leave_zero_hits_can_still_be_removed(client):
    page = client.get("/", params=[("q", "lich su"), ("library", "tv-tinh"), ("language", "eng")]).text
    assert '<span id="total">0</span>' in page
    assert "Thử bỏ bớt từ hoặc bộ lọc" in page  # the page tells the librarian to remove a filter ...
    assert len(_chips(page)) == 2, "... and offers a chip for each active filter to do it"


def test_a_year_range_filter_is_shown_and_removable(client):
    page = client.get("/", params=[("q", "lich su"), ("year", "1990-2000")]).text
    assert '<span id="total">1</span>' in page
    assert any("year=" not in href for href in _chips(page)), _chips(page)


# ---- 6. A filter value sent decomposed: its chip's "remove" link adds the NFC value instead -------

def test_chip_of_a_decomposed_filter_value_removes_the_filter(client):
    page = client.get("/", params=[("q", "lich su"), ("district", _nfd("Long Mỹ"))]).text
    chips = _chips(page)
    assert len(chips) == 1
    assert "district=" not in chips[0], chips[0]  # it was '/?q=lich+su&district=Long+My%CC%83&district=Long+M%E1%BB%B9'



def test_a_filter_given_twice_in_two_spellings_shows_one_chip(client):
    """A partner's form with a hidden language=vie and a select sending VIE: since codes match in
    lower case the two are one filter, but the page showed two identical "Ngôn ngữ: Tiếng Việt"
    chips and carried both into every later search (a screen reader read the chip twice)."""
    page = client.get("/", params=[("q", "lich su"), ("language", "vie"), ("language", "VIE")]).text
    assert _chips(page) == ["/?q=lich+su"]
    # one hidden field in the search box's form and one in the sort form, not two in each
    assert page.count('name="language" value="vie"') == 2


# ---- 7. Tone-placement variants (hoá/hóa, thuỷ/thủy) are not the same word for the exact fields --

def _ids(client, q):
    return [hit["id"] for hit in client.get("/api/search", params={"q": q}).json()["hits"]]


def test_old_and_new_tone_placement_rank_the_same_word_first(client):
    assert _ids(client, "hóa")[0] == "hh1"
    assert _ids(client, "thủy")[0] == "ty1"
    # The same words with the mark on the other vowel (both spellings are standard Vietnamese):
    # "hoá" ranked "Hoa hồng" and "Họa sĩ" above "Hóa học", "thuỷ" ranked "Thùy dương" first.
    assert _ids(client, "hoá")[0] == "hh1", _ids(client, "hoá")
    assert _ids(client, "thuỷ")[0] == "ty1", _ids(client, "thuỷ")


# ---- 8. The page's own "next page" link near the 10,000-hit window answers 400 -----------------

def test_pagination_links_never_lead_to_a_400(tmp_path):
    records = [union(f"b{n:05d}", f"Sách {n}", ("tv-tinh",), year=1950 + n % 70) for n in range(10_010)]
    with _client(tmp_path, records, default_page_size=30) as http:
        page = http.get("/", params={"q": "sach", "page": "333"})
        assert page.status_code == 200
        nav = re.findall(r'<nav class="pagination".*?</nav>', page.text, re.S)[0]
        links = [html.unescape(h) for h in re.findall(r'<a href="(/\?[^"]*page=[^"]*)"', nav)]
        assert links
        for link in links:
            response = http.get(link)
            assert response.status_code == 200, (link, re.findall(r'role="alert"><p>([^<]*)', response.text))


# ---- 9. OpenAPI documents a 422 HTTPValidationError the API never sends (it answers 400) ---------

def test_openapi_documents_the_status_bad_parameters_really_get(client):
    operation = client.get("/openapi.json").json()["paths"]["/api/search"]["get"]
    response = client.get("/api/search", params={"page": "x"})
    assert str(response.status_code) in operation["responses"]
    assert "422" not in operation["responses"], "documented 422 {detail: [...]} is never answered"


def test_an_index_built_by_an_older_unioncat_answers_503_saying_how_to_rebuild(tmp_path):
    """After an upgrade that changed the index format, `serve` restarted before the nightly run
    answered every search with Tantivy's bare 'schema does not match' and no way out."""
    import tantivy

    from index.build import CURRENT_NAME

    with _client(tmp_path, _records()[:1]) as http:
        index_dir = tmp_path / "data" / "index"
        (index_dir / "v1-older").mkdir()
        older_schema = tantivy.SchemaBuilder().add_text_field("title", stored=True).build()
        tantivy.Index(older_schema, path=str(index_dir / "v1-older")).writer().commit()
        (index_dir / CURRENT_NAME).write_text("v1-older", encoding="utf-8")
        response = http.get("/api/search", params={"q": "Lịch sử"})
    assert response.status_code == 503
    assert "unioncat index" in response.json()["message"]
    # The operator's advice, without the server's directory layout (the log has the full message).
    assert str(tmp_path) not in response.json()["message"] and "data_dir/index/v1-older" in response.json()["message"]


def _search_never_indexed(data: Path) -> dict:
    """/api/search's answer to "lich su" from a server started before the first `unioncat index`."""
    from index import SearchIndex

    data.mkdir()
    settings = make_settings(data, LIBRARIES)
    with CatalogStore(settings.db_path) as store, \
            serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
        return httpx.get(url + "/api/search", params={"q": "lich su"}, timeout=30).json()


def test_a_catalogue_not_indexed_yet_answers_every_facet_name_with_no_values(tmp_path):
    """Before the first `unioncat index` (`serve` on a new registry), /api/search answered
    "facets": {} while an index answers one list per facet: a partner site reading
    facets["library"] failed until the first nightly run."""
    with_index = tmp_path / "with"
    with_index.mkdir()
    with _client(with_index, _records()[:1]) as http:
        names = set(http.get("/api/search", params={"q": "zzzz"}).json()["facets"])
    body = _search_never_indexed(tmp_path / "data")
    assert names and body["facets"] == {name: [] for name in names}
    assert body["total"] == 0 and body["hits"] == []


def test_a_search_says_whether_the_catalogue_has_anything_to_search(tmp_path):
    """Before the first `unioncat index`, and over an index of no records, /api/search answered 0 hits
    exactly as for a query that matched nothing: a partner site could only show "0 results"."""
    indexed = tmp_path / "indexed"
    indexed.mkdir()
    with _client(indexed, _records()[:1]) as http:
        assert http.get("/api/search", params={"q": "zzzz"}).json()["indexed"] is True
    empty = tmp_path / "empty"
    empty.mkdir()
    with _client(empty, []) as http:
        assert http.get("/api/search", params={"q": "zzzz"}).json()["indexed"] is False
    body = _search_never_indexed(tmp_path / "data")
    assert body["indexed"] is False and body["total"] == 0


def test_the_documented_error_example_is_what_its_query_really_answers(client):
    """/openapi.json's ErrorResponse example quoted query 'title:((' with the message of another
    query ('title:'); a partner developer matching on it never saw that answer."""
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    example = schemas["ErrorResponse"]["examples"][0]
    query = re.match(r"query '(.*?)': ", example["message"]).group(1)
    response = client.get("/api/search", params={"q": query})
    assert response.status_code == example["status"]
    assert response.json() == example
