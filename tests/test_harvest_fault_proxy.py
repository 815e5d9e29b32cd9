"""Harvesting the real provider through a seeded fault-injecting proxy (tests/fault_proxy.py).

The store must end up holding exactly what a clean harvest of the same
provider holds: same identifiers, datestamps, deleted flags and payload hashes.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from config.errors import HarvestError
from harvester.oai import OaiHarvester
from harvester.provider import serve_fixtures
from harvester.transport import make_client
from store import CatalogStore
from tests.fault_proxy import ALL_FAULTS, FaultProxy
from tests.test_harvest_support import fast_settings, marcxml_record, oai_library, write_marc_collection

TOTAL = 600
PAGE = 4
DELETED = ("oai:tv-tinh:7", "oai:tv-tinh:300")
# Tiny waits keep the test fast; max_retries covers max_in_a_row faults on one request.
SETTINGS = dict(backoff_base_s=0.001, backoff_max_s=0.005, max_retries=4, timeout_s=0.25)


def snapshot(db: Path) -> set[tuple]:
    with sqlite3.connect(db) as conn:
        return set(conn.execute("SELECT library, local_id, datestamp, deleted, content_hash FROM raw_records"))


def harvest_until_done(db: Path, url: str, settings, max_runs: int = 8) -> tuple[int, list[str]]:
    """Harvest; a run that gives up (too many window restarts) is followed by another, as cron would."""
    failures: list[str] = []
    for runs in range(1, max_runs + 1):
        with CatalogStore(db) as store, make_client(settings) as client:
            try:
                run = OaiHarvester(client, store, settings).harvest(oai_library(url, "tv-tinh"))
            except HarvestError as exc:
                failures.append(str(exc))
                continue
        return runs, failures + run.errors
    raise AssertionError(f"harvest did not finish in {max_runs} runs: {failures}")


def test_harvest_through_200_faults_of_every_kind_stores_exactly_the_providers_records(tmp_path: Path):
    source = write_marc_collection(tmp_path / "tv-tinh.xml", TOTAL)
    (tmp_path / "tv-tinh-deleted.txt").write_text("\n".join(DELETED) + "\n")
    settings = fast_settings(**SETTINGS)
    with serve_fixtures({"tv-tinh": source}, batch_size=PAGE) as provider:
        # A record changed and one deleted after the fixture was loaded: not only the file's content.
        provider.upsert("tv-tinh", "42", marcxml_record("42", "Sách đã sửa"))
        provider.delete("tv-tinh", "43")
        with FaultProxy(provider.base_url, seed=20240501, fault_rate=0.7, max_in_a_row=3,
                        limits={"bad_token": 3, "http_422": 3}, slow_s=0.6) as proxy:
            runs, messages = harvest_until_done(tmp_path / "faulty.sqlite3", proxy.url("tv-tinh"), settings)
        with CatalogStore(tmp_path / "clean.sqlite3") as store, make_client(settings) as client:
            OaiHarvester(client, store, settings).harvest(oai_library(provider.url("tv-tinh"), "tv-tinh"))
        live_at_source = {f"oai:tv-tinh:{i}" for i in provider.local_ids("tv-tinh")}

    counts = proxy.counts()
    print(f"{len(proxy.faults)} faults in {len(proxy.exchanges)} requests over {runs} runs: {counts}")
    assert len(proxy.faults) >= 200, counts
    assert set(counts) == set(ALL_FAULTS), counts
    assert runs <= 4
    # The repaired control characters and the restarted windows were reported, not hidden.
    assert any("invalid XML characters" in m for m in messages)
    assert any("badResumptionToken" in m for m in messages)

    faulty, clean = snapshot(tmp_path / "faulty.sqlite3"), snapshot(tmp_path / "clean.sqlite3")
    assert faulty == clean
    assert {row[1] for row in faulty if not row[3]} == live_at_source
    assert len(live_at_source) == TOTAL - len(DELETED) - 1
    with CatalogStore(tmp_path / "faulty.sqlite3") as store:
        payloads = {raw.local_id: raw.payload for _, raw in store.raw_changed_since(0, "tv-tinh")}
    assert "Sách đã sửa".encode() in payloads["oai:tv-tinh:42"]
    # Deleted at the source before we ever saw it: nothing to store.
    assert "oai:tv-tinh:43" not in payloads
