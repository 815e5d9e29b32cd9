"""MARCXML files with one bad record: a bare `&`; the other records are kept."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harvester.cli import app
from harvester.iso2709file import READ_BLOCK_BYTES
from harvester.marcfile import harvest_marc_file
from harvester.xmlrepair import RepairingReader, repair_bare_ampersands, repair_document
from tests.conftest import FIXTURE_DATA
from tests.test_harvest_support import MARC_NS, envelope, fast_settings, marc_library, marcxml_record

CA_TINH = FIXTURE_DATA / "marc" / "ca-tinh.xml"
CA_TINH_RECORDS = 250
KOHA_PUBLISHER = "Nxb. Giáo dục & Đào tạo"


def _ca_tinh_with(record: int, change: Callable[[bytes], bytes], *more: tuple[int, Callable[[bytes], bytes]]) -> bytes:
    """ca-tinh.xml with `change` applied to its `record`-th <record> (1-based), and each of `more` so."""
    parts = CA_TINH.read_bytes().split(b"<record>")
    assert len(parts) == CA_TINH_RECORDS + 1
    for number, edit in ((record, change), *more):
        parts[number] = edit(parts[number])
    return b"<record>".join(parts)


def _normalize(tmp_path: Path, data: bytes, name: str = "in.xml"):
    path = tmp_path / name
    path.write_bytes(data)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["normalize", "--input", str(path), "--output", str(out)])
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()] if out.exists() else []
    return result, lines


def _with_bare_ampersand(record: bytes) -> bytes:
    return record.replace(b'<subfield code="b">', f'<subfield code="b">{KOHA_PUBLISHER} ; '.encode(), 1)


def test_a_bare_ampersand_in_one_record_costs_no_record(tmp_path: Path):
    """The reviewer's repro: Koha writes "Giáo dục & Đào tạo"; the file stopped at record 3, 247 records lost."""
    result, lines = _normalize(tmp_path, _ca_tinh_with(3, _with_bare_ampersand), "midbad.xml")
    assert result.exit_code == 0, result.stderr
    assert len(lines) == CA_TINH_RECORDS
    assert KOHA_PUBLISHER in lines[2]["publisher"], lines[2]
    assert "could not be normalized" in result.stderr and "not well-formed" not in result.stderr


def test_a_bare_ampersand_is_repaired_and_counted_but_references_are_not_touched():
    data = "<a>Giáo dục & Đào tạo, AT&T, &amp; &#233; &#x1EA1; &eacute; &unknown; x&#;y &</a>".encode()
    repaired, count = repair_bare_ampersands(data)
    assert repaired == ("<a>Giáo dục &amp; Đào tạo, AT&amp;T, &amp; &#233; &#x1EA1; &eacute; &unknown; "
                        "x&amp;#;y &amp;</a>").encode()
    assert count == 4


@pytest.mark.parametrize("block_bytes", [1, 2, 3, 5, 7, 11, 13, 31, 32, 33, 64])
def test_a_bare_ampersand_split_across_read_blocks_is_repaired_like_the_whole_document(block_bytes):
    data = "<a>dục & Đào &amp; &#233;&#x1EA1; &eacute;&&CounterClockwiseContourIntegral; &nbsp&x</a>".encode() * 3
    reader = RepairingReader(io.BytesIO(data), block_bytes)
    read = b"".join(iter(lambda: reader.read(5), b""))
    assert read == repair_document(data)[0]
    assert b"& " not in read and b"&amp;amp;" not in read and b"&#233;" in read and b"&#x1EA1;" in read
    assert reader.bare_ampersands == 3 * 4, read


def test_a_bare_ampersand_at_the_file_read_block_boundary_costs_no_record(tmp_path: Path, store):
    """A file over one read block, with the `&` the last byte of the first block and the next record after it."""
    records = "".join(marcxml_record(str(i), f"Sách số {i}") for i in range(1, 2001))
    start = f'<?xml version="1.0" encoding="UTF-8"?><collection xmlns="{MARC_NS}">'.encode()
    second = marcxml_record("bare", "Giáo dục @ Đào tạo").encode()
    pad = READ_BLOCK_BYTES - len(start) - len(records.encode()) - second.index(b"@") - 1
    assert pad > 0
    body = start + records.encode() + b" " * pad + second.replace(b"@", b"&")
    assert body[READ_BLOCK_BYTES - 1:READ_BLOCK_BYTES] == b"&"
    path = tmp_path / "big.xml"
    path.write_bytes(body + marcxml_record("last", "Cuối").encode() + b"</collection>")
    run = harvest_marc_file(marc_library(str(path)), store, None, fast_settings())
    assert (run.added, run.rejected) == (2002, 0), run
    assert any("1 bare '&'" in error for error in run.errors), run.errors
    rows = {raw.local_id: raw for _, raw in store.raw_changed_since(0, "tv-file")}
    assert "Giáo dục &amp; Đào tạo".encode() in rows["bare"].payload


def test_a_bare_ampersand_in_a_saved_oai_pmh_page_is_read(tmp_path: Path):
    page = envelope("<ListRecords><record><header><identifier>oai:x:9</identifier><datestamp>2024-01-01"
                    "</datestamp></header><metadata>" + marcxml_record("9", "Giáo dục & Đào tạo")
                    + "</metadata></record></ListRecords>")
    result, lines = _normalize(tmp_path, page, "page.xml")
    assert result.exit_code == 0, result.stderr
    assert [line["title"] for line in lines] == ["Giáo dục & Đào tạo"]
