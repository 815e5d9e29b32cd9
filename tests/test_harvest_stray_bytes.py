"""Bytes of a legacy encoding inside an otherwise UTF-8 page or MARCXML file, from the server on 127.0.0.1
to the stored Record: the harvester keeps them, normalize reads them as cp1252 or cp1258 by the field and
then repairs TCVN3/VNI.  The harvester once read every such byte as cp1258, which turned TCVN3 and VNI
fragments into combining marks that NFC composed away: "Những nguyên tắc" stayed garbled for good."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.test_harvest_marc import file_server  # noqa: F401  (a fixture)
from tests.test_harvest_support import (
    MARC_NS,
    Canned,
    envelope,
    fast_settings,
    identify,
    marc_library,
    marcxml_record,
    oai_library,
)

from harvester.cli import app
from harvester.marcfile import harvest_marc_file
from harvester.oai import OaiHarvester
from harvester.transport import make_client
from normalize import run_normalize
from store import record_id

# (bytes pasted into a title, the title they mean, the reading normalize must choose, the legacy repair)
FRAGMENTS = {
    "tcvn3": (b"Nh\xf7ng nguy\xaan t\xbec kinh t\xd5 v\xb5 l\xdech s\xf6", "Những nguyên tắc kinh tế và lịch sử",
              "cp1252", "TCVN3 → Unicode"),  # cp1258 reads \xd5 as Ơ and \xde as a tilde
    "vni": (b"L\xf2ch s\xf6\xfb", "Lịch sử", "cp1252", "VNI → Unicode"),
    "cp1258": (b"Nguy\xea\xden \xf0\xe1o", "Nguyễn đáo", "cp1258", None),
    "french": (b"Fran\xe7ais", "Français", "cp1252", None),
}


def _with_fragments(data: bytes) -> bytes:
    """`data` with each "@name@" title replaced by that fragment's bytes."""
    for name, (raw, *_meaning) in FRAGMENTS.items():
        data = data.replace(f"@{name}@".encode(), raw)
    return data


def _assert_read(records: dict[str, object], prefix: str = "245$a") -> None:
    """Each fragment's record holds the Vietnamese (or French) text and notes which reading was used."""
    for name, (raw, title, reading, legacy) in FRAGMENTS.items():
        record = records[name]
        assert record.title == title, (name, record.title, record.repairs)
        count = sum(byte >= 0x80 for byte in raw)
        said = "1 byte that was" if count == 1 else f"{count} bytes that were"
        assert f"{prefix}: {said} not UTF-8 read as {reading}" in record.repairs, (name, record.repairs)
        assert legacy is None or f"{prefix}: {legacy}" in record.repairs, (name, record.repairs)


def _oai_page(metadata_of) -> bytes:
    """A UTF-8 ListRecords page with one record per fragment ("oai:x:tcvn3" ...) and one plain record."""
    records = "".join(
        f"<record><header><identifier>oai:x:{name}</identifier><datestamp>2024-03-15T10:30:00Z</datestamp>"
        f"</header><metadata>{metadata_of(name, 'Sách' if name == 'plain' else f'@{name}@')}</metadata></record>"
        for name in [*FRAGMENTS, "plain"])
    return _with_fragments(envelope(f"<ListRecords>{records}</ListRecords>"))


def _dc(name: str, title: str) -> str:
    return (f'<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
            f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title></oai_dc:dc>')


def _stored(store, library_id: str, local_ids: dict[str, str]) -> dict[str, object]:
    records = store.get_records(record_id(library_id, local_id) for local_id in local_ids.values())
    by_id = {record.id: record for record in records}
    return {name: by_id[record_id(library_id, local_id)] for name, local_id in local_ids.items()}


@pytest.mark.parametrize("prefix", ["marc21", "oai_dc"])
def test_legacy_fragments_in_a_utf8_oai_page_end_as_their_text_in_the_stored_record(fault_server, store, prefix):
    page = _oai_page(marcxml_record if prefix == "marc21" else _dc)
    server = fault_server([identify(), Canned(page, headers={"Content-Type": "text/xml"})])
    settings = fast_settings()
    library = oai_library(server.url, prefix=prefix)
    with make_client(settings) as client:
        run = OaiHarvester(client, store, settings).harvest(library)
    assert run.added == len(FRAGMENTS) + 1
    [warning] = [error for error in run.errors if "not UTF-8" in error]
    assert "'oai:x:tcvn3' (7 bytes)" in warning and "oai:x:plain" not in warning, warning
    assert run_normalize(store, {library.id: library}, workers=1).normalized == len(FRAGMENTS) + 1
    records = _stored(store, library.id, {name: f"oai:x:{name}" for name in [*FRAGMENTS, "plain"]})
    _assert_read(records, "245$a" if prefix == "marc21" else "dc:title")
    assert records["plain"].title == "Sách" and records["plain"].repairs == []


def _marcxml_file() -> bytes:
    records = "".join(marcxml_record(name, f"@{name}@") for name in FRAGMENTS) + marcxml_record("plain", "Sách")
    return _with_fragments(f'<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="{MARC_NS}">{records}'
                           "</collection>".encode())


@pytest.mark.parametrize("where", ["path", "http"])
def test_legacy_fragments_in_a_utf8_marcxml_file_end_as_their_text_in_the_stored_record(
        tmp_path: Path, file_server, store, where):  # noqa: F811
    data = _marcxml_file()
    file_server.path.write_bytes(data)
    path = tmp_path / "export.xml"
    path.write_bytes(data)
    location = str(path) if where == "path" else f"http://127.0.0.1:{file_server.server_address[1]}/export.xml"
    settings = fast_settings()
    library = marc_library(location)
    with make_client(settings) as client:
        run = harvest_marc_file(library, store, client, settings)
    assert run.added == len(FRAGMENTS) + 1
    assert run_normalize(store, {library.id: library}, workers=1).normalized == len(FRAGMENTS) + 1
    records = _stored(store, library.id, {name: name for name in [*FRAGMENTS, "plain"]})
    _assert_read(records)
    assert records["plain"].title == "Sách" and records["plain"].repairs == []


@pytest.mark.parametrize("kind", ["marcxml", "oai"])
def test_normalize_file_mode_reads_legacy_fragments_in_a_utf8_file(tmp_path: Path, kind):
    """`unioncat normalize --input FILE` reads files on the harvest's code path: the same text comes out."""
    path = tmp_path / "input.xml"
    if kind == "marcxml":
        path.write_bytes(_marcxml_file())
    else:
        path.write_bytes(_oai_page(marcxml_record))
    output = tmp_path / "records.jsonl"
    result = CliRunner().invoke(app, ["normalize", "--input", str(path), "--output", str(output)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    titles = {line["id"].rpartition(":")[2]: line["title"] for line in lines}
    assert titles == {"plain": "Sách"} | {name: title for name, (_raw, title, *_rest) in FRAGMENTS.items()}
