"""MARC as Vietnamese libraries catalogue it, through the file modes (`unioncat normalize --input`,
`unioncat dedupe --input`): which language, material type and fields a record keeps (review)."""

from __future__ import annotations

import json
from pathlib import Path

import pymarc
from typer.testing import CliRunner

from harvester.cli import app
from store import Record

try:
    from tests.test_normalize_support import data_field, iso2709, marc_record
except ImportError:
    from test_normalize_support import data_field, iso2709, marc_record

# Koha's default 008 template, often left as it came: language "eng".
KOHA_DEFAULT_008 = "191104b        xxu||||| |||| 00| 0 eng d"


def normalized(tmp_path: Path, library: str, *records: pymarc.Record) -> list[Record]:
    """The Records `unioncat normalize --input FILE --output -` writes for `records` (ISO 2709)."""
    path = tmp_path / f"{library}.mrc"
    path.write_bytes(b"".join(iso2709(record) for record in records))
    result = CliRunner().invoke(app, ["normalize", "--input", str(path), "--output", "-", "--library", library])
    assert result.exit_code == 0, result.output
    return [Record.model_validate_json(line) for line in result.stdout.splitlines() if line.startswith("{")]


def clusters(tmp_path: Path, records: list[Record]) -> list[set[str]]:
    """The clusters `unioncat dedupe --input records.jsonl --output -` makes of `records`."""
    source = tmp_path / "records.jsonl"
    source.write_text("".join(record.to_json_line() + "\n" for record in records), encoding="utf-8")
    result = CliRunner().invoke(app, ["dedupe", "--input", str(source), "--output", "-"])
    assert result.exit_code == 0, result.output
    return [set(json.loads(line)["members"]) for line in result.stdout.splitlines() if line.startswith("{")]


def test_041_a_beats_koha_default_008_language_and_copies_with_one_isbn_merge(tmp_path):
    title = data_field("245", "10", "a", "Đất rừng phương Nam")
    isbn = data_field("020", "  ", "a", "9786042123457")
    koha = normalized(tmp_path, "tv-a", marc_record(data_field("041", "0 ", "a", "vie"), isbn, title,
                                                    f008=KOHA_DEFAULT_008))
    other = normalized(tmp_path, "tv-b", marc_record(isbn, title, f008="191104s2019    vm a          000 1 vie d"))
    assert [r.language for r in koha + other] == ["vie", "vie"]
    assert clusters(tmp_path, koha + other) == [{koha[0].id, other[0].id}]
    # 008 alone still gives the language.
    assert normalized(tmp_path, "tv-c", marc_record(title, f008=KOHA_DEFAULT_008))[0].language == "eng"
