"""MARCXML files with one bad record: a bare `&`, a broken tag, a cut; the other records are kept."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from harvester.cli import app
from harvester.iso2709file import READ_BLOCK_BYTES
from harvester.marcfile import harvest_marc_file, read_marc_file
from harvester.xmlrepair import RepairingReader, repair_bare_ampersands, repair_document
from store.models import RawRecord, Rejected
from tests.conftest import FIXTURE_DATA
from tests.test_harvest_support import (MARC_NS, envelope, fast_settings, marc_library, marcxml_record,
                                         refused_harvest)

CA_TINH = FIXTURE_DATA / "marc" / "ca-tinh.xml"
CA_TINH_RECORDS = 250
KOHA_PUBLISHER = "Nxb. Giáo dục & Đào tạo"


Edit = Callable[[bytes], bytes]


def _ca_tinh_with(record: int, change: Edit, *more: tuple[int, Edit]) -> bytes:
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


BLOCK_SIZES = [1, 2, 3, 5, 7, 11, 13, 31, 32, 33, 64]


def _read_in_blocks(data: bytes, block_bytes: int) -> tuple[bytes, RepairingReader]:
    """`data` read through a RepairingReader in blocks of `block_bytes`, checked against the whole repair."""
    reader = RepairingReader(io.BytesIO(data), block_bytes)
    read = b"".join(iter(lambda: reader.read(5), b""))
    assert read == repair_document(data)[0]
    return read, reader


@pytest.mark.parametrize("block_bytes", BLOCK_SIZES)
def test_a_bare_ampersand_split_across_read_blocks_is_repaired_like_the_whole_document(block_bytes):
    data = "<a>dục & Đào &amp; &#233;&#x1EA1; &eacute;&&CounterClockwiseContourIntegral; &nbsp&x</a>".encode() * 3
    read, reader = _read_in_blocks(data, block_bytes)
    assert b"& " not in read and b"&amp;amp;" not in read and b"&#233;" in read and b"&#x1EA1;" in read
    assert reader.bare_ampersands == 3 * 4, read


def test_text_in_a_cdata_section_is_kept_as_written(tmp_path: Path, store):
    """An exporter that writes each subfield as <![CDATA[...]]> got 'Giáo dục &amp; Đào tạo' and
    'Sách&nbsp;một' → 'Sách&#xA0;một' stored as text: the repairs for bare `&` and HTML entities
    reached into CDATA, where nothing is a reference."""
    from normalize import normalize_raw

    path = tmp_path / "cdata.xml"
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?><collection xmlns="{MARC_NS}">'
                    + marcxml_record("1", "<![CDATA[Giáo dục & Đào tạo <2020>]]>")
                    + marcxml_record("2", "<![CDATA[Sách&nbsp;một]]> & hai")
                    + "</collection>", encoding="utf-8")
    run = harvest_marc_file(marc_library(str(path)), store, None, fast_settings())
    assert run.added == 2
    titles = {raw.local_id: normalize_raw(raw).title for _, raw in store.raw_changed_since(0, "tv-file")}
    assert titles == {"1": "Giáo dục & Đào tạo <2020>", "2": "Sách&nbsp;một & hai"}


@pytest.mark.parametrize("block_bytes", BLOCK_SIZES)
def test_a_cdata_section_split_across_read_blocks_is_repaired_like_the_whole_document(block_bytes):
    data = "<a><![CDATA[dục & Đào &amp; <b>]]> & &nbsp;<![CDATA[]]]]><![CDATA[>&]]></a>".encode() * 3
    read, _reader = _read_in_blocks(data, block_bytes)
    assert etree.fromstring(b"<r>" + read + b"</r>").xpath("string()") == "dục & Đào &amp; <b> & \xa0]]>&" * 3


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


def test_a_broken_tag_rejects_that_record_only_naming_its_position_line_and_reason(tmp_path: Path):
    data = _ca_tinh_with(3, lambda record: record.replace(b'<subfield code="b">', b'<subfield code="b"', 1))
    broken_line = data[:data.index(b'<subfield code="b"N')].count(b"\n") + 1
    result, lines = _normalize(tmp_path, data, "brokentag.xml")
    assert result.exit_code == 0, result.stderr
    assert len(lines) == CA_TINH_RECORDS - 1
    assert "CAT000003" not in {line["id"].rpartition(":")[2] for line in lines}
    [report] = [line for line in result.stderr.splitlines() if "not well-formed" in line]
    assert report.startswith(f"{tmp_path / 'brokentag.xml'}: record 3 (CAT000003): not well-formed XML: "
                             f"attributes construct error (line {broken_line}, column "), report
    assert lines[-1]["title"] and "CAT000250" in json.dumps(lines[-1])


def test_records_after_a_broken_one_keep_their_file_lines_and_positions(tmp_path: Path):
    """An unclosed element in record 5 and a broken tag in record 6, on one line (many exports have no line ends)."""
    data = _ca_tinh_with(5, lambda record: record.replace(b"</datafield>", b"", 1),
                         (6, lambda record: record.replace(b"<leader>", b"<leader", 1)))
    path = tmp_path / "two.xml"
    path.write_bytes(data)
    items = list(read_marc_file(str(path), "lib").items)
    assert [(i.local_id, type(i)) for i in items[3:7]] == [("CAT000004", RawRecord), ("CAT000005", Rejected),
                                                            ("CAT000006", Rejected), ("CAT000007", RawRecord)]
    seventh_line = data[:data.index(b"<record>", data.index(b"CAT000006"))].count(b"\n") + 1
    assert items[6].source == f"{path} record 7 (line {seventh_line})"
    assert items[-1].local_id == "CAT000250" and items[-1].source.startswith(f"{path} record 250 ")
    one_line = tmp_path / "one-line.xml"
    one_line.write_bytes(data.replace(b"\n", b" "))
    items = list(read_marc_file(str(one_line), "lib").items)
    assert [i.local_id for i in items if isinstance(i, Rejected)] == ["CAT000005", "CAT000006"]
    assert len(items) == CA_TINH_RECORDS


def test_a_record_never_closed_is_named_and_the_records_read_into_it_are_kept(tmp_path: Path):
    """Without its </record>, record 4 holds the rest of the file for the parser, which stops only at the end."""
    data = _ca_tinh_with(4, lambda record: record.replace(b"</record>", b"", 1))
    fourth_line = data[:data.index(b"<record>", data.index(b"CAT000003"))].count(b"\n") + 1
    path = tmp_path / "unclosed.xml"
    path.write_bytes(data)
    items = list(read_marc_file(str(path), "lib").items)
    kept = [item.local_id for item in items if isinstance(item, RawRecord)]
    assert kept == [f"CAT{n:06d}" for n in range(1, CA_TINH_RECORDS + 1) if n != 4]
    [rejected] = [item for item in items if isinstance(item, Rejected)]
    assert rejected.local_id == "CAT000004"
    assert rejected.reason.startswith(f"its <record> at line {fourth_line} is never closed (Opening and ending tag "
                                      "mismatch: record line"), rejected.reason


def test_a_file_cut_short_writes_the_records_before_the_cut_and_reports_the_cut(tmp_path: Path):
    cut = CA_TINH.read_bytes()[:5000]
    result, lines = _normalize(tmp_path, cut, "trunc.xml")
    assert result.exit_code == 0, result.stderr
    assert [line["id"].rpartition(":")[2] for line in lines] == ["CAT000001", "CAT000002"]
    assert "trunc.xml: record 3 (#3): the file ends inside this record (" in result.stderr, result.stderr
    whole = CA_TINH.read_bytes()
    result, lines = _normalize(tmp_path, whole[:whole.rindex(b"</collection>")], "no-end.xml")
    assert result.exit_code == 0 and len(lines) == CA_TINH_RECORDS, result.stderr
    assert "the file ends after record 250 without closing its root element" in result.stderr, result.stderr


def test_marc_file_harvest_keeps_the_records_around_a_broken_one_and_deletes_nothing(tmp_path: Path, store):
    path = tmp_path / "export.xml"
    path.write_bytes(CA_TINH.read_bytes())
    library = marc_library(str(path))
    assert harvest_marc_file(library, store, None, fast_settings()).added == CA_TINH_RECORDS
    everything = store.live_local_ids("tv-file")
    # Tonight: record 3 has a broken tag and the library withdrew record 250.
    broken = _ca_tinh_with(3, lambda record: record.replace(b'<subfield code="b">', b'<subfield code="b"', 1))
    last = broken.rindex(b"<record>")
    path.write_bytes(broken[:last] + broken[broken.rindex(b"</collection>"):])
    run, error = refused_harvest(library, store, full=True)
    assert (run.unchanged, run.rejected, run.deleted) == (CA_TINH_RECORDS - 2, 1, 0), run
    assert "1 records are broken (not well-formed XML" in error and "nothing marked deleted" in error, error
    assert store.live_local_ids("tv-file") == everything  # neither CAT000003 nor CAT000250 deleted
    assert [(r.local_id, "attributes construct error" in r.reason) for r in store.rejects("tv-file")] == [
        ("CAT000003", True)]
    # Cut short after record 2: nothing after the cut is deleted.
    path.write_bytes(CA_TINH.read_bytes()[:5000])
    run, error = refused_harvest(library, store, full=True)
    assert run.deleted == 0 and "cut short" in error, (run, error)
    assert store.live_local_ids("tv-file") == everything
    # Read whole again, the file deletes what the library withdrew.
    path.write_bytes(broken[:last].replace(b'<subfield code="b"N', b'<subfield code="b">N')
                     + broken[broken.rindex(b"</collection>"):])
    run = harvest_marc_file(library, store, None, fast_settings(), full=True)
    assert (run.rejected, run.deleted) == (0, 1), run
    assert everything - store.live_local_ids("tv-file") == {"CAT000250"}


def _iso_record(control: str, title: str) -> bytes:
    from pymarc import Field, Record, Subfield

    record = Record(force_utf8=True)
    record.add_field(Field(tag="001", data=control))
    record.add_field(Field(tag="245", indicators=["0", "0"], subfields=[Subfield("a", title)]))
    return record.as_marc()


@pytest.mark.parametrize("break_it", [
    pytest.param(lambda record: record[:12] + b"0006X" + record[17:], id="base-address-unreadable"),
    pytest.param(lambda record: record[:-1], id="terminator-lost-next-record-runs-into-it"),
])
def test_a_broken_iso2709_record_deletes_nothing(tmp_path: Path, store, break_it: Edit):
    """Its 001 may be unread, or the next record hidden inside it: neither was withdrawn at the library."""
    records = [_iso_record(f"M{n:05d}", f"Sách số {n}") for n in range(10)]
    path = tmp_path / "export.mrc"
    path.write_bytes(b"".join(records))
    library = marc_library(str(path))
    assert harvest_marc_file(library, store, None, fast_settings()).added == 10
    everything = store.live_local_ids("tv-file")
    path.write_bytes(b"".join(records[:4]) + break_it(records[4]) + b"".join(records[5:]))
    run, error = refused_harvest(library, store, full=True)
    assert run.deleted == 0 and run.rejected >= 1, run
    assert "records are broken" in error and "nothing marked deleted" in error, error
    assert store.live_local_ids("tv-file") == everything
    path.write_bytes(b"".join(records[:9]))  # whole again: the withdrawn record is deleted
    run = harvest_marc_file(library, store, None, fast_settings(), full=True)
    assert run.deleted == 1 and everything - store.live_local_ids("tv-file") == {"M00009"}
