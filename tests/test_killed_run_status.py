"""A run killed outright (kill -9, out of memory, a reboot) is shown as killed, not as running all day.

Every run holds data_dir/update.lock (released by the kernel when its process dies), so a status
view that finds the lock free knows that whatever is still marked running was killed.
"""

from __future__ import annotations

import threading
from pathlib import Path

from harvester.lock import run_lock
from store.runlock import run_in_progress


def test_the_probe_reads_only_and_knows_a_data_dir_no_run_has_used(tmp_path: Path):
    data_dir = tmp_path / "never-run"
    assert run_in_progress(data_dir) is False
    assert not data_dir.exists()  # a status view never creates the lock file or the directory
    with run_lock(data_dir):
        assert run_in_progress(data_dir) is True
    assert run_in_progress(data_dir) is False


def test_status_probes_never_make_a_starting_run_fail(tmp_path: Path):
    """The department's page is refreshed while cron starts `update`: the probe holds the lock for an
    instant, and a run that found it taken at that instant failed with "another unioncat run holds it"."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    stop = threading.Event()

    def probe_forever() -> None:
        while not stop.is_set():
            run_in_progress(data_dir)

    probes = [threading.Thread(target=probe_forever) for _ in range(2)]
    for probe in probes:
        probe.start()
    started = 0
    try:
        for _ in range(300):
            with run_lock(data_dir):  # raises RunLockedError if a probe's instant made it fail
                started += 1
    finally:
        stop.set()
        for probe in probes:
            probe.join()
    assert started == 300
