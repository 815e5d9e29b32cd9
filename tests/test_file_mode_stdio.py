"""File mode's `-`: `--input -` reads standard input and `--output -` writes standard output.

Run in real processes over real pipes: stdout must hold nothing but JSON lines, every
message goes to stderr, and no file named "-" is left behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.e2e_helpers import REPO_ROOT

MARC = REPO_ROOT / "fixtures" / "data" / "marc"


def run(*args: str, cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harvester.cli", *args], cwd=cwd, input=stdin,
                          capture_output=True, timeout=120, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})


def json_lines(stdout: bytes) -> list[dict]:
    return [json.loads(line) for line in stdout.decode("utf-8").splitlines()]


def test_normalize_output_dash_writes_json_lines_to_stdout_not_a_file_named_dash(tmp_path):
    result = run("normalize", "--input", str(MARC / "ca-tinh.xml"), "--output", "-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    records = json_lines(result.stdout)
    assert len(records) == 250 and records[0]["id"] == "file:CAT000001"
    assert b"wrote 250 records to <stdout>" in result.stderr
    assert not (tmp_path / "-").exists()


def test_normalize_input_dash_reads_a_piped_iso2709_file(tmp_path):
    """A pipe cannot seek, and the readers sniff the format and rewind."""
    result = run("normalize", "--input", "-", "--output", "out.jsonl", cwd=tmp_path,
                 stdin=(MARC / "tv-vi-thuy.mrc").read_bytes())
    assert result.returncode == 0, result.stderr
    written = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(written) == 303 and result.stdout == b""
    rejected = run("normalize", "--input", "-", "--output", "-", cwd=tmp_path,
                   stdin=(MARC / "broken.mrc").read_bytes())
    assert b"<stdin>: record " in rejected.stderr  # each bad record names where it came from
    assert all(line["id"].startswith("file:BRK") for line in json_lines(rejected.stdout))


def test_dedupe_reads_stdin_and_writes_stdout_so_the_two_file_modes_pipe(tmp_path):
    normalized = run("normalize", "--input", str(MARC / "ca-tinh.xml"), "--output", "-", cwd=tmp_path)
    result = run("dedupe", "--input", "-", "--output", "-", cwd=tmp_path, stdin=normalized.stdout + b"not json\n")
    assert result.returncode == 0, result.stderr
    clusters = json_lines(result.stdout)
    assert sorted(m for c in clusters for m in c["members"]) == sorted(r["id"] for r in json_lines(normalized.stdout))
    assert b"<stdin>, line 251: not JSON" in result.stderr
    assert f"wrote {len(clusters)} clusters to <stdout>".encode() in result.stderr
    assert not (tmp_path / "-").exists()


def test_a_file_named_dash_is_still_reached_as_dot_slash_dash(tmp_path):
    result = run("normalize", "--input", str(MARC / "ca-tinh.xml"), "--output", "./-", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"" and len((tmp_path / "-").read_text(encoding="utf-8").splitlines()) == 250


def test_a_reader_that_stops_early_ends_the_command_quietly(tmp_path):
    """`unioncat normalize ... --output - | head -1`: no BrokenPipeError traceback on stderr."""
    proc = subprocess.Popen([sys.executable, "-m", "harvester.cli", "normalize", "--input",
                             str(MARC / "thpt-chuyen-vi-thanh.mrc"), "--output", "-"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    json.loads(proc.stdout.readline())
    proc.stdout.close()  # the reader goes away, as `head -1` does
    stderr = proc.stderr.read()
    assert proc.wait(timeout=60) == 128 + 13, stderr  # as a shell reports a process SIGPIPE ended
    assert stderr == b""
