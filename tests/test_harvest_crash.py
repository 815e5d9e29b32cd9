"""Crash safety: a harvest killed with SIGKILL mid-list and re-run equals an uninterrupted one."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from config.settings import REPO_ROOT
from harvester.oai import OaiHarvester
from harvester.provider import serve_fixtures
from harvester.transport import make_client
from store import CatalogStore
from tests.test_harvest_support import fast_settings, oai_library, write_marc_collection

TOTAL = 120
CHILD = """
import sys
from pathlib import Path
from harvester.oai import OaiHarvester
from harvester.transport import make_client
from store import CatalogStore
from tests.test_harvest_support import fast_settings, oai_library

settings = fast_settings(request_delay_s=float(sys.argv[3]) if len(sys.argv) > 3 else 0.05)
with CatalogStore(Path(sys.argv[2])) as store, make_client(settings) as client:
    print("harvesting", flush=True)
    OaiHarvester(client, store, settings).harvest(oai_library(sys.argv[1], "tv-tinh"))
"""


def snapshot(db: Path) -> set[tuple]:
    with sqlite3.connect(db) as conn:
        return set(conn.execute("SELECT local_id, datestamp, deleted, content_hash FROM raw_records"))


def stored_count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return conn.execute("SELECT COUNT(*) FROM raw_records").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_killed_harvest_resumes_from_the_saved_token(tmp_path: Path):
    source = write_marc_collection(tmp_path / "tv-tinh.xml", TOTAL)
    (tmp_path / "tv-tinh-deleted.txt").write_text("oai:tv-tinh:7\n")
    interrupted, clean = tmp_path / "interrupted.sqlite3", tmp_path / "clean.sqlite3"
    with serve_fixtures({"tv-tinh": source}, batch_size=4) as provider:
        url = provider.url("tv-tinh")
        child = subprocess.Popen([sys.executable, "-c", CHILD, url, str(interrupted)], cwd=REPO_ROOT,
                                 env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while stored_count(interrupted) < 12 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.01)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        before = stored_count(interrupted)
        assert 0 < before < TOTAL - 1, "the child must be killed in the middle of the list"

        settings = fast_settings()
        with CatalogStore(interrupted) as store, make_client(settings) as client:
            token = store.harvest_state("tv-tinh").resumption_token
            assert token is not None
            run = OaiHarvester(client, store, settings).harvest(oai_library(url, "tv-tinh"))
            # Resumed from the token: nothing of the saved pages was fetched again.
            assert run.added == TOTAL - 1 - before and run.unchanged <= 1
        with CatalogStore(clean) as store, make_client(settings) as client:
            OaiHarvester(client, store, settings).harvest(oai_library(url, "tv-tinh"))

    assert snapshot(interrupted) == snapshot(clean)
    assert len(snapshot(clean)) == TOTAL - 1


MANY_TOTAL = 600
KILLS = 12


def test_harvest_killed_many_times_at_random_points_ends_like_an_uninterrupted_one(tmp_path: Path):
    """SIGKILL at seeded random moments (mid-request, mid-commit, between pages), re-run after each."""
    rng = random.Random(1337)
    source = write_marc_collection(tmp_path / "tv-tinh.xml", MANY_TOTAL)
    (tmp_path / "tv-tinh-deleted.txt").write_text("oai:tv-tinh:7\noai:tv-tinh:500\n")
    interrupted, clean = tmp_path / "interrupted.sqlite3", tmp_path / "clean.sqlite3"
    progress: list[int] = []
    with serve_fixtures({"tv-tinh": source}, batch_size=4) as provider:
        url = provider.url("tv-tinh")
        for _ in range(KILLS):
            child = subprocess.Popen([sys.executable, "-c", CHILD, url, str(interrupted), "0.01"], cwd=REPO_ROOT,
                                     env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, stdout=subprocess.PIPE)
            assert child.stdout.readline().strip() == b"harvesting"
            time.sleep(rng.uniform(0.0, 0.15))
            # On a loaded machine the child may not have saved a page yet: let it make progress first.
            deadline = time.monotonic() + 20
            while stored_count(interrupted) <= (progress[-1] if progress else 0) and time.monotonic() < deadline:
                time.sleep(0.005)
            assert child.poll() is None, "the harvest ended before the kill; make the list longer"
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
            child.stdout.close()
            progress.append(stored_count(interrupted))
        print("stored after each kill:", progress)
        assert progress[-1] < MANY_TOTAL - 2, "every kill must land before the end of the list"
        assert progress == sorted(set(progress)), f"every run must make progress: {progress}"

        settings = fast_settings()
        with CatalogStore(interrupted) as store, make_client(settings) as client:
            run = OaiHarvester(client, store, settings).harvest(oai_library(url, "tv-tinh"))
            # The last run continued from the saved token: at most the page in flight is read again.
            assert run.unchanged <= 4 + 2
        with CatalogStore(clean) as store, make_client(settings) as client:
            OaiHarvester(client, store, settings).harvest(oai_library(url, "tv-tinh"))

    assert snapshot(interrupted) == snapshot(clean)
    assert len(snapshot(clean)) == MANY_TOTAL - 2
