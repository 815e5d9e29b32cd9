"""Features reduced in worker processes give exactly what one process gives, bad lines included."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from config import DedupeSettings
from dedupe import DedupeInputError, cluster_records, dedupe_file, run_dedupe
from dedupe import reading
from dedupe.labeled import generate
from store import CatalogStore
from tests.conftest import make_settings
from tests.e2e_helpers import REPO_ROOT


@pytest.fixture
def in_workers(monkeypatch):
    """Small batches and two workers, so a few hundred records go through real worker processes."""
    monkeypatch.setattr(reading, "BATCH_RECORDS", 37)
    return jobs_in_two_workers(reading, monkeypatch)


def jobs_in_two_workers(module, monkeypatch) -> list:
    """Two workers for `module`'s `map_in_workers`, and the list of jobs it ran."""
    monkeypatch.setattr(module, "default_workers", lambda: 2)
    started = []
    real = module.map_in_workers

    def counting(*args, **kwargs):
        for job, result in real(*args, **kwargs):
            started.append(job)
            yield job, result

    monkeypatch.setattr(module, "map_in_workers", counting)
    return started


def test_file_mode_in_workers_gives_the_one_process_clusters(tmp_path, in_workers):
    labeled = generate(400, seed=5)
    source = tmp_path / "records.jsonl"
    source.write_text("".join(r.to_json_line() + "\n" for r in labeled.records), encoding="utf-8")
    dedupe_file(source, tmp_path / "clusters.jsonl", DedupeSettings())
    assert len(in_workers) == -(-len(labeled.records) // 37)  # every batch went through the pool
    rows = [json.loads(line) for line in (tmp_path / "clusters.jsonl").read_text(encoding="utf-8").splitlines()]
    one_process = cluster_records(labeled.records, DedupeSettings())
    assert {row["cluster_id"]: row["members"] for row in rows} == one_process.clusters


def test_bad_lines_from_workers_are_reported_in_file_order_with_their_line(tmp_path, in_workers):
    lines = [json.dumps({"id": f"a:{n}", "title": "Tắt đèn", "authors": ["Ngô Tất Tố"], "year": 2015})
             for n in range(200)]
    lines[50] = "{not json"                                      # in a batch a worker reduces
    lines[120] = json.dumps({"id": "a:3", "title": "Tắt đèn"})   # an id of an earlier batch
    lines[150] = b"\xff".decode("latin-1")                        # not UTF-8 once written as bytes below
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"".join(line.encode("latin-1" if n == 150 else "utf-8") + b"\n"
                                for n, line in enumerate(lines)))
    reported: list[DedupeInputError] = []
    assert dedupe_file(source, tmp_path / "out.jsonl", DedupeSettings(), on_bad_line=reported.append) == 1
    assert [error.line_number for error in reported] == [51, 121, 151]
    assert "not JSON" in str(reported[0])
    assert "id 'a:3' already on line 4" in str(reported[1])
    assert "not UTF-8" in str(reported[2])
    [row] = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(row["members"]) == 197


def test_a_bad_line_from_a_worker_stops_the_run_without_a_callback(tmp_path, in_workers):
    lines = [json.dumps({"id": f"a:{n}", "title": "Số đỏ"}) for n in range(100)] + ['{"id": "x"}']
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DedupeInputError, match=r"line 101: record 'x' has no string field 'title'"):
        dedupe_file(source, tmp_path / "out.jsonl", DedupeSettings())


def test_a_full_store_run_in_workers_gives_the_one_process_clusters(tmp_path, monkeypatch):
    labeled = generate(300, seed=7)
    clusters = {}
    for batch in (10_000, 37):  # one batch: done here; many: in worker processes
        monkeypatch.setattr(reading, "BATCH_RECORDS", batch)
        monkeypatch.setattr(reading, "default_workers", lambda: 2)
        with CatalogStore(tmp_path / f"{batch}.db") as store:
            store.save_normalized(labeled.records, [], [])
            run_dedupe(store, make_settings(tmp_path), rebuild=True)
            clusters[batch] = store.cluster_assignments()
    assert clusters[37] == clusters[10_000]
    assert len(set(clusters[37].values())) < len(labeled.records)  # copies were merged


def _descendants(pid: int) -> set[int]:
    """Processes below `pid` (workers are children of a forkserver, itself a child of `pid`)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rpartition(")")[2].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            if (Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]) != "Z":
                alive.add(pid)
        except OSError:
            continue
    return alive


def _dedupe_reading_stdin(tmp_path: Path, lines: int) -> tuple[subprocess.Popen, set[int]]:
    """`unioncat dedupe --input -` fed `lines` records and left waiting for more, its workers started."""
    proc = subprocess.Popen([sys.executable, "-m", "harvester.cli", "dedupe", "--input", "-", "--output",
                             str(tmp_path / "out.jsonl")], cwd=tmp_path, stdin=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    proc.stdin.write(b"".join(json.dumps({"id": f"a:{n}", "title": f"Sách {n}"}).encode() + b"\n"
                              for n in range(lines)))
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while not _workers(proc.pid):
        assert proc.poll() is None and time.monotonic() < deadline, "no worker ever started"
        time.sleep(0.05)
    return proc, _alive(_descendants(proc.pid))


def _parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[1])


def _workers(pid: int) -> list[int]:
    """Pool workers of `pid`: children of its forkserver, a child of its own."""
    children = _alive(_descendants(pid))
    forkservers = {child for child in children
                   if _parent_of(child) == pid and b"forkserver" in Path(f"/proc/{child}/cmdline").read_bytes()}
    return [child for child in children if _parent_of(child) in forkservers]


@pytest.mark.skipif(os.cpu_count() == 1 or not Path("/proc/self/stat").exists(), reason="workers need 2 cores, /proc")
def test_workers_end_when_their_parent_is_killed(tmp_path):
    """SIGKILL or the out-of-memory killer gives the parent no chance to shut its pool down: the
    workers and the forkserver must not run on for good, holding a pipe or the terminal open."""
    proc, helpers = _dedupe_reading_stdin(tmp_path, 12_000)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 20
    while _alive(helpers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(helpers)  # the forkserver and resource tracker follow their workers


@pytest.mark.skipif(os.cpu_count() == 1 or not Path("/proc/self/stat").exists(), reason="workers need 2 cores, /proc")
def test_a_worker_that_dies_is_one_line_naming_what_to_do(tmp_path):
    proc, _ = _dedupe_reading_stdin(tmp_path, 12_000)
    os.kill(_workers(proc.pid)[0], signal.SIGKILL)
    try:
        _, stderr = proc.communicate(b"".join(json.dumps({"id": f"b:{n}", "title": "Số đỏ"}).encode() + b"\n"
                                              for n in range(12_000)), timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, stderr
    assert b"unioncat: a worker process ended without its result" in stderr and b"Traceback" not in stderr


def test_blocks_scanned_in_workers_give_the_one_process_pairs_keys_and_explanations(monkeypatch):
    # Jobs of a few dozen block members: the blocks of 600 records go through real scan workers,
    # and a pair two jobs propose is scored once, under the smaller key, as in one process.
    from dedupe import scoring

    labeled = generate(600, seed=8)
    one_process = cluster_records(labeled.records, DedupeSettings())
    monkeypatch.setattr(scoring, "SCAN_JOB_MEMBERS", 40)
    jobs = jobs_in_two_workers(scoring, monkeypatch)
    in_workers = cluster_records(labeled.records, DedupeSettings())
    assert len(jobs) > 10
    assert in_workers.clusters == one_process.clusters
    assert in_workers.explanations == one_process.explanations  # keys, scores, nearest refusals
    assert (in_workers.candidate_pairs, in_workers.accepted_pairs) == (one_process.candidate_pairs,
                                                                       one_process.accepted_pairs)
