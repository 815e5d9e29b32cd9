"""The operator's night: a run stopped by Ctrl+C or SIGTERM, a run killed outright, a stage that fails,
`serve` and `demo` addresses, and what cron's log and `unioncat status` say about each.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from config.settings import REPO_ROOT
from harvester.cli import app
from store import CatalogStore
from tests.e2e_helpers import stderr_after_signal, unioncat
from tests.test_harvest_support import Canned, identify, list_records
from tests.test_harvest_run import closed_port
from tests.test_normalize_run import _config, raw


class _Unavailable(BaseHTTPRequestHandler):
    """An OAI-PMH server that is down for maintenance: 503 to everything."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def unavailable_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Unavailable)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def write_registry(path: Path, urls: dict[str, str], harvest: str = "") -> Path:
    text = 'data_dir = "data"\n' + harvest
    for library_id, url in urls.items():
        text += (f'\n[[libraries]]\nid = "{library_id}"\nname = "{library_id}"\ntype = "district"\n'
                 f'district = "Vị Thanh"\nprotocol = "oai-pmh"\nurl = "{url}"\nmetadata_prefix = "marc21"\n')
    path.write_text(text, encoding="utf-8")
    return path


def status_of(config: Path) -> dict:
    result = unioncat("status", "--format", "json", "--config", str(config))
    return json.loads(result.stdout)


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "harvester.cli", *args], cwd=REPO_ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})


def wait_until_running(config: Path, library: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        libraries = {item["id"]: item for item in status_of(config)["libraries"]}
        if libraries[library]["last_status"] == "running":
            return
        time.sleep(0.1)
    proc.kill()
    pytest.fail(f"{library} never started harvesting")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_run_soon_and_status_says_why(tmp_path, signum):
    """SIGTERM (systemd stopping the unit, `kill`) killed the run at once and left its library
    "running" in `unioncat status` for good; Ctrl+C waited for every library's whole harvest."""
    with unavailable_server() as url:
        # One library at a time, each retrying 503 with a 30 s wait: without a stop, minutes.
        config = write_registry(tmp_path / "unioncat.toml", {"tv-a": f"{url}/a", "tv-b": f"{url}/b"},
                                "[harvest]\nmax_parallel_libraries = 1\nmax_retries = 5\nbackoff_base_s = 30\n")
        proc = start("update", "--config", str(config))
        wait_until_running(config, "tv-a", proc)  # kills it when it never gets there
        sent = time.monotonic()
        stderr = stderr_after_signal(proc, signum)
    assert time.monotonic() - sent < 10
    name = signal.Signals(signum).name
    assert proc.returncode == 128 + signum, stderr
    assert f"unioncat: stopped by {name}" in stderr and "next run continues" in stderr
    assert "Traceback" not in stderr
    libraries = {item["id"]: item for item in status_of(config)["libraries"]}
    assert libraries["tv-a"]["last_status"] == "failed"
    assert f"stopped by {name} before the harvest finished" in libraries["tv-a"]["errors"][-1]
    assert libraries["tv-b"]["last_status"] is None  # never started


class _SlowUnavailable(_Unavailable):
    """Down for maintenance, and slow to say so: each 503 comes after two seconds."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        time.sleep(2)
        super().do_GET()


def test_a_request_that_fails_after_the_stop_still_records_the_stop(tmp_path):
    """With its retries used up, a request in flight when SIGTERM came recorded its own failure
    ("HTTP 503 after 1 attempt"): `unioncat status` blamed the server for a run the operator stopped."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowUnavailable)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        config = write_registry(tmp_path / "unioncat.toml", {"tv-a": f"{url}/a"}, "[harvest]\nmax_retries = 0\n")
        proc = start("update", "--config", str(config))
        try:
            wait_until_running(config, "tv-a", proc)
            proc.send_signal(signal.SIGTERM)
            _, stderr = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    finally:
        server.shutdown()
        server.server_close()
    assert proc.returncode == 143, stderr
    error = status_of(config)["libraries"][0]["errors"][-1]
    assert "stopped by SIGTERM before the harvest finished" in error, error


def test_sigterm_cuts_short_a_request_the_server_hangs_on(tmp_path, fault_server, store):
    """A stop waited for the request in flight to time out (30 s by default, 60 s here), longer than a
    container's stop grace period (often 10 s): the container was killed, its run left marked running."""
    server = fault_server([identify(), list_records(["1"], token="t1"), Canned(list_records(["2"]), delay_s=60)])
    config = write_registry(tmp_path / "unioncat.toml", {"tv-a": server.url}, "[harvest]\ntimeout_s = 60\n")
    proc = start("update", "--config", str(config))
    deadline = time.monotonic() + 30
    while len(server.queries) < 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(0.3)  # the hung request is waiting for its answer
    sent = time.monotonic()
    stderr = stderr_after_signal(proc, signal.SIGTERM)
    assert time.monotonic() - sent < 5, stderr
    assert proc.returncode == 143 and "stopped by SIGTERM" in stderr, stderr
    [library] = status_of(config)["libraries"]
    assert library["last_status"] == "failed" and "stopped by SIGTERM" in library["errors"][-1], library
    with CatalogStore(tmp_path / "data" / "catalog.sqlite3") as catalog:  # nothing lost: page 1 and its token
        assert catalog.live_local_ids("tv-a") == {"oai:x:1"}
        assert catalog.harvest_state("tv-a").resumption_token == "t1"


def test_a_run_killed_outright_is_closed_by_the_next_run(tmp_path, store, data_dir):
    """kill -9, out of memory, a reboot: nothing records the end.  The next run holds the lock, so what
    is still marked running is dead, and records it as failed (status showed it killed meanwhile)."""
    store.save_harvest_page([raw("1", "Truyện Kiều")])
    store.start_run("tv-tinh")
    store.stage_started("dedupe")
    config = _config(data_dir)
    before = json.loads(CliRunner().invoke(app, ["status", "--format", "json", "--config", config]).stdout)
    assert before["libraries"][0]["last_status"] == "killed"  # no run holds the lock: shown so, not written
    text = CliRunner().invoke(app, ["status", "--config", config]).stdout
    # Its counts were never written: "+0 ~0 -0" beside the records it had saved misled (review).
    assert "not ended, so not counted" in text and "+0 ~0 -0" not in text, text
    assert CliRunner().invoke(app, ["normalize", "--config", config]).exit_code == 0
    after = json.loads(CliRunner().invoke(app, ["status", "--format", "json", "--config", config]).stdout)
    library = after["libraries"][0]
    assert library["last_status"] == "failed" and "was killed" in library["errors"][-1]
    stages = {stage["stage"]: stage for stage in after["stages"]}
    assert stages["dedupe"]["last_status"] == "failed" and "killed" in stages["dedupe"]["error"]
    assert stages["normalize"]["last_status"] == "ok"


def test_a_stage_that_fails_shows_in_status_until_it_succeeds(tmp_path, store, data_dir):
    """The harvest's outcome was all `status` showed: an index that could not be written for a week
    left every library "ok" while searches showed last week's catalogue."""
    store.save_harvest_page([raw("1", "Truyện Kiều")])
    config = _config(data_dir)
    index_dir = data_dir / "index"
    index_dir.write_text("not a directory", encoding="utf-8")
    result = CliRunner().invoke(app, ["update", "--config", config, "--log-format", "json"])
    assert result.exit_code == 1
    failed = [json.loads(line) for line in result.stderr.splitlines() if '"index_failed"' in line]
    assert failed and failed[0]["level"] == "error"  # was "info": alerts on level never saw it
    text = CliRunner().invoke(app, ["status", "--config", config]).stdout
    assert "stage index" in text and "FAILED" in text and "cannot write the search index" in text
    stages = {s["stage"]: s for s in json.loads(
        CliRunner().invoke(app, ["status", "--format", "json", "--config", config]).stdout)["stages"]}
    assert stages["index"]["last_status"] == "failed" and stages["index"]["last_success"] is None
    assert stages["dedupe"]["last_status"] == "ok" and stages["dedupe"]["last_success"]

    index_dir.unlink()
    assert CliRunner().invoke(app, ["index", "--config", config]).exit_code == 0
    stages = {s["stage"]: s for s in json.loads(
        CliRunner().invoke(app, ["status", "--format", "json", "--config", config]).stdout)["stages"]}
    assert stages["index"]["last_status"] == "ok" and stages["index"]["error"] is None


def test_a_stage_that_fails_says_so_once_in_text(store, data_dir):
    """The stage's JSON event leaked into text: a bare "index_failed" line (`unioncat index` by hand)
    or "unioncat: ERROR index_failed" (`update`) above the line that says what failed."""
    store.save_harvest_page([raw("1", "Truyện Kiều")])
    config = _config(data_dir)
    (data_dir / "index").write_text("not a directory", encoding="utf-8")
    for command in ("index", "update"):
        result = unioncat(command, "--config", config, check=False)
        assert result.returncode == 1, result.stderr
        assert "index_failed" not in result.stderr, command
        assert result.stderr.splitlines()[-1].startswith("unioncat: cannot write the search index"), result.stderr


def test_api_status_lists_the_stages(store, data_dir):
    from index import SearchIndex
    from search_api import create_app
    from tests.conftest import make_settings
    from tests.test_api import LIBRARIES, serve_in_thread

    store.stage_started("index")
    store.stage_finished("index", "disk full")
    settings = make_settings(data_dir, LIBRARIES)
    with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
        body = httpx.get(f"{url}/api/status", timeout=10).json()
    stages = {s["stage"]: s for s in body["stages"]}
    assert stages["index"]["last_status"] == "failed" and stages["index"]["error"] == "disk full"
    assert stages["normalize"]["last_status"] is None


def test_update_with_failed_libraries_ends_with_a_line_naming_them(tmp_path):
    config = write_registry(tmp_path / "unioncat.toml", {"down": f"http://127.0.0.1:{closed_port()}/oai"},
                            "[harvest]\nmax_retries = 0\n")
    text = unioncat("update", "--config", str(config), check=False)
    assert text.returncode == 3
    assert "unioncat: 1 of 1 libraries failed (down). " in text.stderr and "unioncat status" in text.stderr
    assert "the others were updated" not in text.stderr  # there were none
    as_json = unioncat("update", "--config", str(config), "--log-format", "json", check=False)
    assert as_json.returncode == 3
    events = [json.loads(line) for line in as_json.stderr.splitlines()]  # JSON lines only, the last one too
    assert events[-1]["event"] == "unioncat_failed" and events[-1]["exit_code"] == 3
    finished = [e for e in events if e["event"] == "harvest_finished"]
    assert finished[0]["level"] == "warning"
    assert not [e for e in events if e.get("logger") == "httpx"]  # no line per HTTP request


def test_serve_on_port_0_says_the_port_it_got(tmp_path, store, data_dir):
    """`--port 0` (documented: any free port) printed http://127.0.0.1:0/."""
    proc = start("serve", "--config", _config(data_dir), "--port", "0")
    try:
        line = proc.stderr.readline()
        assert line.startswith("unioncat: serving http://127.0.0.1:"), line
        url = line.split()[2]
        assert not url.endswith(":0/")
        deadline = time.monotonic() + 30
        while True:
            try:
                assert httpx.get(url + "healthz", timeout=2).status_code == 200
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def test_served_connections_send_answers_at_once(tmp_path):
    """Nagle's algorithm stays off: asyncio sets TCP_NODELAY only on sockets that say IPPROTO_TCP,
    and `socket.create_server` says 0; every answer after the first on a kept-alive connection
    then waited 40 ms for the client's delayed ACK."""
    from search_api.server import bind
    from tests.conftest import make_settings

    settings = make_settings(tmp_path / "data", [])
    with bind(settings, "127.0.0.1", 0) as listening, socket.create_connection(listening.getsockname()):
        connection, _ = listening.accept()
        with connection:
            assert connection.proto == socket.IPPROTO_TCP
            assert connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_addresses_are_written_as_a_browser_takes_them():
    from search_api.server import url_of

    with socket.create_server(("127.0.0.1", 0)) as sock:
        assert url_of(sock) == f"http://127.0.0.1:{sock.getsockname()[1]}/"
    if socket.has_ipv6:
        try:
            sock = socket.create_server(("::1", 0), family=socket.AF_INET6)
        except OSError:
            return
        with sock:
            assert url_of(sock) == f"http://[::1]:{sock.getsockname()[1]}/"


def test_demo_on_a_taken_port_fails_before_building(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "unioncat.toml").write_text('data_dir = "local"\n', encoding="utf-8")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["demo", "--port", str(port)])
    assert result.exit_code == 1, result.output
    assert f"could not serve on http://127.0.0.1:{port}/: the port is taken" in result.output
    assert "serving" not in result.output and not (tmp_path / "local").exists()  # nothing was built


@pytest.mark.parametrize(("text", "expected"), [
    ('libraries = 5\n', "[[libraries]] table, with two pairs of brackets"),
    ('[libraries]\nid = "tv-a"\n', "[[libraries]] table, with two pairs of brackets"),
    ('[[libraries]]\nid = "tv-a"\nname = "A"\ntype = "school"\ndistrict = "X"\nprotocol = "oai-pmh"\n'
     'url = "http://"\nmetadata_prefix = "marc21"\n', "library 'tv-a', field 'url': 'http://' is not a usable URL"),
    ('[[libraries]]\nid = "tv-a"\nname = "A"\ntype = "school"\ndistrict = "X"\nprotocol = "oai-pmh"\n'
     'url = "http://opac example.vn/oai"\nmetadata_prefix = "marc21"\n', "is not a usable URL"),
    ('[[libraries]]\nid = "tv-a"\nname = "A"\ntype = "school"\ndistrict = "X"\nprotocol = "marc-file"\n'
     'url = "a.mrc"\n[[libraries]]\nid = "tv-a"\nname = "B"\ntype = "school"\ndistrict = "X"\n'
     'protocol = "marc-file"\nurl = "b.mrc"\n', ": library id 'tv-a' appears twice"),
])
def test_registry_mistakes_are_one_line_errors_naming_the_field(tmp_path, text, expected):
    """`libraries = 5` was a traceback; `url = "http://"` failed only at harvest time, as "unexpected"."""
    config = tmp_path / "unioncat.toml"
    config.write_text('data_dir = "data"\n' + text, encoding="utf-8")
    result = CliRunner().invoke(app, ["status", "--config", str(config)])
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"unioncat: {config}") and expected in result.output, result.output
    assert "Value error" not in result.output and len(result.output.strip().splitlines()) == 1


def test_dedupe_explain_before_the_first_run_creates_nothing(tmp_path):
    config = write_registry(tmp_path / "unioncat.toml", {"tv-a": "http://opac.example.vn/oai"})
    result = CliRunner().invoke(app, ["dedupe", "explain", "u123", "--config", str(config)])
    assert result.exit_code == 1 and "no catalogue at" in result.stderr and "'u123'" in result.stderr
    assert not (tmp_path / "data").exists()


def test_status_before_the_first_run_creates_nothing(tmp_path):
    """Run as root before cron's first night, it left a root-owned database the cron user could not write."""
    config = write_registry(tmp_path / "unioncat.toml", {"tv-a": "http://opac.example.vn/oai"})
    result = CliRunner().invoke(app, ["status", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "tv-a" in result.stdout and "never harvested" in result.stdout
    assert "the first `unioncat update` creates it" in result.stderr
    assert not (tmp_path / "data").exists()


def test_purge_of_an_id_the_catalogue_never_held_is_refused(store, data_dir):
    store.save_harvest_page([raw("1", "Truyện Kiều").model_copy(update={"library": "tv-gone"})])
    config = _config(data_dir)
    typo = CliRunner().invoke(app, ["purge", "tv-gnoe", "--config", config])
    assert typo.exit_code == 2 and "no records of library 'tv-gnoe'" in typo.output
    assert "not in the registry: tv-gone" in typo.output
    assert CliRunner().invoke(app, ["purge", "tv-gone", "--config", config]).exit_code == 0
    again = CliRunner().invoke(app, ["purge", "tv-gone", "--config", config])  # finishing an interrupted purge
    assert again.exit_code == 0 and "tv-gone was already withdrawn, nothing left" in again.output


def test_update_keeps_the_last_applied_overrides_when_the_file_is_not_there(store, data_dir):
    """A missing overrides file read as "no overrides": every librarian's decision undone, exit 0 (review r7).
    The decisions applied last are kept and the run says so; an empty file is a deliberate removal."""
    store.save_harvest_page([raw("1", "Truyện Kiều"), raw("2", "Lục Vân Tiên")])
    config = Path(_config(data_dir))
    config.write_text(config.read_text(encoding="utf-8").replace(
        "\n[[libraries]]", '\n[dedupe]\noverrides_path = "overrides.toml"\n\n[[libraries]]'), encoding="utf-8")
    overrides = data_dir / "overrides.toml"
    overrides.write_text('[[same]]\nrecords = ["tv-tinh:1", "tv-tinh:2"]\n', encoding="utf-8")

    def update():
        result = CliRunner().invoke(app, ["update", "--config", str(config)])
        assert result.exit_code in (0, 3), result.output
        return result, store.cluster_assignments()

    _, joined = update()
    assert joined["tv-tinh:1"] == joined["tv-tinh:2"]
    overrides.unlink()  # a deploy that did not copy it
    result, assignments = update()
    assert assignments == joined
    warning = f"{overrides}: overrides file not found; the librarians' decisions applied last"
    assert warning in result.stderr
    status = json.loads(CliRunner().invoke(app, ["status", "--format", "json", "--config", str(config)]).stdout)
    assert any(w.startswith(warning) for s in status["stages"] if s["stage"] == "dedupe" for w in s["warnings"])
    overrides.write_text("", encoding="utf-8")  # the librarian removes the entry
    _, assignments = update()
    assert assignments["tv-tinh:1"] != assignments["tv-tinh:2"]
    overrides.unlink()  # nothing applied last: nothing to keep, and the run says the file is not there
    result, _ = update()
    assert f"{overrides}: overrides file not found, so no librarians' overrides were applied" in result.stderr


def test_a_command_without_config_says_it_uses_the_bundled_demo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["status"])
    assert "no --config, and no unioncat.toml in" in result.stderr and "bundled demo" in result.stderr
    (tmp_path / "unioncat.toml").write_text('data_dir = "local"\n', encoding="utf-8")
    assert "bundled demo" not in CliRunner().invoke(app, ["status"]).stderr


def test_stage_records_do_not_spend_sequence_values(store):
    """Recording a stage must not look like a change to the stages that read by sequence."""
    before = store.current_seq()
    store.stage_started("index")
    store.stage_finished("index", None, 0.1)
    assert store.current_seq() == before
    assert isinstance(store, CatalogStore) and store.stage_status("index").last_status == "ok"


def test_a_marc_file_stopped_part_way_keeps_what_it_read_and_deletes_nothing(tmp_path, data_dir, store,
                                                                             monkeypatch):
    """A snapshot read only in part must not mark the rest deleted, nor pass for read (its validator)."""
    from harvester import marcfile, stopping
    from harvester.run import harvest_library
    from store import RawRecord
    from tests.conftest import make_settings
    from tests.test_harvest_run import library
    from tests.test_harvest_support import write_marc_collection

    path = write_marc_collection(tmp_path / "export.xml", 1200)
    settings = make_settings(data_dir, [library("tv-x", "marc-file", str(path))])
    store.save_harvest_page([RawRecord(library="tv-x", local_id="old", format="marcxml", payload=b"<record/>")])
    save = marcfile._save_batch

    def save_then_stop(*args, **kwargs):
        save(*args, **kwargs)
        stopping.request_stop("stopped by SIGTERM")

    monkeypatch.setattr(marcfile, "_save_batch", save_then_stop)
    try:
        run = harvest_library(settings, store, settings.library("tv-x"))
    finally:
        stopping.clear()
    assert run.status == "failed" and "stopped by SIGTERM before the harvest finished" in run.errors[-1]
    assert run.added == 500 and "old" in store.live_local_ids("tv-x")
    assert store.harvest_state("tv-x").file_validator is None  # the next run reads the file again
    monkeypatch.setattr(marcfile, "_save_batch", save)
    again = harvest_library(settings, store, settings.library("tv-x"))
    assert again.status == "ok" and again.added == 700 and "old" not in store.live_local_ids("tv-x")


def test_a_data_dir_that_is_a_file_is_named_as_such(tmp_path):
    """Every command said only "<path>: File exists"; status said there was no catalogue yet."""
    (tmp_path / "catalog").write_text("", encoding="utf-8")
    config = tmp_path / "unioncat.toml"
    config.write_text('data_dir = "catalog"\n', encoding="utf-8")
    for command in ("status", "update"):
        result = CliRunner().invoke(app, [command, "--config", str(config)])
        assert result.exit_code == 1, result.output
        assert "field 'data_dir'" in result.output and "is a file, not a directory" in result.output


def test_status_json_names_each_library_as_the_api_does(tmp_path):
    config = write_registry(tmp_path / "unioncat.toml", {"tv-a": "http://opac.example.vn/oai"})
    body = json.loads(CliRunner().invoke(app, ["status", "--format", "json", "--config", str(config)]).stdout)
    assert body["libraries"][0]["name"] == "tv-a" and [s["stage"] for s in body["stages"]] == [
        "normalize", "dedupe", "index"]
