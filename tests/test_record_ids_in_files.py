"""Ids of the records of one file, in file mode and in a marc-file harvest alike: a repeated id is
rejected as a duplicate, and records without a 001 (ids hashed from their content) are said."""

from __future__ import annotations

import json
from pathlib import Path

from pymarc import Field, Record, Subfield
from typer.testing import CliRunner

from harvester.cli import app
from harvester.marcfile import harvest_marc_file

try:
    from tests.conftest import make_settings
except ModuleNotFoundError:
    from conftest import make_settings


def marc(control: str | None, title: str) -> bytes:
    record = Record(force_utf8=True)
    if control is not None:
        record.add_field(Field(tag="001", data=control))
    record.add_field(Field(tag="245", indicators=["0", "0"], subfields=[Subfield("a", title)]))
    return record.as_marc()


def normalize_file(path: Path) -> tuple[list[dict], str, int]:
    out = path.with_suffix(".jsonl")
    result = CliRunner().invoke(app, ["normalize", "--input", str(path), "--output", str(out)])
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return lines, result.stderr, result.exit_code


def test_normalize_input_rejects_a_repeated_id_as_the_harvest_does(tmp_path):
    path = tmp_path / "odd.mrc"
    path.write_bytes(marc("ODD1", "Truyện Kiều") + marc("ODD2", "Chí Phèo") + marc("ODD1", "Tắt đèn"))
    records, stderr, code = normalize_file(path)
    assert [(r["id"], r["title"]) for r in records] == [("file:ODD1", "Truyện Kiều"), ("file:ODD2", "Chí Phèo")]
    assert f"{path}: record 3 (ODD1 (duplicate)): duplicate id 'ODD1'; first at {path} record 1" in stderr
    assert "wrote 2 records" in stderr and "1 could not be normalized; fix them at the source" in stderr
    assert code == 0


def test_normalize_input_says_which_records_got_an_id_from_their_content(tmp_path):
    path = tmp_path / "no001.mrc"
    path.write_bytes(marc("A1", "Truyện Kiều") + marc(None, "Chí Phèo") + marc(None, "Tắt đèn"))
    records, stderr, code = normalize_file(path)
    assert [r["id"].startswith("file:sha1:") for r in records] == [False, True, True]
    assert f"{path}: warning: 2 records have no 001, so each one's id is a hash of its content (first: record 2)" \
           in stderr
    assert "Give every record a 001" in stderr
    assert code == 0


def test_a_harvest_says_so_too_in_the_library_s_run(tmp_path, store, data_dir):
    path = tmp_path / "lib.mrc"
    path.write_bytes(marc("A1", "Truyện Kiều") + marc(None, "Chí Phèo") + marc("A1", "Tắt đèn"))
    settings = make_settings(data_dir, [{"id": "tv-x", "name": "X", "type": "school", "district": "Vị Thanh",
                                         "protocol": "marc-file", "url": str(path)}])
    run = harvest_marc_file(settings.library("tv-x"), store, None, settings.harvest)
    assert run.added == 2 and run.rejected == 1
    [warning] = [e for e in run.errors if "no 001" in e]
    assert warning.startswith(f"warning: library 'tv-x' ({path}): 1 records have no 001") and "record 2" in warning
    [reject] = store.rejects("tv-x")
    assert "duplicate 001 'A1'; first at" in reject.reason
