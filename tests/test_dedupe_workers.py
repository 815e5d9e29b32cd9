"""Features reduced in worker processes give exactly what one process gives, bad lines included."""

from __future__ import annotations

import json

import pytest

from config import DedupeSettings
from dedupe import DedupeInputError, cluster_records, dedupe_file, run_dedupe
from dedupe import reading
from dedupe.labeled import generate
from store import CatalogStore
from tests.conftest import make_settings


@pytest.fixture
def in_workers(monkeypatch):
    """Small batches and two workers, so a few hundred records go through real worker processes."""
    monkeypatch.setattr(reading, "BATCH_RECORDS", 37)
    monkeypatch.setattr(reading, "default_workers", lambda: 2)
    started = []
    real = reading.map_in_workers

    def counting(*args, **kwargs):
        for job, result in real(*args, **kwargs):
            started.append(job)
            yield job, result

    monkeypatch.setattr(reading, "map_in_workers", counting)
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
