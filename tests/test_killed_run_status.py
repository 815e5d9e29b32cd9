"""A run killed outright (kill -9, out of memory, a reboot) is shown as killed, not as running all day.

Every run holds data_dir/update.lock (released by the kernel when its process dies), so a status
view that finds the lock free knows that whatever is still marked running was killed.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import lxml.html

from config.settings import REPO_ROOT, load_settings
from harvester.lock import run_lock
from index import SearchIndex
from search_api import create_app
from store import CatalogStore
from store.runlock import run_in_progress
from tests.conftest import make_settings
from tests.test_api import serve_in_thread
from tests.test_harvest_report import unioncat, write_config
from tests.test_index import LIBRARIES


def running_runs(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as conn:
            return conn.execute("SELECT COUNT(*) FROM harvest_runs WHERE status = 'running'").fetchone()[0]
    except sqlite3.Error:  # not created yet
        return 0


def page_states(html: str, row_xpath: str) -> dict[str, str]:
    """Each row's key (data-library or data-stage) → the Vietnamese run label shown."""
    page = lxml.html.fromstring(html)
    return {row.get("data-library") or row.get("data-stage"):
            row.xpath(".//span[contains(@class, 'run-status')]")[0].text for row in page.xpath(row_xpath)}


def test_a_harvest_killed_with_sigkill_shows_as_killed_in_status_and_on_the_status_page(tmp_path: Path):
    with socket.socket() as silent:  # accepts connections (the kernel's backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/oai"
        config = write_config(tmp_path / "unioncat.toml", url, url)
        config.write_text(config.read_text(encoding="utf-8").replace("timeout_s = 2.0", "timeout_s = 120"),
                          encoding="utf-8")
        settings = load_settings(config)
        child = subprocess.Popen([sys.executable, "-m", "harvester.cli", "harvest", "--config", str(config)],
                                 cwd=REPO_ROOT, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while running_runs(settings.db_path) < 2 and time.monotonic() < deadline and child.poll() is None:
                time.sleep(0.02)
            assert running_runs(settings.db_path) == 2, "both harvests must be under way when the run is killed"
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.wait()

    status = unioncat("status", "--config", str(config), "--format", "json")
    assert status.returncode == 0, status.stderr
    libraries = {item["id"]: item for item in json.loads(status.stdout)["libraries"]}
    assert {lib: item["last_status"] for lib, item in libraries.items()} == {"tv-tinh": "killed", "down": "killed"}
    assert "was killed" in libraries["tv-tinh"]["errors"][-1] and "tv-tinh" in libraries["tv-tinh"]["errors"][-1]
    text = unioncat("status", "--config", str(config))
    assert "killed" in text.stdout and "running" not in text.stdout

    with CatalogStore(settings.db_path) as store:
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as base:
            html = httpx.get(f"{base}/status", timeout=10).text
            api = httpx.get(f"{base}/api/status", timeout=10).json()
    assert page_states(html, "//tr[contains(@class, 'library-status')]") == {
        "tv-tinh": "Bị dừng đột ngột", "down": "Bị dừng đột ngột"}
    row = lxml.html.fromstring(html).xpath("//tr[@data-library='tv-tinh']")[0]
    assert "attention" in row.get("class") and "Chưa xong" not in row.text_content()
    assert "was killed" in row.xpath(".//td[@class='errors']")[0].text_content()
    assert {item["id"]: item["last_status"] for item in api["libraries"]} == {"tv-tinh": "killed", "down": "killed"}
    # Reading changed nothing: the next run, holding the lock, is the one that closes them.
    assert running_runs(settings.db_path) == 2


def test_a_run_holding_the_lock_is_shown_running_and_the_same_state_without_it_killed(tmp_path: Path):
    settings = make_settings(tmp_path / "data", LIBRARIES)
    config = tmp_path / "unioncat.toml"
    config.write_text(f'data_dir = "{settings.data_dir}"\n' + "".join(
        "[[libraries]]\n" + "".join(f'{key} = "{value}"\n' for key, value in library.items())
        for library in LIBRARIES), encoding="utf-8")
    with CatalogStore(settings.db_path) as store:
        store.start_run("tv-tinh")
        store.stage_started("dedupe")
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as base:
            with run_lock(settings.data_dir):  # stands in for cron's `unioncat update`, alive
                live = json.loads(unioncat("status", "--config", str(config), "--format", "json").stdout)
                live_page = httpx.get(f"{base}/status", timeout=10).text
            dead = json.loads(unioncat("status", "--config", str(config), "--format", "json").stdout)
            dead_page = httpx.get(f"{base}/status", timeout=10).text

    def states(payload: dict) -> tuple[str, str]:
        library = next(item for item in payload["libraries"] if item["id"] == "tv-tinh")
        stage = next(item for item in payload["stages"] if item["stage"] == "dedupe")
        return library["last_status"], stage["last_status"]

    assert states(live) == ("running", "running")
    assert states(dead) == ("killed", "killed")
    assert "was killed" in next(item for item in dead["stages"] if item["stage"] == "dedupe")["error"]
    assert page_states(live_page, "//tr[@class='stage-status']")["dedupe"] == "Đang chạy"
    assert page_states(dead_page, "//tr[@class='stage-status']")["dedupe"] == "Bị dừng đột ngột"
    assert page_states(live_page, "//tr[contains(@class, 'library-status')]")["tv-tinh"] == "Đang chạy"
    assert page_states(dead_page, "//tr[contains(@class, 'library-status')]")["tv-tinh"] == "Bị dừng đột ngột"


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
