"""The librarians' page on catalogues built as a library sends them: MARC files through `unioncat update`,
then the page and the API served over the store and index it made."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

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


def update(tmp_path: Path, records: list[Record]) -> Path:
    """`unioncat update` of one school library's (thcs-a) MARC file holding `records`; the config's path."""
    with (tmp_path / "school.mrc").open("wb") as out:
        writer = MARCWriter(out)
        for record in records:
            writer.write(record)
    config = _marc_file_config(tmp_path, tmp_path / "school.mrc")
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
