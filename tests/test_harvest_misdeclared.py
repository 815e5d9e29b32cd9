"""XML whose declaration names a Latin encoding (a template's `encoding="ISO-8859-1"`) over bytes written
in UTF-8: obeying the declaration made mojibake of every Vietnamese letter ("Tiếng" stored as "Tiáº¿ng"),
silently, over OAI-PMH, in MARCXML files and in the file modes.  Real servers on 127.0.0.1, real SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester.files import read_records_file
from harvester.marcfile import harvest_marc_file
from harvester.oai import OaiHarvester
from harvester.transport import make_client
from normalize.normalizer import normalize_raw
from tests.test_harvest_support import (
    MARC_NS,
    OAI_NS,
    fast_settings,
    identify,
    marc_library,
    marcxml_record,
    oai_library,
)

BOM = b"\xef\xbb\xbf"


def _titles(store, library: str) -> list[str]:
    return sorted(normalize_raw(raw).title for _, raw in store.raw_changed_since(0, library))


def _page(declaration: str, titles: list[str]) -> str:
    records = "".join(f"<record><header><identifier>oai:x:{i}</identifier><datestamp>2024-03-15T10:30:00Z"
                      f"</datestamp></header><metadata>{marcxml_record(str(i), title)}</metadata></record>"
                      for i, title in enumerate(titles, 1))
    return (f'<?xml version="1.0" encoding="{declaration}"?><OAI-PMH xmlns="{OAI_NS}"><responseDate>'
            f"2024-05-01T10:20:30Z</responseDate><request>x</request><ListRecords>{records}</ListRecords></OAI-PMH>")


def _collection(declaration: str, titles: list[str]) -> str:
    records = "".join(marcxml_record(str(i), title) for i, title in enumerate(titles, 1))
    return f'<?xml version="1.0" encoding="{declaration}"?>\n<collection xmlns="{MARC_NS}">{records}</collection>'


@pytest.mark.parametrize("declaration", ["ISO-8859-1", "windows-1252", "US-ASCII"])
def test_an_oai_page_declaring_a_latin_encoding_over_utf8_bytes_keeps_its_vietnamese(fault_server, store,
                                                                                       declaration):
    server = fault_server([identify(), _page(declaration, ["Tiếng Việt", "Lịch sử"]).encode("utf-8")])
    settings = fast_settings()
    with make_client(settings) as client:
        run = OaiHarvester(client, store, settings).harvest(oai_library(server.url))
    assert run.added == 2
    assert _titles(store, "tv-test") == ["Lịch sử", "Tiếng Việt"]


@pytest.mark.parametrize("bom", [b"", BOM])
def test_a_marcxml_file_declaring_latin1_over_utf8_bytes_keeps_its_vietnamese(tmp_path: Path, store, bom):
    """Also with the byte order mark Windows editors put before a file they saved as UTF-8."""
    path = tmp_path / "export.xml"
    path.write_bytes(bom + _collection("ISO-8859-1", ["Tiếng Việt", "Lịch sử"]).encode("utf-8"))
    run = harvest_marc_file(marc_library(str(path)), store, None, fast_settings())
    assert run.added == 2
    assert _titles(store, "tv-file") == ["Lịch sử", "Tiếng Việt"]


def test_a_marcxml_file_whose_first_block_is_ascii_is_judged_on_its_first_vietnamese(tmp_path: Path, store,
                                                                                       monkeypatch):
    """An export that begins with English books: the first block alone says nothing (review)."""
    monkeypatch.setattr("harvester.marcfile.READ_BLOCK_BYTES", 512)
    path = tmp_path / "export.xml"
    titles = [f"English book {n}" for n in range(12)] + ["Tiếng Việt"]
    path.write_bytes(_collection("ISO-8859-1", titles).encode("utf-8"))
    run = harvest_marc_file(marc_library(str(path)), store, None, fast_settings())
    assert run.added == 13
    assert "Tiếng Việt" in _titles(store, "tv-file")


def test_a_marcxml_file_really_in_latin1_is_still_read_as_latin1(tmp_path: Path):
    path = tmp_path / "latin1.xml"
    path.write_bytes(_collection("ISO-8859-1", ["Café crème"]).encode("latin-1"))
    [item] = read_records_file(path)
    assert normalize_raw(item).title == "Café crème"


def test_a_saved_oai_page_declaring_latin1_over_utf8_bytes_is_read_as_utf8(tmp_path: Path):
    """`unioncat normalize --input` on a saved response goes the same way."""
    path = tmp_path / "page.xml"
    path.write_bytes(_page("ISO-8859-1", ["Tiếng Việt"]).encode("utf-8"))
    [item] = read_records_file(path)
    assert normalize_raw(item).title == "Tiếng Việt"
