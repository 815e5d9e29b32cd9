"""Ids holding control characters or bytes that are not UTF-8 (an ISO 2709 001, an OAI identifier):
each record is kept under an id that tells it from the others, and the run's warnings name it and
where it was read; the other records of the library are harvested as usual."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from lxml import etree
from typer.testing import CliRunner

from tests.test_harvest_support import (
    MARC_NS,
    fast_settings,
    identify,
    iso2709,
    list_records,
    marc_library,
    marcxml_record,
    oai_library,
)

from config.settings import load_settings
from harvester.cli import app
from harvester.marcfile import harvest_marc_file
from harvester.oai import OaiHarvester
from harvester.transport import make_client
from index import SearchIndex
from normalize import run_normalize
from search_api import create_app
from store import CatalogStore
from tests.test_api import serve_in_thread


def _book(local_id: bytes, title: str) -> bytes:
    return iso2709([("001", local_id), ("245", b"00\x1fa" + title.encode("utf-8"))])


def _harvest_oai(server, store):
    settings = fast_settings()
    with make_client(settings) as client:
        return OaiHarvester(client, store, settings).harvest(oai_library(server.url))


def test_iso2709_ids_differing_only_in_bytes_that_are_not_utf8_are_two_records_named_in_a_warning(
        tmp_path: Path, store):
    """Both 001s below were read as 'E\ufffd\ufffdF': the second was rejected as a duplicate of the first,
    and neither was named in any warning."""
    path = tmp_path / "koha.mrc"
    path.write_bytes(_book(b"E\xff\xfeF", "Sách ba") + _book(b"E\xfe\xffF", "Sách bốn") + _book(b"ok", "Sách"))
    run = harvest_marc_file(marc_library(str(path)), store, None, fast_settings())
    assert (run.added, run.rejected) == (3, 0), run.errors
    assert len(store.live_local_ids("tv-file")) == 3
    [warning] = [e for e in run.errors if "not UTF-8" in e]
    assert "'E\\xff\\xfeF' (2 bytes), 'E\\xfe\\xffF' (2 bytes)" in warning and str(path) in warning


def test_an_iso2709_id_with_control_characters_is_the_marcxml_id_and_is_named_where_it_was_read(
        tmp_path: Path, store):
    """A 001 'A\\x01B' was stored as it was from ISO 2709 (a raw control character, even NUL, in the id)
    but as 'A\u2401B' from MARCXML, so a library changing its export changed the record's id; neither
    export named it."""
    books = [_book(b"ok", "Sách"), _book(b"A\x01B", "Sách một"), _book(b"\x00G", "Sách hai")]
    iso = tmp_path / "koha.mrc"
    iso.write_bytes(b"".join(books))
    run = harvest_marc_file(marc_library(str(iso)), store, None, fast_settings())
    assert (run.added, run.rejected) == (3, 0), run.errors
    assert store.live_local_ids("tv-file") == {"ok", "A\u2401B", "\u2400G"}
    [warning] = [e for e in run.errors if "control characters" in e]
    assert f"'A\u2401B' ({iso} record 2 at byte {len(books[0])})" in warning, warning
    assert f"'\u2400G' ({iso} record 3 at byte {len(books[0]) + len(books[1])})" in warning, warning

    xml = tmp_path / "koha.xml"
    xml.write_bytes(f'<collection xmlns="{MARC_NS}">'.encode() + marcxml_record("A\x01B", "Sách một").encode()
                    + marcxml_record("ok", "Sách").encode() + b"</collection>")
    run = harvest_marc_file(marc_library(str(xml), "tv-xml"), store, None, fast_settings())
    assert store.live_local_ids("tv-xml") == {"ok", "A\u2401B"}
    [warning] = [e for e in run.errors if "control characters" in e]
    assert f"'A\u2401B' ({xml} record 1 (line 1))" in warning, warning


def test_an_oai_identifier_with_control_characters_is_named_with_its_page(fault_server, store):
    """The page's warning counted 'invalid XML characters' but named no record."""
    page = list_records(["ok"]).replace(b"<identifier>oai:x:ok</identifier>",
                                        b"<identifier>oai:x:a\x01b</identifier>")
    server = fault_server([identify(), page])
    run = _harvest_oai(server, store)
    assert (run.added, run.rejected) == (1, 0), run.errors
    assert store.live_local_ids("tv-test") == {"oai:x:a\u2401b"}
    [warning] = [e for e in run.errors if "control characters" in e]
    assert warning.startswith(f"warning: library 'tv-test' ({server.url}) page 1: 1 record with control")
    assert "'oai:x:a\u2401b'" in warning, warning


def test_bytes_that_are_not_utf8_in_a_001_leave_the_rest_of_the_record_read_as_utf8(tmp_path: Path, store):
    """One stray byte in the 001 of a UTF-8 record made the whole record fail as UTF-8, and the
    fallback read every field as MARC-8: the title 'Sách ba' was stored as 'S©Łch ba'."""
    path = tmp_path / "koha.mrc"
    path.write_bytes(_book(b"E\xff\xfeF", "Sách ba") + _book(b"ok", "Sách"))
    library = marc_library(str(path))
    harvest_marc_file(library, store, None, fast_settings())
    assert run_normalize(store, {library.id: library}, workers=1).normalized == 2
    titles = {record.local_id: record.title for record in store.get_records(
        f"tv-file:{local_id}" for local_id in store.live_local_ids("tv-file"))}
    assert titles == {"E\uf7ff\uf7feF": "Sách ba", "ok": "Sách"}


def test_leaders_with_control_characters_or_bytes_that_are_not_ascii_are_named_with_the_positions(
        fault_server, tmp_path: Path, store):
    """Such a leader was stored without a word from ISO 2709, and from XML only counted with the page's
    'invalid XML characters'."""
    odd = bytearray(_book(b"L1", "Sách bảy"))
    odd[5], odd[9], odd[18] = 0x01, 0xFF, 0x00
    path = tmp_path / "koha.mrc"
    path.write_bytes(_book(b"ok", "Sách") + bytes(odd))
    run = harvest_marc_file(marc_library(str(path)), store, None, fast_settings())
    assert (run.added, run.rejected) == (2, 0), run.errors
    [warning] = [e for e in run.errors if "leader" in e]
    assert (f"1 record with a leader holding what no MARC leader may (control characters, bytes that are not "
            f"ASCII), read as it is: 'L1' ({path} record 2 at byte {len(_book(b'ok', 'Sách'))}: "
            "leader/05 0x01, leader/09 0xFF, leader/18 0x00)") in warning, warning

    leader = b"<leader>00000nam a2200000 a 4500</leader><controlfield tag=\"001\">odd"
    page = list_records(["ok", "odd"]).replace(leader, leader.replace(b"nam a22", b"n\x01m a2\xff"))
    run = _harvest_oai(fault_server([identify(), page]), store)
    assert (run.added, run.rejected) == (2, 0), run.errors
    [warning] = [e for e in run.errors if "leader" in e]
    assert "'oai:x:odd' (leader/06 0x01, leader/11 0xFF)" in warning, warning


# What HTML and XML may not carry: C0 controls but tab, line feed and carriage return.
_FORBIDDEN_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def test_odd_ids_go_through_the_whole_pipeline_to_the_api_the_page_and_the_oai_feed(tmp_path: Path):
    """Records whose 001 holds control characters, NUL, stray bytes or URL characters are searchable, and
    their JSON, HTML page and OAI-PMH record are served whole: no 500, no control character in HTML or XML."""
    titles = {b"A\x01B": "Sách một", b"\x00G": "Sách hai", b"E\xff\xfeF": "Sách ba",
              b"H<&>\"'/ ?#%": "Sách bốn", b"C\x1b(3D": "Sách năm"}
    without_001 = iso2709([("245", "00\x1faSách sáu".encode("utf-8"))])  # known by its SHA-1 here, by no OPAC
    (tmp_path / "koha.mrc").write_bytes(b"".join(_book(local_id, title) for local_id, title in titles.items())
                                        + without_001)
    titles[b""] = "Sách sáu"
    config = tmp_path / "unioncat.toml"
    config.write_text('''data_dir = "data"
[[libraries]]
id = "tv-file"
name = "Thư viện tệp"
type = "school"
district = "Vị Thanh"
protocol = "marc-file"
url = "koha.mrc"
opac_url = "https://opac.example/{id}"
''', encoding="utf-8")
    updated = CliRunner().invoke(app, ["update", "--config", str(config)])
    assert updated.exit_code == 0, updated.output
    settings = load_settings(config)
    with CatalogStore(settings.db_path) as store, serve_in_thread(
            create_app(settings, store, SearchIndex(settings))) as url, httpx.Client(base_url=url, timeout=10) as http:
        hits = http.get("/api/search", params={"q": "Sách", "size": 20}).json()["hits"]
        opac_links = {}
        assert sorted(hit["title"] for hit in hits) == sorted(titles.values())
        for hit in hits:
            record = http.get(f"/api/records/{hit['id']}")
            assert record.status_code == 200 and record.json()["title"] == hit["title"]
            opac_links[hit["title"]] = record.json()["holdings"][0]["opac_url"]
            page = http.get(f"/records/{hit['id']}")
            assert page.status_code == 200 and hit["title"] in page.text and not _FORBIDDEN_RE.search(page.text)
            assert http.get(f"/api/records/{hit['id']}/why").status_code == 200
        for path in ["/", "/?q=S%C3%A1ch", "/api/search.atom?q=S%C3%A1ch",
                     "/oai?verb=ListRecords&metadataPrefix=marc21", "/oai?verb=ListRecords&metadataPrefix=oai_dc"]:
            answer = http.get(path)
            assert answer.status_code == 200 and not _FORBIDDEN_RE.search(answer.text), path
            if not path.startswith("/?") and path != "/":
                etree.fromstring(answer.content)  # well-formed
    # The library's OPAC knows each record by its 001's own bytes.
    opac = "https://opac.example/"
    assert opac_links == {"Sách một": f"{opac}A%01B", "Sách hai": f"{opac}%00G", "Sách ba": f"{opac}E%FF%FEF",
                          "Sách bốn": f"{opac}H%3C%26%3E%22%27%2F%20%3F%23%25", "Sách năm": f"{opac}C%1B%283D",
                          "Sách sáu": None}
