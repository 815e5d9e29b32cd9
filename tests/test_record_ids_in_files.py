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


def normalize_file(path: Path, *options: str) -> tuple[list[dict], str, int]:
    out = path.with_suffix(".jsonl")
    result = CliRunner().invoke(app, ["normalize", "--input", str(path), "--output", str(out), *options])
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    return lines, result.stderr, result.exit_code


def test_normalize_input_rejects_a_repeated_id_as_the_harvest_does(tmp_path):
    path = tmp_path / "odd.mrc"
    path.write_bytes(marc("ODD1", "Truyện Kiều") + marc("ODD2", "Chí Phèo") + marc("ODD1", "Tắt đèn"))
    records, stderr, code = normalize_file(path)
    assert [(r["id"], r["title"]) for r in records] == [("file:ODD1", "Truyện Kiều"), ("file:ODD2", "Chí Phèo")]
    assert f"{path}: record 3 (ODD1 (duplicate: record 3)): duplicate id 'ODD1'; first at {path} record 1" in stderr
    assert "wrote 2 records" in stderr and "1 could not be normalized; 1 have an id that came earlier" in stderr
    assert "several libraries' exports, convert each library's file on its own with --library ID" in stderr
    assert code == 0


def test_two_libraries_files_numbered_alike_are_normalized_apart_and_deduplicated_together(tmp_path):
    """Two schools' exports both start at 001 "1": `--library` keeps their ids apart, so none is dropped."""
    files = {"thpt-long-my": marc("1", "Truyện Kiều") + marc("2", "Số đỏ"),
             "tv-phung-hiep": marc("1", "Chí Phèo") + marc("2", "Tắt đèn")}
    joined = tmp_path / "all.jsonl"
    for library, content in files.items():
        path = tmp_path / f"{library}.mrc"
        path.write_bytes(content)
        records, stderr, code = normalize_file(path, "--library", library)
        assert code == 0 and "0 could not be normalized" in stderr
        assert [r["id"] for r in records] == [f"{library}:1", f"{library}:2"]
        assert {r["library"] for r in records} == {h["library"] for r in records for h in r["holdings"]} == {library}
        with joined.open("a", encoding="utf-8") as out:
            out.write(path.with_suffix(".jsonl").read_text(encoding="utf-8"))
    clusters = tmp_path / "clusters.jsonl"
    result = CliRunner().invoke(app, ["dedupe", "--input", str(joined), "--output", str(clusters)])
    assert result.exit_code == 0 and "could not be read" not in result.stderr, result.stderr
    members = [m for line in clusters.read_text(encoding="utf-8").splitlines() for m in json.loads(line)["members"]]
    assert sorted(members) == sorted(f"{library}:{n}" for library in files for n in "12")


def test_normalize_library_must_be_a_library_id(tmp_path):
    path = tmp_path / "a.mrc"
    path.write_bytes(marc("1", "Truyện Kiều"))
    result = CliRunner().invoke(app, ["normalize", "--input", str(path), "--output", "-", "--library", "THPT Long Mỹ"])
    assert result.exit_code == 2 and "--library 'THPT Long Mỹ'" in result.stderr
    assert not result.stdout  # nothing converted under an id that is no library's


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


def _marc_file_config(tmp_path: Path, mrc: Path) -> Path:
    config = tmp_path / "unioncat.toml"
    config.write_text(f'''data_dir = "data"
[[libraries]]
id = "thcs-a"
name = "TV THCS A"
type = "school"
district = "Vị Thanh"
protocol = "marc-file"
url = "{mrc}"
''', encoding="utf-8")
    return config


def test_a_file_giving_every_record_one_001_fails_and_lists_every_reject(tmp_path):
    """Some systems export an agency code ("VN") as every record's 001: all but the first record are
    rejected, each under its own key (one key let each overwrite the last: "rejected 1"), and the run
    fails, so `unioncat status` and the exit code say that most of the library was lost."""
    path = tmp_path / "lib.mrc"
    titles = [f"Sách thứ {n}" for n in range(1, 8)]
    path.write_bytes(b"".join(marc("VN", title) for title in titles))
    config = _marc_file_config(tmp_path, path)
    harvest = CliRunner().invoke(app, ["harvest", "--config", str(config)])
    assert harvest.exit_code != 0, harvest.output
    status = CliRunner().invoke(app, ["status", "--format", "json", "--config", str(config)])
    [library] = json.loads(status.stdout)["libraries"]
    assert (library["records"], library["rejected"], library["last_status"]) == (1, len(titles) - 1, "failed")
    rejects = library["rejects"]
    assert len({r["local_id"] for r in rejects}) == len(rejects) == len(titles) - 1
    assert sorted(r["source"].split(" at byte")[0] for r in rejects) == sorted(
        f"{path} record {n}" for n in range(2, len(titles) + 1))
    assert any("were rejected, more than were stored" in e for e in library["errors"]), library["errors"]


def test_a_few_repeated_001s_are_each_rejected_and_warned_about(tmp_path, store, data_dir):
    path = tmp_path / "lib.mrc"
    books = [("A1", "Truyện Kiều"), ("A2", "Chí Phèo"), ("A1", "Tắt đèn"), ("A3", "Số đỏ"), ("A1", "Vợ nhặt")]
    path.write_bytes(b"".join(marc(control, title) for control, title in books))
    settings = make_settings(data_dir, [{"id": "tv-x", "name": "X", "type": "school", "district": "Vị Thanh",
                                         "protocol": "marc-file", "url": str(path)}])
    run = harvest_marc_file(settings.library("tv-x"), store, None, settings.harvest)
    assert (run.added, run.rejected) == (3, 2)
    assert sorted(r.source.split(" at byte")[0] for r in store.rejects("tv-x")) == [
        f"{path} record 3", f"{path} record 5"]
    [warning] = [e for e in run.errors if "repeat the 001" in e]
    assert warning.startswith(f"warning: library 'tv-x' ({path}): 2 records repeat the 001") and "record 3" in warning
