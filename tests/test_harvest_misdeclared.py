"""XML whose declaration names a Latin encoding (a template's `encoding="ISO-8859-1"`) over bytes written
in UTF-8: obeying the declaration made mojibake of every Vietnamese letter ("Tiếng" stored as "Tiáº¿ng"),
silently, over OAI-PMH, in MARCXML files and in the file modes.  Real servers on 127.0.0.1, real SQLite."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harvester.cli import app
from harvester.files import read_records_file
from harvester.marcfile import harvest_marc_file
from harvester.oai import OaiHarvester
from harvester.transport import make_client
from normalize.normalizer import normalize_raw
from tests.test_cli_ops import write_registry
from tests.test_harvest_report import STATUS_KEYS
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
    monkeypatch.setattr("harvester.marcxmlread.READ_BLOCK_BYTES", 512)
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


# ---- the library is told, in `unioncat status` -------------------------------------------------------------


def _status_of(config: Path, library: str) -> dict:
    result = CliRunner().invoke(app, ["status", "--format", "json", "--config", str(config)])
    return next(item for item in json.loads(result.stdout)["libraries"] if item["id"] == library)


def _misdeclared_warnings(errors: list[str]) -> list[str]:
    return [error for error in errors if "declares encoding" in error]


def test_a_server_declaring_latin1_over_utf8_is_told_once_in_the_librarys_status(fault_server, tmp_path: Path):
    """The warning went only to the log, once per page: the librarian reading `unioncat status` never
    learnt that the library's server mislabels its encoding, so nobody asked the library to fix it."""
    second = _page("ISO-8859-1", ["Lịch sử"]).replace("oai:x:1", "oai:x:2")
    first = _page("ISO-8859-1", ["Tiếng Việt"]).replace("</ListRecords>", "<resumptionToken>t1</resumptionToken>"
                                                                          "</ListRecords>")
    server = fault_server([identify(), first.encode("utf-8"), second.encode("utf-8")])
    config = write_registry(tmp_path / "unioncat.toml", {"tv-test": server.url})
    harvested = CliRunner().invoke(app, ["harvest", "--config", str(config)])
    assert harvested.exit_code == 0, harvested.output
    library = _status_of(config, "tv-test")
    assert STATUS_KEYS <= set(library) and library["records"] == 2 and library["last_status"] == "ok"
    [warning] = _misdeclared_warnings(library["errors"])  # two pages, one warning
    assert warning.startswith("warning:") and "'tv-test'" in warning and server.url in warning
    assert 'encoding="ISO-8859-1"' in warning and "read as UTF-8" in warning
    assert 'declare encoding="UTF-8"' in warning and "OAI-PMH server" in warning


def test_a_marcxml_file_declaring_latin1_over_utf8_is_told_in_the_librarys_status(tmp_path: Path):
    path = tmp_path / "export.xml"
    path.write_bytes(_collection("windows-1252", ["Tiếng Việt", "Lịch sử"]).encode("utf-8"))
    config = tmp_path / "unioncat.toml"
    config.write_text(f'data_dir = "data"\n[[libraries]]\nid = "tv-file"\nname = "Thư viện tệp"\ntype = "school"\n'
                      f'district = "Vị Thanh"\nprotocol = "marc-file"\nurl = "{path}"\n', encoding="utf-8")
    harvested = CliRunner().invoke(app, ["harvest", "--config", str(config)])
    assert harvested.exit_code == 0, harvested.output
    library = _status_of(config, "tv-file")
    assert STATUS_KEYS <= set(library) and library["records"] == 2
    [warning] = _misdeclared_warnings(library["errors"])
    assert "'tv-file'" in warning and str(path) in warning and 'encoding="windows-1252"' in warning
    assert "read as UTF-8" in warning and "MARCXML export" in warning


def test_a_file_really_in_latin1_or_declaring_utf8_gets_no_such_warning(tmp_path: Path, store):
    for name, data in (("latin1.xml", _collection("ISO-8859-1", ["Café crème"]).encode("latin-1")),
                       ("utf8.xml", _collection("UTF-8", ["Tiếng Việt"]).encode("utf-8"))):
        path = tmp_path / name
        path.write_bytes(data)
        run = harvest_marc_file(marc_library(str(path)), store, None, fast_settings(), full=True)
        assert not _misdeclared_warnings(run.errors), run.errors


def test_normalize_input_still_says_a_file_is_misdeclared_on_stderr(tmp_path: Path, caplog):
    """The file modes have no run to carry the warning to `status`: it stays a log line."""
    path = tmp_path / "export.xml"
    path.write_bytes(_collection("ISO-8859-1", ["Tiếng Việt"]).encode("utf-8"))
    with caplog.at_level(logging.WARNING):
        [item] = read_records_file(path)
    assert normalize_raw(item).title == "Tiếng Việt"
    assert any(str(path) in message and "ISO-8859-1" in message for message in caplog.messages)


def test_a_misdeclared_page_read_without_its_broken_record_is_told_too(fault_server, store):
    """A page salvaged record by record (harvester/oaisalvage.py) was read as UTF-8 the same way."""
    page = _page("ISO-8859-1", ["Tiếng Việt", "Lịch sử"]).replace("Lịch sử</subfield>", "Lịch sử</subfeld>")
    settings = fast_settings()
    server = fault_server([identify()] + [page.encode("utf-8")] * (settings.max_retries + 1))
    with make_client(settings) as client:
        run = OaiHarvester(client, store, settings).harvest(oai_library(server.url))
    assert run.added == 1 and run.rejected == 1
    assert _titles(store, "tv-test") == ["Tiếng Việt"]
    [warning] = _misdeclared_warnings(run.errors)
    assert 'encoding="ISO-8859-1"' in warning and server.url in warning
