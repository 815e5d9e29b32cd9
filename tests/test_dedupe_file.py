"""File mode: `unioncat dedupe --input records.jsonl --output clusters.jsonl`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from config import DedupeSettings, UnioncatError
from dedupe import DedupeInputError, cluster_records, dedupe_file
from harvester.cli import app
from dedupe.labeled import generate


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_file_mode_puts_every_input_id_in_exactly_one_cluster(tmp_path):
    labeled = generate(400, seed=3)
    source = _write(tmp_path / "records.jsonl", [r.to_json_line() for r in labeled.records])
    count = dedupe_file(source, tmp_path / "clusters.jsonl", DedupeSettings())
    rows = [json.loads(line) for line in (tmp_path / "clusters.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == count
    members = [rid for row in rows for rid in row["members"]]
    assert sorted(members) == sorted(r.id for r in labeled.records)
    assert len({row["cluster_id"] for row in rows}) == count
    # Same code path as the pipeline.
    assert {row["cluster_id"]: row["members"] for row in rows} == cluster_records(labeled.records, DedupeSettings()).clusters


def test_file_mode_accepts_minimal_records_with_only_id_and_title(tmp_path):
    source = _write(tmp_path / "in.jsonl", [
        json.dumps({"id": "1", "title": "Tắt đèn", "authors": ["Ngô Tất Tố"], "year": 2015}),
        json.dumps({"id": "2", "title": "Tat den", "authors": "Ngo Tat To", "year": 2015}),
        "",
        json.dumps({"id": "3", "title": "Số đỏ", "isbn": ["978-604-1-23456-7"]}),
        json.dumps({"id": "4", "title": "So do", "isbn": ["9786041234567"]}),
    ])
    assert dedupe_file(source, tmp_path / "out.jsonl", DedupeSettings()) == 2
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert sorted(row["members"] for row in rows) == [["1", "2"], ["3", "4"]]


def test_file_mode_reads_null_as_absent(tmp_path):
    source = _write(tmp_path / "in.jsonl", [
        json.dumps({"id": "a:1", "title": "Tắt đèn", "library": None, "authors": None, "isbn": None, "year": 2015}),
        json.dumps({"id": "b:1", "title": "Tắt đèn", "authors": ["Ngô Tất Tố"], "subtitle": None, "year": 2015}),
    ])
    assert dedupe_file(source, tmp_path / "out.jsonl", DedupeSettings()) == 1


@pytest.mark.parametrize("bad_line, message", [
    ("{not json", "not JSON"),
    ('{"title": "Số đỏ"}', "missing string field 'id'"),
    ('{"id": "x", "authors": []}', "no string field 'title'"),
    ('{"id": "x", "title": "T", "year": "năm ngoái"}', "field 'year'"),
    ('["a list"]', "expected a JSON object"),
])
def test_a_bad_line_raises_an_error_naming_file_and_line(tmp_path, bad_line, message):
    source = _write(tmp_path / "in.jsonl", [json.dumps({"id": "ok", "title": "Chí Phèo"}), bad_line])
    with pytest.raises(DedupeInputError) as error:
        dedupe_file(source, tmp_path / "out.jsonl", DedupeSettings())
    assert isinstance(error.value, UnioncatError)
    assert f"{source}, line 2" in str(error.value) and message in str(error.value)


def test_file_mode_accepts_a_utf8_byte_order_mark(tmp_path):
    lines = [json.dumps({"id": rid, "title": "Tắt đèn", "authors": ["Ngô Tất Tố"], "year": 2015}, ensure_ascii=False)
             for rid in ("a:1", "b:1")]
    source = tmp_path / "in.jsonl"
    source.write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")  # as Notepad saves it
    assert dedupe_file(source, tmp_path / "out.jsonl", DedupeSettings()) == 1
    rows = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert rows[0]["members"] == ["a:1", "b:1"]


def test_a_repeated_id_is_an_error_not_a_silent_drop(tmp_path):
    line = json.dumps({"id": "a:1", "title": "Chí Phèo"})
    source = _write(tmp_path / "in.jsonl", [line, line])
    with pytest.raises(DedupeInputError, match="line 2: id 'a:1' already on line 1"):
        dedupe_file(source, tmp_path / "out.jsonl", DedupeSettings())


def test_a_repeated_file_mode_id_points_to_normalize_library(tmp_path):
    """Two libraries' files converted without --library both hold `file:1`."""
    line = json.dumps({"id": "file:1", "title": "Chí Phèo"})
    source = _write(tmp_path / "in.jsonl", [line, line])
    with pytest.raises(DedupeInputError, match="already on line 1; .* convert each file with `unioncat normalize "
                                               "--library ID`"):
        dedupe_file(source, tmp_path / "out.jsonl", DedupeSettings())


def test_a_missing_input_file_is_a_unioncat_error(tmp_path):
    with pytest.raises(DedupeInputError, match="cannot read"):
        dedupe_file(tmp_path / "nope.jsonl", tmp_path / "out.jsonl", DedupeSettings())


def test_the_command_reports_each_bad_line_and_clusters_the_rest(tmp_path):
    """One broken line of a partner's export must not stop the other records (the brief: report it, go on)."""
    good = [json.dumps({"id": rid, "title": "Tắt đèn", "authors": ["Ngô Tất Tố"], "year": 2015}) for rid in ("a:1", "b:1")]
    source = _write(tmp_path / "in.jsonl", [good[0], "{not json", json.dumps({"title": "Số đỏ"}), good[1], good[0]])
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["dedupe", "--input", str(source), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{source}, line 2: not JSON" in result.stderr and f"{source}, line 3: missing string field 'id'" in result.stderr
    assert f"{source}, line 5: id 'a:1' already on line 1; line skipped" in result.stderr
    assert "3 lines could not be read (above): each line must be one JSON Record" in result.stderr
    assert "fix those lines and run again" in result.stderr
    assert [json.loads(line)["members"] for line in out.read_text(encoding="utf-8").splitlines()] == [["a:1", "b:1"]]


def test_the_command_fails_when_no_line_is_a_record(tmp_path):
    source = _write(tmp_path / "in.jsonl", ["{not json", '["a list"]'])
    result = CliRunner().invoke(app, ["dedupe", "--input", str(source), "--output", str(tmp_path / "out.jsonl")])
    assert result.exit_code == 1 and "line 1: not JSON" in result.stderr and "wrote 0 clusters" in result.stderr


def test_a_line_that_is_not_utf8_is_reported_and_skipped_not_a_traceback(tmp_path):
    """A partner's export saved "as ANSI" (Windows-1258) on one line stopped the whole run with a traceback."""
    good = [json.dumps({"id": rid, "title": "Tắt đèn", "authors": ["Ngô Tất Tố"], "year": 2015}) for rid in ("a:1", "b:1")]
    source = tmp_path / "in.jsonl"
    source.write_bytes(good[0].encode() + b'\n{"id": "c:1", "title": "Nguy\xean"}\n' + good[1].encode() + b"\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["dedupe", "--input", str(source), "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{source}, line 2: not UTF-8" in result.stderr and "line skipped" in result.stderr
    assert [json.loads(line)["members"] for line in out.read_text(encoding="utf-8").splitlines()] == [["a:1", "b:1"]]
    with pytest.raises(DedupeInputError, match="line 2: not UTF-8"):
        dedupe_file(source, out, DedupeSettings())


def test_an_input_that_cannot_be_opened_is_named_once_without_a_line_zero(tmp_path):
    result = CliRunner().invoke(app, ["dedupe", "--input", str(tmp_path / "nope.jsonl"), "--output", "-"])
    assert result.exit_code == 1
    assert result.stderr == f"unioncat: {tmp_path / 'nope.jsonl'}: cannot read: No such file or directory\n"
