"""What goes wrong outside a record: a locked database, bad paths, an index location, a killed run, a taken port.

Each is one line on stderr naming the file or place and what to do, and exit code 1; never a traceback.
"""

from __future__ import annotations

import socket
import sqlite3

import pytest
from typer.testing import CliRunner

from config.errors import SearchIndexError, StoreError
from harvester.cli import app
from index import build_index
from normalize import run_normalize
from store import RawRecord
from tests.conftest import make_settings
from tests.test_normalize_run import LIBRARIES, _config, raw


def test_a_database_another_program_keeps_locked_is_a_store_error_naming_it(store):
    store.save_harvest_page([raw("1", "Truyện Kiều")])
    store._conn.execute("PRAGMA busy_timeout=50")  # the real wait is 60 s
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="locked") as error:
            run_normalize(store, LIBRARIES, workers=1)
        assert str(store.path) in str(error.value) and "run again" in str(error.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert run_normalize(store, LIBRARIES, workers=1).normalized == 1  # nothing was lost


@pytest.mark.parametrize("args", [
    ["normalize", "--input", "{tmp}/missing.mrc", "--output", "{tmp}/out.jsonl"],
    ["normalize", "--input", "{tmp}", "--output", "{tmp}/out.jsonl"],
    ["normalize", "--input", "{records}", "--output", "{tmp}/no-such-dir/out.jsonl"],
    ["dedupe", "--input", "{records}", "--output", "{tmp}/no-such-dir/clusters.jsonl"],
])
def test_file_mode_paths_that_cannot_be_used_are_one_line_errors(tmp_path, args):
    records = tmp_path / "records.jsonl"
    records.write_text('{"id": "a:1", "title": "Truyện Kiều"}\n', encoding="utf-8")
    result = CliRunner().invoke(app, [a.format(tmp=tmp_path, records=records) for a in args])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("unioncat: ") and "Traceback" not in result.output
    assert str(tmp_path) in result.output


def test_an_index_location_that_is_not_a_directory_is_a_search_index_error(store, data_dir):
    settings = make_settings(data_dir)
    settings.index_dir.write_text("not a directory", encoding="utf-8")
    with pytest.raises(SearchIndexError, match="writable directory"):
        build_index(store, settings)


def test_a_killed_harvest_shows_as_running_then_failed_when_the_next_one_starts(store):
    store.save_harvest_page([RawRecord(library="tv-tinh", local_id="1", format="marcxml", payload=b"<record/>")])
    store.start_run("tv-tinh")  # the process is killed before finish_run
    assert store.library_status("tv-tinh").last_status == "running"
    store.start_run("tv-tinh")
    [interrupted] = [r for r in store._conn.execute("SELECT status, run FROM harvest_runs ORDER BY id")][:1]
    assert interrupted[0] == "failed" and "interrupted" in interrupted[1]


def test_serve_on_a_taken_port_is_exit_code_1_not_3(data_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["serve", "--config", _config(data_dir), "--host", "127.0.0.1",
                                          "--port", str(port)])
    assert result.exit_code == 1 and f"could not serve on http://127.0.0.1:{port}/" in result.output
