"""The librarians' page on catalogues built as a library sends them: MARC files through `unioncat update`,
then the page and the API served over the store and index it made."""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
from pymarc import Field, MARCWriter, Record, Subfield
from typer.testing import CliRunner

from config.settings import load_settings
from harvester.cli import app
from index.search import SearchIndex
from search_api import create_app
from store import CatalogStore
from tests.test_api import serve_in_thread
from tests.test_record_ids_in_files import _marc_file_config


def book(local_id: str, title: str, *fields: Field) -> Record:
    record = Record(force_utf8=True, leader="     nam a22     7a 4500")
    record.add_field(Field(tag="001", data=local_id),
                     Field(tag="008", data="240101s2024    vm            000 0 vie d"),
                     Field(tag="245", indicators=["0", "0"], subfields=[Subfield("a", title)]), *fields)
    return record


def copy(location: str, call_number: str, barcode: str) -> Field:
    """One copy as Libol exports it: an 852 each, its barcode in $p."""
    return Field(tag="852", indicators=[" ", " "],
                 subfields=[Subfield("b", location), Subfield("h", call_number), Subfield("p", barcode)])


def update(tmp_path: Path, records: list[Record], region: str = "Hậu Giang", opac_url: str = "") -> Path:
    """`unioncat update` of one school library's (thcs-a) MARC file holding `records`; the config's path."""
    with (tmp_path / "school.mrc").open("wb") as out:
        writer = MARCWriter(out)
        for record in records:
            writer.write(record)
    config = _marc_file_config(tmp_path, tmp_path / "school.mrc")
    library = config.read_text(encoding="utf-8") + (f'opac_url = "{opac_url}"\n' if opac_url else "")
    config.write_text(f'region = "{region}"\n' + library, encoding="utf-8")
    updated = CliRunner().invoke(app, ["update", "--config", str(config)])
    assert updated.exit_code == 0, updated.output
    return config


@contextlib.contextmanager
def served(config: Path) -> Iterator[httpx.Client]:
    settings = load_settings(config)
    with CatalogStore(settings.db_path) as store, serve_in_thread(
            create_app(settings, store, SearchIndex(settings))) as url, httpx.Client(base_url=url, timeout=10) as http:
        yield http


def test_the_record_page_shows_a_shelf_of_copies_once_with_their_number(tmp_path):
    """250 copies on one shelf were 250 identical rows; the API still lists each copy."""
    copies = [copy("Kho giáo khoa", "51 T10", f"SGK{n:05d}") for n in range(250)]
    copies += [copy("Kho mở", "51 T10", f"MO{n}") for n in range(2)]
    config = update(tmp_path, [book("SGK1", "Toán 10. Tập 1", *copies)])
    with served(config) as http:
        [hit] = http.get("/api/search", params={"q": "Toán 10"}).json()["hits"]
        record = http.get(f"/api/records/{hit['id']}").json()
        page = http.get(f"/records/{hit['id']}").text
    assert len(record["holdings"]) == len(copies)
    shelves = {(h["location"], h["call_number"]) for h in record["holdings"]}
    assert page.count('class="holding"') == len(shelves) == 2
    for location in ("Kho giáo khoa", "Kho mở"):
        count = sum(h["location"] == location for h in record["holdings"])
        assert f'<td>{location}</td>\n        <td class="copies">{count} bản</td>' in page
    assert f"Thư viện có tài liệu này (1; {len(copies)} bản)" in page
    assert "SGK00001" not in page


def _syntax_hint(page: str) -> tuple[str, str]:
    """(what holds the search box's syntax hint, the hint's text): the box's aria-describedby names it."""
    [described] = re.findall(r'<input id="q"[^>]*aria-describedby="([^"]*)"', page)
    assert "q-hint" in described.split()
    [hint] = re.findall(r'<p class="hint" id="q-hint">(.*?)</p>', page, re.S)
    return page[:page.index('<p class="hint" id="q-hint">')].rstrip(), hint


def test_the_syntax_hint_is_shown_on_the_home_page_and_folded_on_a_results_page(tmp_path):
    """On a phone the seven lines of syntax put the first hit below the fold of every results page."""
    config = update(tmp_path, [book("B1", "Toán 10. Tập 1", copy("Kho mở", "51 T10", "B1"))])
    with served(config) as http:
        home_holder, home_hint = _syntax_hint(http.get("/").text)
        results = http.get("/", params={"q": "Toán"}).text
    results_holder, results_hint = _syntax_hint(results)
    assert 'id="hit-' in results and results_hint == home_hint and "<code>truy*</code>" in home_hint
    assert not home_holder.endswith("</summary>")
    # In a closed disclosure (no `open`), which opens without JavaScript.
    assert results_holder.endswith('<details class="hint-more"><summary>Cú pháp tìm kiếm</summary>')


def test_a_withdrawn_record_s_id_says_it_left_the_catalogue_and_offers_its_title(tmp_path):
    kept, withdrawn = book("K1", "Vật lý 10"), book("W1", "Hóa học 11 - Tập 2 (AND bài tập)")
    config = update(tmp_path, [kept, withdrawn])
    with served(config) as http:
        old_id = http.get("/api/search", params={"q": "Hóa học 11"}).json()["hits"][0]["id"]
    update(tmp_path, [kept])  # the library withdrew the book: its file no longer holds it
    with served(config) as http:
        page, api = http.get(f"/records/{old_id}"), http.get(f"/api/records/{old_id}")
        typo = http.get(f"/records/{old_id}x")
    assert page.status_code == api.status_code == typo.status_code == 404
    for message in (html.unescape(page.text), api.json()["message"]):
        assert "không còn trong mục lục" in message and "Hóa học 11 - Tập 2 (AND bài tập)" in message
    assert "không còn trong mục lục" not in typo.text
    [link] = re.findall(r'<a id="search-instead" href="([^"]*)"', page.text)
    assert urlsplit(html.unescape(link)).path == "/"
    # The title as one phrase: its "-", "AND" and brackets are no operators.
    assert parse_qs(urlsplit(html.unescape(link)).query) == {"q": ['"Hóa học 11 - Tập 2 (AND bài tập)"']}
    with served(config) as http:
        assert http.get(html.unescape(link)).status_code == 200


def test_a_long_withdrawn_title_is_offered_as_a_search_that_runs():
    """The link quoted the whole title: one of 84 words was a query of more than 64 words, answered 400."""
    from index.query_language import parse_query
    from search_api.errors import as_phrase

    title = " ".join(["Báo cáo tổng kết công tác thư viện trường học"] * 10)
    parse_query(as_phrase(title))  # raises QueryError on a query that is too long
    assert as_phrase('Truyện "Kiều" - AND (1)') == '"Truyện Kiều - AND (1)"'


def test_an_unknown_id_is_shown_ids_of_this_catalogue_that_work(tmp_path):
    config = update(tmp_path, [book("HG/7", "Vật lý 10")])
    with served(config) as http:
        [hit] = http.get("/api/search", params={"q": "Vật lý"}).json()["hits"]
        page = html.unescape(http.get("/records/no-such-record").text)
        api = http.get("/api/records/no-such-record").json()["message"]
        examples = re.findall(r"ví dụ (\S+) hoặc (\S+?)\.", api)
        assert examples == [(hit["id"], "thcs-a:HG/7")] and examples == re.findall(r"ví dụ (\S+) hoặc (\S+?)\.", page)
        for example in examples[0]:  # each answers: the record, or a redirect to it
            assert http.get(f"/records/{example}", follow_redirects=True).url.path == f"/records/{hit['id']}"
    assert "tv-tinh" not in page and "tv-tinh" not in api


def test_a_query_that_is_a_union_id_leads_to_its_record_and_a_library_s_record_number_finds_its_record(tmp_path):
    config = update(tmp_path, [book("CVT000018", "Vật lý 10"), book("1984", "Hóa học 11"),
                               book("77", "Tiểu thuyết 1984")])
    with served(config) as http:
        def found(q: str) -> list[str]:
            return [hit["title"] for hit in http.get("/api/search", params={"q": q}).json()["hits"]]

        [hit] = http.get("/api/search", params={"q": "Vật lý"}).json()["hits"]
        for typed in (hit["id"], f"id:{hit['id']}", f" ID: {hit['id']} ", hit["id"].upper()):
            assert found(typed) == ["Vật lý 10"]
            page = http.get("/", params={"q": typed})
            assert page.status_code == 302 and page.headers["location"] == f"/records/{hit['id']}"
        for typed in ("CVT000018", "cvt000018", "thcs-a:CVT000018", "id:thcs-a:CVT000018"):
            assert found(typed) == ["Vật lý 10"]
            assert 'class="hit"' in http.get("/", params={"q": typed}).text
        # A short number is a year, a grade or a volume before a record number: words, unless written `id:`.
        assert found("1984") == ["Tiểu thuyết 1984"] and found("id:1984") == ["Hóa học 11"]
        assert found(hit["id"].upper()) == ["Vật lý 10"]  # a union id typed in capitals
        assert found("Hóa học") == ["Hóa học 11"] and found("thcs-a:404") == []
        # `id:` and an id the catalogue does not hold says so, where it searched the words and found nothing.
        unknown = http.get("/api/search", params={"q": "id:thcs-a:404"})
        assert unknown.status_code == 400 and "không có bản ghi nào mang mã 'thcs-a:404'" in unknown.json()["message"]


def test_the_link_to_a_library_s_catalogue_is_named_alike_and_titles_name_the_union_catalogue(tmp_path):
    """"OPAC" on the results page, "Xem tại thư viện" (read it at the library) on the record page; and
    every title ended "· Thư viện Hậu Giang", which reads as the member "Thư viện tỉnh Hậu Giang"."""
    config = update(tmp_path, [book("B1", "Toán 10. Tập 1", copy("Kho mở", "51 T10", "B1"))],
                    region="Bạc Liêu", opac_url="https://opac.example/{id}")
    with served(config) as http:
        [hit] = http.get("/api/search", params={"q": "Toán"}).json()["hits"]
        pages = [http.get(path).text for path in ("/", "/?q=To%C3%A1n", f"/records/{hit['id']}", "/records/nothing")]
    opac_links = [re.findall(r'<a[^>]*href="https://opac\.example/B1"[^>]*>([^<]*)', page) for page in pages[1:3]]
    assert opac_links == [["Mục lục thư viện"], ["Xem trong mục lục của thư viện"]]
    assert "OPAC" not in pages[1] + pages[2] and "Xem tại thư viện" not in pages[2]
    for page in pages:
        assert re.search(r"<title>[^<]* · Mục lục liên hợp Bạc Liêu</title>", page), page[:400]


def test_a_role_given_as_an_english_term_and_its_code_is_shown_once_in_vietnamese(tmp_path):
    """RDA copy cataloguing: "$e author. $4 aut" showed "author, tác giả"."""
    def name(tag: str, *subfields: tuple[str, str]) -> Field:
        return Field(tag=tag, indicators=["1", " "], subfields=[Subfield(code, value) for code, value in subfields])

    config = update(tmp_path, [book(
        "D1", "The tale of Kiều", name("100", ("a", "Nguyễn Du,"), ("d", "1765-1820,"), ("e", "author."), ("4", "aut")),
        name("700", ("a", "Huỳnh Sanh Thông,"), ("e", "translator."), ("4", "trl")),
        name("700", ("a", "Lê Văn X,"), ("e", "dịch"), ("4", "trl")),
        name("700", ("a", "Trần Y,"), ("e", "printer."), ("e", "editor")))])
    with served(config) as http:
        [hit] = http.get("/api/search", params={"q": "tale of Kiều"}).json()["hits"]
        page = http.get(f"/records/{hit['id']}").text
        names = http.get(f"/api/records/{hit['id']}").json()["names"]
    shown = dict(re.findall(r'<span class="name">([^<(,]+?)(?: \([^)]*\))?, ([^<]*)</span>', page))
    assert shown == {"Nguyễn Du": "tác giả", "Huỳnh Sanh Thông": "dịch", "Lê Văn X": "dịch",
                     "Trần Y": "printer, biên tập"}
    relators = {n["name"]: n["relators"] for n in names}  # the API as normalized: both
    assert (relators["Nguyễn Du"], relators["Huỳnh Sanh Thông"]) == (["author", "aut"], ["translator", "trl"])
