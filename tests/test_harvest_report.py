"""What cron and the managing department see: JSON logs, exit codes, `status` and GET /api/status."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from typer.testing import CliRunner

from config.settings import REPO_ROOT, load_settings
from harvester.cli import app
from harvester.provider import serve_fixtures
from harvester.reporting import HarvestReporter
from index import SearchIndex
from search_api import create_app
from store import CatalogStore, HarvestRun
from store.catalog import STATUS_REJECTS_LISTED, utc_now
from store.models import Rejected
from tests.test_api import serve_in_thread
from tests.test_harvest_run import closed_port
from tests.test_cli_ops import write_registry
from tests.test_harvest_support import envelope, identify, list_records, marcxml_record, write_marc_collection

STATUS_KEYS = {"id", "records", "deleted", "rejected", "last_attempt", "last_success", "duration_s", "added",
               "changed", "removed", "errors", "overdue"}


def write_config(path: Path, provider_url: str, down_url: str) -> Path:
    path.write_text(f'''data_dir = "data"
[[libraries]]
id = "tv-tinh"
name = "Thư viện tỉnh"
type = "provincial"
district = "Vị Thanh"
protocol = "oai-pmh"
url = "{provider_url}"
metadata_prefix = "marc21"

[[libraries]]
id = "down"
name = "Thư viện đóng cửa"
type = "school"
district = "Long Mỹ"
protocol = "oai-pmh"
url = "{down_url}"
metadata_prefix = "marc21"

[harvest]
max_retries = 0
backoff_base_s = 0.001
timeout_s = 2.0
''', encoding="utf-8")
    return path


def unioncat(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "harvester.cli", *args], cwd=REPO_ROOT, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, timeout=60)


def test_harvest_logs_json_exits_3_and_status_reports_each_library(tmp_path: Path):
    source = write_marc_collection(tmp_path / "tv-tinh.xml", 12)
    with serve_fixtures({"tv-tinh": source}, batch_size=5) as provider:
        config = write_config(tmp_path / "unioncat.toml", provider.url("tv-tinh"),
                              f"http://127.0.0.1:{closed_port()}/oai")
        result = unioncat("harvest", "--config", str(config), "--log-format", "json")

    assert result.returncode == 3, result.stderr
    # stdout keeps the one-screen summary; stderr is JSON lines only (no progress bars: not a TTY).
    assert "ok   tv-tinh" in result.stdout and "FAIL down" in result.stdout
    events = [json.loads(line) for line in result.stderr.splitlines()]
    finished = {e["library"]: e for e in events if e["event"] == "harvest_finished"}
    assert finished["tv-tinh"]["status"] == "ok" and finished["tv-tinh"]["added"] == 12
    assert finished["tv-tinh"]["error"] is None and finished["tv-tinh"]["duration_s"] >= 0
    assert finished["down"]["status"] == "failed" and "Connection refused" in finished["down"]["error"]
    assert {e["event"] for e in events} >= {"harvest_started", "harvest_finished"}

    status = unioncat("status", "--config", str(config), "--format", "json")
    assert status.returncode == 0
    libraries = {item["id"]: item for item in json.loads(status.stdout)["libraries"]}
    assert set(libraries["tv-tinh"]) >= STATUS_KEYS
    ok, down = libraries["tv-tinh"], libraries["down"]
    assert (ok["records"], ok["added"], ok["errors"], ok["overdue"]) == (12, 12, [], False)
    assert ok["last_success"] is not None and ok["last_attempt"] is not None
    assert down["last_success"] is None and down["overdue"] is True and "Connection refused" in down["errors"][0]

    text = unioncat("status", "--config", str(config))
    assert "OVERDUE" in text.stdout and "Connection refused" in text.stdout
    assert unioncat("harvest", "--config", str(config), "--log-format", "xml").returncode == 2

    settings = load_settings(config)
    with CatalogStore(settings.db_path) as store:
        app = create_app(settings, store, SearchIndex(settings))
        with serve_in_thread(app) as url:
            body = httpx.get(f"{url}/api/status", timeout=10).json()
        later = datetime.now(UTC) + timedelta(hours=settings.harvest.expected_interval_hours + 1)
        assert store.library_status("tv-tinh", settings.harvest.expected_interval_hours, now=later).overdue
    api = {item["id"]: item for item in body["libraries"]}
    assert api["tv-tinh"]["records"] == 12 and api["tv-tinh"]["overdue"] is False
    assert api["tv-tinh"]["name"] == "Thư viện tỉnh"
    assert api["down"]["overdue"] is True and api["down"]["errors"] == down["errors"]


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_display_only_on_a_terminal():
    def night(stream) -> str:
        run = HarvestRun(library="tv-tinh", started_at=utc_now())
        with HarvestReporter(["tv-tinh"], "text", stream=stream) as reporter:
            reporter("started", run)
            run.status, run.added = "ok", 3
            reporter("finished", run)
        return stream.getvalue()

    assert "tv-tinh" in night(FakeTerminal()) and "ok +3" in night(FakeTerminal())
    assert night(io.StringIO()) == ""  # under cron: nothing but the summary


def _record_without_header() -> str:
    return f"<record><metadata>{marcxml_record('x', 'Sách không đầu')}</metadata></record>"


def _registry(tmp_path: Path, fault_server, pages: list[bytes]) -> Path:
    """A config of one OAI-PMH library whose server answers `pages` in turn."""
    server = fault_server(pages)
    return write_registry(tmp_path / "unioncat.toml", {"tv-test": server.url},
                          "[harvest]\nmax_retries = 0\nbackoff_base_s = 0.001\n")


def _harvest_then_status(config: Path) -> tuple[str, dict, str]:
    """`unioncat harvest`, then `status` as JSON (the library's item) and as text."""
    runner = CliRunner()
    harvested = runner.invoke(app, ["harvest", "--config", str(config)])
    assert harvested.exit_code == 0, harvested.output
    as_json = json.loads(runner.invoke(app, ["status", "--format", "json", "--config", str(config)]).stdout)
    as_text = runner.invoke(app, ["status", "--config", str(config)]).stdout
    return harvested.stdout, as_json["libraries"][0], as_text


def test_a_record_without_a_header_is_counted_alike_by_the_run_and_by_status(tmp_path: Path, fault_server):
    """The run's summary said `rejected 1` while `status` (its JSON and the /status page, which share
    store.library_status) said 0: a record without an identifier was reported but never kept."""
    page = envelope(f"<ListRecords>{_record_without_header()}"
                    f"<record><header><datestamp>2024-03-15</datestamp></header><metadata/></record>"
                    f"<resumptionToken>t1</resumptionToken></ListRecords>")
    config = _registry(tmp_path, fault_server, [identify(), page, list_records(["1"])])
    summary, library, text = _harvest_then_status(config)
    assert "rejected 2" in summary, summary
    assert (library["records"], library["rejected"]) == (1, 2), library
    named = {reject["local_id"]: reject for reject in library["rejects"]}
    assert set(named) == {"#1 on page 1", "#2 on page 1"}, named
    assert all(reject["source"].endswith("/oai page 1") and "no header identifier" in reject["reason"]
               for reject in named.values()), named
    assert "rejected    2" in text, text
    assert "rejected #1 on page 1 (harvest): record 1 of the page has no header identifier" in text, text
    assert "rejected #2 on page 1 (harvest)" in text, text


def test_records_without_an_identifier_from_an_earlier_window_are_not_kept_forever(tmp_path: Path, fault_server):
    """Nothing a later page brings can clear a record known only by its place in a listing: the
    next window's listing replaces them; named rejects stay until their record comes back whole."""
    named_reject = envelope(f"<ListRecords>{_record_without_header()}"
                            f"<record><header><identifier>oai:x:bad</identifier></header><metadata/></record>"
                            f"</ListRecords>")
    config = _registry(tmp_path, fault_server, [identify(), named_reject, identify(), list_records(["1"])])
    assert _harvest_then_status(config)[1]["rejected"] == 2
    _summary, library, text = _harvest_then_status(config)
    assert library["rejected"] == 1 and "rejected oai:x:bad (harvest)" in text and "#1" not in text, text



def test_records_without_an_identifier_before_and_after_a_resumed_run_are_both_kept(fault_server, store):
    """A run resumed from its saved token counts pages from 1 again: its "#1 on page 1" took the
    place of the one the interrupted run kept from the same listing (code review)."""
    from tests.test_harvest_faults import harvest

    earlier = Rejected(library="tv-test", local_id="#1 on page 1", stage="harvest",
                       reason="record 1 of the page has no header identifier", source="http://x/oai page 1")
    interrupted = store.harvest_state("tv-test").model_copy(update={"resumption_token": "t1"})
    store.save_harvest_page([], interrupted, [earlier], new_listing=True)
    server = fault_server([identify(), envelope(f"<ListRecords>{_record_without_header()}</ListRecords>")])
    run = harvest(server, store)
    assert "resumptionToken=t1" in server.queries[-1] and run.rejected == 1
    assert store.library_status("tv-test").rejected == 2


def test_status_json_lists_the_most_recent_rejects_with_source_and_identifier(tmp_path: Path):
    """Only the count was there: an operator had to open the database to learn which records to fix."""
    config = write_registry(tmp_path / "unioncat.toml", {"tv-test": "http://127.0.0.1:9/oai"})
    settings = load_settings(config)
    with CatalogStore(settings.db_path) as catalog:
        for page in (1, 2):
            catalog.save_harvest_page([], None, [
                Rejected(library="tv-test", local_id=f"oai:x:{page}-{i:02d}", stage="harvest",
                         reason="not deleted, yet sent without metadata", source=f"http://x/oai page {page}")
                for i in range(30)])
    library = json.loads(CliRunner().invoke(app, ["status", "--format", "json", "--config", str(config)]).stdout)[
        "libraries"][0]
    assert library["rejected"] == 60
    assert len(library["rejects"]) == STATUS_REJECTS_LISTED < 60
    newest = library["rejects"][0]
    assert newest["local_id"].startswith("oai:x:2-") and newest["source"] == "http://x/oai page 2", newest
    assert set(newest) >= {"local_id", "stage", "reason", "source"}
