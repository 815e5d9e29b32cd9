"""File mode's `-`: `--input -` reads standard input and `--output -` writes standard output.

Run in real processes over real pipes: stdout must hold nothing but JSON lines, every
message goes to stderr, and no file named "-" is left behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.e2e_helpers import REPO_ROOT, stderr_after_signal

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


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("command", ["dedupe", "normalize"])
def test_a_file_mode_run_stopped_by_ctrl_c_says_its_output_is_incomplete(tmp_path, command, signum):
    """Not the store runs' "what was finished is saved, and the next run continues": a file-mode
    run keeps nothing, and its output file is cut short."""
    output = tmp_path / "out.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "harvester.cli", command, "--input", "-", "--output", str(output)],
                            cwd=tmp_path, stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    deadline = time.monotonic() + 60
    while not output.exists():  # opened after the input: the command now waits on standard input
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"never reached its input: {stderr_after_signal(proc, signal.SIGKILL)}")
        time.sleep(0.05)
    stderr = stderr_after_signal(proc, signum)
    assert proc.returncode == 128 + signum, stderr
    assert f"unioncat: stopped by {signal.Signals(signum).name}; {output} is incomplete: run the command again" in stderr
    assert "next run continues" not in stderr and "Traceback" not in stderr
