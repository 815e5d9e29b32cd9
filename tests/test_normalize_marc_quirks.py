"""MARC as real library systems write it, past what the standard allows: read through the file
mode and the store path (harvest, then normalize), as the nightly run does."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dedupe.merge import merge_cluster
from harvester.cli import app
from index.params import SearchParams
from harvester.marcfile import harvest_marc_file
from normalize import run_normalize
from store import Record

try:
    from tests.conftest import make_settings
    from tests.test_harvest_support import fast_settings, iso2709, marc_library
    from tests.test_index import index_records
except ImportError:
    from conftest import make_settings
    from test_harvest_support import fast_settings, iso2709, marc_library
    from test_index import index_records

ISO2709_MAX_OFFSET = 99_999  # five digits: the largest record length or field offset ISO 2709 can write


def _oversized(fields: list[tuple[str, bytes]], overflow: str) -> bytes:
    """A record longer than 99,999 bytes as exporters write one: each length or offset past five digits
    becomes "00000" (ruby-marc's allow_oversized) or 99999 / the offset modulo 100,000."""
    def five(value: int) -> int:
        if value <= ISO2709_MAX_OFFSET:
            return value
        return 0 if overflow == "zeros" else value % 100_000

    directory = data = b""
    for tag, value in fields:
        body = value + b"\x1e"
        directory += tag.encode() + b"%04d%05d" % (len(body), five(len(data)))
        data += body
    base = 24 + len(directory) + 1
    total = base + len(data) + 1
    assert total > ISO2709_MAX_OFFSET, "give the record more fields"
    length = five(total) if overflow == "zeros" else ISO2709_MAX_OFFSET
    return b"%05dnam a22%05d a 4500" % (length, base) + directory + b"\x1e" + data + b"\x1d"


def _big_library_record(copies: int) -> list[tuple[str, bytes]]:
    """A provincial library's much-held title: one 852 per copy, as Libol exports its items."""
    fields = [("001", b"BIG1"), ("245", "00\x1faLịch sử Đảng bộ tỉnh Hậu Giang".encode())]
    item = "  \x1faTVHG\x1fbKho mượn\x1fh959.7 L302S\x1fjVV.{:06d}\x1fzBản tặng của tác giả"
    fields += [("852", item.format(n).encode()) for n in range(copies)]
    return fields


@pytest.mark.parametrize("overflow", ["zeros", "modulo"])
def test_a_record_over_99999_bytes_is_read_whole_between_its_neighbours(tmp_path: Path, overflow: str):
    big = _oversized(_big_library_record(1200), overflow)
    path = tmp_path / "tv-tinh.mrc"
    path.write_bytes(iso2709([("001", b"A1"), ("245", b"00\x1faTruoc")]) + big
                     + iso2709([("001", b"A3"), ("245", b"00\x1faSau")]))
    out = tmp_path / "records.jsonl"
    result = CliRunner().invoke(app, ["normalize", "--input", str(path), "--output", str(out)])
    assert result.exit_code == 0, result.output
    records = {r.local_id: r for r in map(Record.model_validate_json, out.read_text().splitlines())}
    assert list(records) == ["A1", "BIG1", "A3"]
    copies = records["BIG1"].holdings
    assert [h.barcode for h in copies] == [f"VV.{n:06d}" for n in range(1200)]
    assert {(h.call_number, h.location) for h in copies} == {("959.7 L302S", "Kho mượn")}
    assert any("99,999" in note for note in records["BIG1"].repairs), records["BIG1"].repairs


def test_a_record_over_99999_bytes_reaches_the_store_through_a_harvest(tmp_path: Path, store):
    path = tmp_path / "tv-tinh.mrc"
    path.write_bytes(_oversized(_big_library_record(1200), "zeros") + iso2709([("001", b"A2"), ("245", b"00\x1faSau")]))
    library = marc_library(str(path))
    run = harvest_marc_file(library, store, None, fast_settings())
    assert run.rejected == 0 and run.added == 2
    summary = run_normalize(store, {library.id: library})
    assert summary.rejected == 0
    records = {r.local_id: r for r in store.iter_records()}
    assert len(records["BIG1"].holdings) == 1200 and records["A2"].title == "Sau"


def test_two_records_run_together_past_99999_bytes_are_named_not_read_as_one(tmp_path: Path):
    # Each half is a valid record under 99,999 bytes; the first lost its terminator 0x1D.  Read as one
    # oversized record, the first half's fields were taken and the second record vanished unreported.
    first = iso2709([("001", b"BIG1")] + _big_library_record(700)[1:])
    second = iso2709([("001", b"BIG2")] + _big_library_record(700)[1:])
    assert len(first) + len(second) > ISO2709_MAX_OFFSET
    path = tmp_path / "tv-tinh.mrc"
    path.write_bytes(first[:-1] + second + iso2709([("001", b"A3"), ("245", b"00\x1faSau")]))
    out = tmp_path / "records.jsonl"
    result = CliRunner().invoke(app, ["normalize", "--input", str(path), "--output", str(out)])
    assert [Record.model_validate_json(line).local_id for line in out.read_text().splitlines()] == ["A3"]
    assert "record 1 (BIG1)" in result.output and "terminator 0x1D was lost" in result.output, result.output


def _normalize_file(tmp_path: Path, name: str, payload: bytes) -> list[Record]:
    path = tmp_path / name
    path.write_bytes(payload)
    out = tmp_path / (name + ".jsonl")
    result = CliRunner().invoke(app, ["normalize", "--input", str(path), "--output", str(out)])
    assert result.exit_code == 0, result.output
    return [Record.model_validate_json(line) for line in out.read_text().splitlines()]


def test_nonsort_markers_hide_from_the_title_and_skip_the_article_in_sorting(tmp_path: Path):
    # NSB/NSE: 0x88/0x89 in MARC-8, U+0098/U+009C in UTF-8 and MARCXML (MARC 21 Specifications,
    # Character Sets, Part 1).  MARC 21 sets 245 ind2 to 0 when the markers are used.
    marc8 = iso2709([("001", b"M8"), ("245", b"10\x1fa\x88The \x89hobbit, or, There and back again")], coding=b" ")
    utf8 = iso2709([("001", b"U8"), ("245", "10\x1fa\u0098Les \u009cmisérables".encode())])
    xml = ('<collection xmlns="http://www.loc.gov/MARC21/slim"><record><leader>00000nam a2200000 a 4500</leader>'
           '<controlfield tag="001">X1</controlfield><datafield tag="245" ind1="1" ind2="0">'
           '<subfield code="a">&#x98;The &#x9C;Hobbit</subfield></datafield></record></collection>').encode()
    records = (_normalize_file(tmp_path, "m.mrc", marc8 + utf8) + _normalize_file(tmp_path, "x.xml", xml))
    assert [(r.title, r.sort_title) for r in records] == [
        ("The hobbit, or, There and back again", "hobbit, or, There and back again"),
        ("Les misérables", "misérables"),
        ("The Hobbit", "Hobbit"),
    ]


def test_a_title_sort_of_the_catalogue_skips_the_article_the_cataloguer_marked(tmp_path: Path, store, data_dir):
    # Through every stage: normalize the MARC, merge the union record, index it, sort by title.
    marc = (iso2709([("001", b"1"), ("245", "10\x1fa\u0098The \u009cHobbit".encode())])
            + iso2709([("001", b"2"), ("245", b"14\x1faThe cat in the hat")])
            + iso2709([("001", b"3"), ("245", "10\x1faLịch sử Hậu Giang".encode())])
            + iso2709([("001", b"4"), ("245", b"10\x1faAi")]))
    records = _normalize_file(tmp_path, "titles.mrc", marc)
    unions = [merge_cluster(f"u{record.local_id}", [record]) for record in records]
    search_index = index_records(store, make_settings(data_dir, []), unions)
    hits = search_index.search(SearchParams(q="", sort="title", size=10)).hits
    assert [hit["title"] for hit in hits] == ["Ai", "The cat in the hat", "The Hobbit", "Lịch sử Hậu Giang"]


def test_marcxchange_marc21_records_are_read_and_other_formats_rejected_by_name(tmp_path: Path):
    # MarcXchange (ISO 25577): MARCXML's elements in namespace info:lc/xmlns/marcxchange-v1, each
    # record saying its format; a danMARC2 record's tags mean other things than MARC 21's.
    def record(local_id: str, record_format: str) -> str:
        return (f'<mx:record format="{record_format}" type="Bibliographic"><mx:leader>00000nam a2200000 a 4500'
                f'</mx:leader><mx:controlfield tag="001">{local_id}</mx:controlfield><mx:datafield tag="245" '
                'ind1="0" ind2="0"><mx:subfield code="a">Lịch sử Hậu Giang</mx:subfield></mx:datafield>'
                '<mx:datafield tag="852" ind1=" " ind2=" "><mx:subfield code="a">TVHG</mx:subfield>'
                '<mx:subfield code="j">VV.000123</mx:subfield></mx:datafield></mx:record>')
    path = tmp_path / "nordic.xml"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?><mx:collection xmlns:mx="info:lc/xmlns/marcxchange-v1">'
                    + record("MX1", "MARC21") + record("DK1", "danMARC2") + "</mx:collection>", encoding="utf-8")
    out = tmp_path / "records.jsonl"
    result = CliRunner().invoke(app, ["normalize", "--input", str(path), "--output", str(out)])
    assert result.exit_code == 0, result.output
    [only] = [Record.model_validate_json(line) for line in out.read_text().splitlines()]
    assert (only.local_id, only.title) == ("MX1", "Lịch sử Hậu Giang")
    assert [h.barcode for h in only.holdings] == ["VV.000123"]
    assert f"{path}: record 2 (DK1): MarcXchange record in format 'danMARC2', not MARC 21" in result.output


def test_653_keywords_typed_as_a_comma_list_are_separate_subjects_but_names_and_dates_keep_commas(tmp_path: Path):
    # MARC 21 653: one term per $a.  Libol and Koha users often type the list into one $a.
    fields = [("001", b"K1"), ("245", b"00\x1faLich su Hau Giang"),
              ("600", "14\x1faHồ Chí Minh,\x1fd1890-1969".encode()),
              ("653", "  \x1faLịch sử, Việt Nam, Hậu Giang".encode()),
              ("653", "  \x1faĐịa chí; Kinh tế, xã hội".encode()),
              ("653", " 1\x1faNguyễn, Văn A".encode()),
              ("653", "  \x1faChiến tranh Việt Nam, 1945-1975".encode())]
    [record] = _normalize_file(tmp_path, "k.mrc", iso2709(fields))
    assert record.subjects == ["Hồ Chí Minh, 1890-1969", "Lịch sử", "Việt Nam", "Hậu Giang", "Địa chí",
                               "Kinh tế", "xã hội", "Nguyễn, Văn A", "Chiến tranh Việt Nam, 1945-1975"]


def _isbn_records(tmp_path: Path, *fields_020: list[bytes]) -> list[Record]:
    """Each record's 020s ("a..." or "z..."), normalized through `normalize --input`."""
    path = tmp_path / "isbn.mrc"
    path.write_bytes(b"".join(
        iso2709([("001", f"R{n}".encode()), *[("020", b"  \x1f" + f) for f in fields], ("245", b"00\x1faSach thu")])
        for n, fields in enumerate(fields_020)))
    out = tmp_path / "records.jsonl"
    result = CliRunner().invoke(app, ["normalize", "--input", str(path), "--output", str(out)])
    assert result.exit_code == 0, result.output
    return [Record.model_validate_json(line) for line in out.read_text().splitlines()]


def test_an_isbn_a_digit_short_or_over_stays_searchable_with_a_repair_note(tmp_path: Path):
    printed = [b"a978604111222", b"a97860411122233", b"a978-604-111222"]
    records = _isbn_records(tmp_path, *[[f] for f in printed])
    for record, field in zip(records, printed):
        digits = field[1:].decode().replace("-", "")
        assert (record.isbn, record.invalid_isbn) == ([], [digits])
        assert any(digits in note and "020 $a" in note for note in record.repairs), record.repairs


def test_a_valid_isbn_typed_in_020_z_too_is_not_also_listed_as_invalid(tmp_path: Path):
    valid, wrong = "9786041234567", "9786041234568"
    [record] = _isbn_records(tmp_path, [f"a{valid}".encode(), f"z{wrong}".encode(), f"z{valid}".encode()])
    assert record.isbn == [valid] and record.invalid_isbn == [wrong]
    # A valid ISBN only in $z (cancelled) is still kept apart, never matched on.
    [alone] = _isbn_records(tmp_path, [f"z{valid}".encode()])
    assert alone.isbn == [] and alone.invalid_isbn == [valid]
    # In a union record: one member's $a, another's $z.
    [kept, typed_z] = _isbn_records(tmp_path, [f"a{valid}".encode()], [f"z{wrong}".encode(), f"z{valid}".encode()])
    union = merge_cluster("u1", [kept, typed_z])
    assert union.isbn == [valid] and union.invalid_isbn == [wrong]
