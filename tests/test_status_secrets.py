"""What the public status pages and the reports reveal: no library credentials, no server paths."""

from __future__ import annotations

import io
import json
import logging
import sqlite3
from contextlib import closing
from pathlib import Path

import httpx
from typer.testing import CliRunner

from config.masking import masked_secrets
from config.settings import settings_from_dict
from harvester.cli import app
from harvester.provider import serve_fixtures
from harvester.reporting import LOG_FORMATS, configure_logging
from harvester.run import harvest_libraries
from index import SearchIndex
from search_api import create_app
from store import CatalogStore, HarvestRun, HarvestState, RawRecord, Rejected, masked_rows
from store.catalog import SCHEMA_VERSION
from tests.conftest import make_settings
from tests.test_api import serve_in_thread
from tests.test_harvest_report import _record_without_header
from tests.test_harvest_run import library
from tests.test_harvest_support import FAST, Canned, envelope, identify, write_marc_collection

PASSWORD, KEY = "S3cretPass", "TOKEN123"
BASIC_CHALLENGE = {"WWW-Authenticate": 'Basic realm="oai"', "Content-Type": "text/plain"}


def _with_credentials(url: str) -> str:
    return url.replace("http://", f"http://harvester:{PASSWORD}@") + f"?apikey={KEY}"


def test_status_pages_show_no_credentials_and_no_server_paths(tmp_path: Path, fault_server):
    """A Koha endpoint behind Basic auth, one keyed by ?apikey= and a MARC file outside the config's
    folder: after a failed night the public /status, /api/status and /api/libraries printed the
    password, the key and /srv/... in full (security review)."""
    refused = fault_server([Canned(b"no", 401, BASIC_CHALLENGE)])
    keyed = fault_server([identify(), envelope(f"<ListRecords>{_record_without_header()}</ListRecords>")])
    export = tmp_path / "srv" / "private-exports" / "2026-11.mrc"
    config = tmp_path / "etc" / "unioncat.toml"
    settings = settings_from_dict({"data_dir": str(tmp_path / "etc" / "data"), "harvest": {"max_retries": 0},
                                   "libraries": [library("tv-koha", "oai-pmh", _with_credentials(refused.url)),
                                                 library("tv-keyed", "oai-pmh", _with_credentials(keyed.url)),
                                                 library("tv-file", "marc-file", str(export))]}, config)
    with CatalogStore(settings.db_path) as store:
        runs = harvest_libraries(settings, store)
        with serve_in_thread(create_app(settings, store, SearchIndex(settings))) as url:
            shown = {path: httpx.get(f"{url}{path}", timeout=10).text
                     for path in ("/status", "/api/status", "/api/libraries")}
    assert [run.status for run in runs] == ["failed", "ok", "failed"], runs
    status = json.loads(shown["/api/status"])["libraries"]
    koha_error, file_error = status[0]["errors"][0], status[2]["errors"][0]
    # Which account and which key name stay readable: the officer knows what to ask the library for.
    assert "harvester:***@127.0.0.1" in koha_error and "apikey=***" in koha_error, koha_error
    assert "refused the credentials" in koha_error, koha_error  # the server asked for them: not "by address"
    assert "apikey=***" in status[1]["rejects"][0]["source"], status[1]["rejects"]
    assert "2026-11.mrc" in file_error, file_error
    for path, text in shown.items():
        assert PASSWORD not in text and KEY not in text, path
        assert str(tmp_path) not in text, path
    # Where the message is made: the run's errors (logged, printed by `unioncat harvest`) and `unioncat status`.
    assert not any(PASSWORD in error or KEY in error for run in runs for error in run.errors), runs
    config.write_text(f'data_dir = "data"\n[harvest]\nmax_retries = 0\n[[libraries]]\nid = "tv-koha"\n'
                      f'name = "x"\ntype = "district"\ndistrict = "Vị Thanh"\nprotocol = "oai-pmh"\n'
                      f'url = "{_with_credentials(refused.url)}"\nmetadata_prefix = "marc21"\n', encoding="utf-8")
    printed = CliRunner().invoke(app, ["status", "--config", str(config)]).stdout
    assert "harvester:***@" in printed and PASSWORD not in printed and KEY not in printed, printed


def test_masked_secrets_masks_passwords_and_secret_parameters_only():
    url = "https://u:p4ss@koha.example/oai?verb=ListRecords&API_Key=k1&token=t2&resumptionToken=r3"
    assert masked_secrets(f"({url}): HTTP 500") == (
        "(https://u:***@koha.example/oai?verb=ListRecords&API_Key=***&token=***&resumptionToken=r3): HTTP 500")
    assert masked_secrets("http://ghp_abc@host/x") == "http://***@host/x"  # a lone user part is the token
    assert masked_secrets("library 'a' (/srv/a.mrc): not found") == "library 'a' (/srv/a.mrc): not found"
    assert masked_secrets("mailto a@b, x=1") == "mailto a@b, x=1"


def test_masked_secrets_masks_any_parameter_named_as_a_secret_and_a_password_holding_an_at_sign():
    """Vendors name their keys many ways (review: X-Api-Key, ApiToken, authkey passed unmasked), and a
    password may hold "@" (its tail passed unmasked); resumptionToken stays, it says where a list broke."""
    url = "http://u:p@ss@host/oai?X-Api-Key=k1&ApiToken=k2&authkey=k3&resumptionToken=r1&verb=ListRecords"
    assert masked_secrets(url) == ("http://u:***@host/oai?X-Api-Key=***&ApiToken=***&authkey=***"
                                   "&resumptionToken=r1&verb=ListRecords")


def test_a_retry_warning_in_the_log_masks_the_librarys_credentials(tmp_path: Path, fault_server):
    """The transport's "retry 1 in 0.01s" warning named the url as the registry writes it, password and key."""
    server = fault_server([Canned(b"busy", 503, {"Content-Type": "text/plain"})] * 2)
    settings = settings_from_dict({"data_dir": str(tmp_path / "data"),
                                   "harvest": {"max_retries": 1, "backoff_base_s": 0.001},
                                   "libraries": [library("tv-koha", "oai-pmh", _with_credentials(server.url))]},
                                  tmp_path / "unioncat.toml")
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        for log_format in LOG_FORMATS:
            log = io.StringIO()
            configure_logging(log_format, log)
            with CatalogStore(settings.db_path) as store:
                harvest_libraries(settings, store)
            assert "retry 1" in log.getvalue() and "harvester:***@" in log.getvalue(), log.getvalue()
            assert PASSWORD not in log.getvalue() and KEY not in log.getvalue(), log.getvalue()
    finally:  # the process's logging as it was: other tests read the root logger
        root.handlers[:], root.level = handlers, level


def test_a_traceback_or_an_event_field_in_the_log_masks_credentials_too():
    """Only the message was masked: an exception's traceback and an event's `extra=` fields went out
    as written (final review)."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    url = "http://harvester:S3cret@host/oai?apikey=K3y"
    try:
        for log_format in LOG_FORMATS:
            log = io.StringIO()
            configure_logging(log_format, log)
            try:
                raise RuntimeError(f"cannot reach {url}")
            except RuntimeError:
                logging.getLogger("unioncat.test").exception("harvest failed")
            logging.getLogger("unioncat.test").warning("fetched", extra={"url": url})
            assert "harvest failed" in log.getvalue() and "harvester:***@" in log.getvalue(), log.getvalue()
            assert "S3cret" not in log.getvalue() and "K3y" not in log.getvalue(), log.getvalue()
    finally:
        root.handlers[:], root.level = handlers, level


def _rows(path: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


# What masking must leave as it was: payloads, hashes and sequence values (no stage may take a masked
# row for a changed record), the rejects' reasons, the runs' columns.
_NOT_MASKED = {
    "raw_records": "SELECT rowid, library, local_id, format, payload, datestamp, deleted, content_hash, first_seen, "
                   "last_changed, seq FROM raw_records ORDER BY rowid",
    "sequence": "SELECT value FROM sequence",
    "rejects": "SELECT library, local_id, stage, reason, at FROM rejects",
    "harvest_runs": "SELECT id, library, started_at, finished_at, status FROM harvest_runs",
}


def test_a_catalogue_stored_before_masking_is_masked_in_its_file_when_opened(tmp_path: Path, monkeypatch):
    """Rows stored before config.masking kept a library's password and key in raw_records.source,
    rejects.source and the runs' errors, masked only when read: a catalogue file copied for a support
    ticket gave them away.  Opening it rewrites those columns once, in batches, and nothing else."""
    monkeypatch.setattr(masked_rows, "MASK_BATCH_ROWS", 2)  # seven raw records: several batches
    page = f"http://harvester:{PASSWORD}@koha.example/oai?verb=ListRecords&metadataPrefix=marc21&apikey={KEY}"
    path = tmp_path / "catalog.sqlite3"
    with CatalogStore(path) as store:
        store.save_harvest_page([RawRecord(library="tv-koha", local_id=f"HG{i}", format="marcxml",
                                           payload=f"<record>{i}</record>".encode()) for i in range(7)])
        store.save_harvest_rejects("tv-koha", [Rejected(library="tv-koha", local_id="#2", stage="harvest",
                                                        reason="not well-formed XML")])
        store.finish_run(store.start_run("tv-koha"), HarvestRun(library="tv-koha", started_at="2026-01-01T00:00:00Z",
                                                                status="failed", errors=["a page said nothing"]))
        store.save_harvest_state(HarvestState(library="tv-koha", next_from="2026-01-01", harvested_for="x"))
    # What a catalogue written before the masking holds: sources and errors as the registry's url gave them,
    # beside sources with nothing to mask (another token, a file).
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE raw_records SET source = ? || '#' || local_id", (page,))
        conn.executemany("UPDATE raw_records SET source = ? WHERE local_id = ?", [
            ("http://koha.example/oai?verb=ListRecords&resumptionToken=r2", "HG1"),
            ("/srv/exports/tv-file.mrc #3", "HG2"), (f"{page}&resumptionToken=r2", "HG3")])
        conn.execute("UPDATE rejects SET source = ?", (page,))
        conn.execute("UPDATE harvest_runs SET run = json_set(run, '$.errors[0]', ?)", (f"HTTP 401 from {page}",))
        conn.execute("UPDATE harvest_state SET state = json_set(state, '$.harvested_for', ?)", (page,))
        conn.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    before = {table: _rows(path, sql) for table, sql in _NOT_MASKED.items()}
    sources = _rows(path, "SELECT local_id, source FROM raw_records ORDER BY rowid")
    with CatalogStore(path):
        pass
    assert {table: _rows(path, sql) for table, sql in _NOT_MASKED.items()} == before
    assert _rows(path, "SELECT local_id, source FROM raw_records ORDER BY rowid") == \
        [(local_id, masked_secrets(source)) for local_id, source in sources]
    stored = _rows(path, "SELECT source FROM raw_records UNION ALL SELECT source FROM rejects "
                         "UNION ALL SELECT run FROM harvest_runs UNION ALL SELECT state FROM harvest_state")
    assert not any(PASSWORD in text or KEY in text for (text,) in stored), stored
    [(run,)] = _rows(path, "SELECT run FROM harvest_runs")
    assert HarvestRun.model_validate_json(run).errors == [masked_secrets(f"HTTP 401 from {page}")]
    [(state,)] = _rows(path, "SELECT state FROM harvest_state")
    assert HarvestState.model_validate_json(state).harvested_for == masked_secrets(page)
    assert HarvestState.model_validate_json(state).next_from == "2026-01-01"
    assert _rows(path, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION),)]
    with closing(sqlite3.connect(path)) as observer:
        data_version = observer.execute("PRAGMA data_version").fetchone()[0]
        with CatalogStore(path):  # opened again: current, so not one write
            pass
        assert observer.execute("PRAGMA data_version").fetchone()[0] == data_version


def test_the_harvest_state_keeps_its_scope_masked_and_a_new_password_is_no_new_scope(tmp_path: Path, data_dir: Path,
                                                                                      store: CatalogStore):
    """`harvested_for` kept the library's url as written, password and all, in the catalogue file; and a
    password changed alone read as another scope: a full harvest and a sweep, for the same records."""
    oai_file = write_marc_collection(tmp_path / "tv-koha.xml", 3)
    with serve_fixtures({"tv-koha": oai_file}) as provider:
        url = provider.url("tv-koha").replace("http://", f"http://harvester:{PASSWORD}@")
        [first] = harvest_libraries(make_settings(data_dir, [library("tv-koha", "oai-pmh", url)], harvest=FAST),
                                    store)
        [(state,)] = _rows(store.path, "SELECT state FROM harvest_state")
        assert PASSWORD not in state and "harvester:***@" in state, state
        renewed = url.replace(PASSWORD, "N3wPass")
        [second] = harvest_libraries(make_settings(data_dir, [library("tv-koha", "oai-pmh", renewed)],
                                                   harvest=FAST), store)
    assert (first.status, first.added, second.status) == ("ok", 3, "ok"), (first, second)
    assert not any("harvesting everything again" in error for error in second.errors), second.errors
