"""What goes wrong outside a record: a locked database, bad paths, an index location, a killed run, a taken port.

Each is one line on stderr naming the file or place and what to do, and exit code 1; never a traceback.
"""

from __future__ import annotations

import json
import socket
import sqlite3

import pytest
from typer.testing import CliRunner

from config.errors import SearchIndexError, StoreError
from harvester.cli import app
from index import build_index
from normalize import run_normalize
from store import CatalogStore, RawRecord
from store.models import Rejected
from store.catalog import SCHEMA_VERSION
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


def test_a_killed_harvest_is_never_called_failed_by_another_run(store):
    """Only a run holding the lock closes killed runs; the status views show them killed meanwhile
    (tests/test_killed_run_status.py), and the store alone records them as it found them."""
    store.start_run("tv-tinh")  # killed before finish_run
    assert store.library_status("tv-tinh").last_status == "running"
    store.start_run("tv-tinh")  # a second harvest without the lock must not close the first
    assert [row[0] for row in store._conn.execute("SELECT status FROM harvest_runs")] == ["running", "running"]


def test_a_full_disk_is_a_store_error_naming_the_real_cause(store):
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count={pages + 5}")  # stands in for a full disk
    records = [RawRecord(library="tv-a", local_id=str(n), format="marcxml", payload=bytes(range(256)) * 20)
               for n in range(50)]
    with pytest.raises(StoreError, match="full"):
        store.save_harvest_page(records)


def test_serve_on_a_taken_port_is_exit_code_1_not_3(store, data_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(app, ["serve", "--config", _config(data_dir), "--host", "127.0.0.1",
                                          "--port", str(port)])
    assert result.exit_code == 1 and f"could not serve on http://127.0.0.1:{port}/" in result.output


def test_demo_uses_the_unioncat_toml_of_the_working_directory(tmp_path, monkeypatch):
    """`--config` defaults to ./unioncat.toml for every command, demo included (DESIGN's Interfaces)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "unioncat.toml").write_text('data_dir = "local"\n', encoding="utf-8")  # no libraries: a quick run
    result = CliRunner().invoke(app, ["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert f"data in {tmp_path / 'local'}" in result.output


def test_a_library_that_left_the_registry_is_shown_and_purged_on_request(tmp_path, store, data_dir):
    """Leaving the registry withdraws nothing (a mistyped registry must not empty the catalogue);
    status names the library, and `unioncat purge` withdraws its records from union records."""
    store.save_harvest_page([raw("1", "Truyện Kiều"),
                             raw("2", "Chí Phèo").model_copy(update={"library": "tv-gone"})])
    config = _config(data_dir)  # registry: tv-tinh only
    assert CliRunner().invoke(app, ["update", "--config", config]).exit_code in (0, 3)
    status = CliRunner().invoke(app, ["status", "--config", config])
    assert "tv-gone" in status.output and "unioncat purge tv-gone" in status.output
    refused = CliRunner().invoke(app, ["purge", "tv-tinh", "--config", config])
    assert refused.exit_code == 2 and "still in the registry" in refused.output
    result = CliRunner().invoke(app, ["purge", "tv-gone", "--config", config])
    assert result.exit_code == 0 and "1 records of tv-gone withdrawn" in result.output, result.output
    assert all(m.partition(":")[0] != "tv-gone" for m in store.cluster_assignments())
    assert "tv-gone" not in CliRunner().invoke(app, ["status", "--config", config]).output


def test_purge_removes_the_librarys_rejects_so_totals_count_only_libraries_held(store, data_dir):
    """Purge left the library's rejects: `status` totals and /status kept counting records of no library."""
    gone = raw("1", "Chí Phèo").model_copy(update={"library": "tv-gone"})
    untitled = RawRecord(library="tv-gone", local_id="2", format="marcxml", payload=b"<record/>")
    store.save_harvest_page([raw("1", "Truyện Kiều"), gone, untitled])
    store.save_harvest_rejects("tv-gone", [Rejected(library="tv-gone", local_id="#3", stage="harvest",
                                                    reason="the file ends inside this record")])
    config = _config(data_dir)  # registry: tv-tinh only
    CliRunner().invoke(app, ["update", "--config", config])
    assert {r.stage for r in store.rejects("tv-gone")} == {"harvest", "normalize"}  # what purge must not leave
    kept = store.rejects("tv-tinh")
    assert CliRunner().invoke(app, ["purge", "tv-gone", "--config", config]).exit_code == 0
    assert store.rejects("tv-gone") == [] and store.rejects("tv-tinh") == kept
    totals = json.loads(CliRunner().invoke(app, ["status", "--format", "json", "--config", config]).stdout)["totals"]
    assert totals["rejects"] == len(kept), totals


def test_status_answers_while_another_command_holds_a_write_transaction(store, data_dir):
    """WAL lets readers go on beside a writer; opening the store must not write (it waited 60 s, then "locked")."""
    import subprocess

    from tests.e2e_helpers import unioncat

    store.save_harvest_page([raw("1", "Truyện Kiều")])
    config = _config(data_dir)
    writer = sqlite3.connect(store.path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # e.g. dedupe saving its clusters during the nightly update
    try:
        result = unioncat("status", "--format", "json", "--config", config, check=False, timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("unioncat status waited behind another command's write transaction")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert result.returncode == 0, result.stderr
    assert '"records": 1' in result.stdout


@pytest.mark.parametrize("command", [["harvest"], ["harvest", "tv-tinh"], ["normalize"], ["dedupe"], ["index"]])
def test_a_stage_run_by_hand_refuses_while_another_run_holds_the_lock(data_dir, command):
    """`update` and `purge` hold data_dir/update.lock; a stage beside them would work on the same state."""
    from harvester.lock import run_lock

    config = _config(data_dir)
    with run_lock(data_dir):  # stands in for cron's `unioncat update`
        result = CliRunner().invoke(app, [*command, "--config", config])
        status = CliRunner().invoke(app, ["status", "--config", config])  # reading needs no lock
    assert result.exit_code == 1, result.output
    assert result.output.startswith("unioncat: another unioncat run") and "holds" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert status.exit_code == 0, status.output
    assert CliRunner().invoke(app, [*command, "--config", config]).exit_code in (0, 3)  # the lock is free again


@pytest.mark.parametrize("command", ["serve", "demo"])
@pytest.mark.parametrize("port", ["70000", "-1"])
def test_a_port_out_of_range_is_a_one_line_usage_error(data_dir, command, port):
    """`[api] port` is checked 0-65535; `--port` was not, and uvicorn's OverflowError escaped as tracebacks."""
    result = CliRunner().invoke(app, [command, "--config", _config(data_dir), "--port", port])
    assert result.exit_code == 2, result.output
    assert result.output == f"unioncat: --port must be from 0 to 65535 (0: any free port), not {port}\n"


@pytest.mark.parametrize("command", [["harvest", "tv-nosuch"], ["harvest", "tv-tinh", "tv-nosuch"],
                                     ["purge", "tv-nosuch"], ["dedupe", "explain", "u-nosuch"]])
def test_an_argument_naming_no_library_or_record_is_bad_usage_in_every_command(store, data_dir, command):
    """`harvest NOSUCH` exited 1 where `purge NOSUCH` exited 2: both are the same typo."""
    store.save_harvest_page([raw("1", "Truyện Kiều")])
    result = CliRunner().invoke(app, [*command, "--config", _config(data_dir)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith("unioncat: ") and command[-1] in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_mistyped_library_or_config_leaves_no_empty_catalogue_behind(tmp_path, data_dir):
    """`harvest NOSUCH` took the run lock and created the catalogue before it looked at the id."""
    config = _config(data_dir)
    harvest = CliRunner().invoke(app, ["harvest", "tv-nosuch", "--config", config])
    assert harvest.exit_code == 2 and "known: tv-tinh" in harvest.output
    purge = CliRunner().invoke(app, ["purge", "tv-old", "--config", config])
    assert purge.exit_code == 1 and f"no catalogue at {data_dir / 'catalog.sqlite3'}" in purge.output
    assert sorted(p.name for p in data_dir.iterdir()) == ["unioncat.toml"]


def _schema_version(path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]


@pytest.mark.parametrize("command", [["status"], ["status", "--format", "json"], ["serve", "--port", "0"],
                                     ["dedupe", "explain", "u1"]])
def test_a_command_that_only_reads_leaves_an_older_catalogue_as_it_is_and_says_what_upgrades_it(
        store, data_dir, command):
    """`status` upgraded a catalogue in place and exited 0, before anyone had backed it up."""
    store.close()
    with sqlite3.connect(store.path) as conn:  # as a catalogue of store schema 2 reads
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    config = _config(data_dir)
    result = CliRunner().invoke(app, [*command, "--config", config])
    assert result.exit_code == 1, result.output
    assert result.output == (f"unioncat: {store.path} is a catalogue of store schema 2, older than this unioncat's {SCHEMA_VERSION}; "
                             "back it up, then run `unioncat update`, which upgrades it in place\n")
    assert _schema_version(store.path) == "2"
    assert CliRunner().invoke(app, ["normalize", "--config", config]).exit_code == 0  # a command that writes upgrades
    assert _schema_version(store.path) == str(SCHEMA_VERSION)
    assert CliRunner().invoke(app, ["status", "--config", config]).exit_code == 0


def test_serve_without_a_catalogue_says_so_and_creates_none(tmp_path):
    """A mistyped --config or data_dir served an empty catalogue it had just created, and said nothing."""
    data_dir = tmp_path / "typo"
    config = tmp_path / "unioncat.toml"
    config.write_text(f'data_dir = "{data_dir}"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["serve", "--config", str(config), "--port", "0"])
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"unioncat: no catalogue at {data_dir / 'catalog.sqlite3'} yet, so nothing to serve")
    assert "unioncat update" in result.output and "serving" not in result.output
    assert not data_dir.exists()


def test_a_catalogue_opened_to_read_refuses_writes(store):
    reader = CatalogStore(store.path, read_only=True)
    with pytest.raises(StoreError, match="cannot write"):
        reader.save_harvest_page([raw("1", "Truyện Kiều")])
    assert store.live_local_ids("tv-tinh") == set()


def test_a_look_at_a_catalogue_the_first_run_is_still_creating_is_the_view_before_any_run(data_dir):
    """The first `update` opens the file before it writes the schema: `status` polled in between said
    "not a unioncat catalogue … check --config", or "schema 0, older", and exited 1."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "catalog.sqlite3"
    with sqlite3.connect(path) as conn:  # as the first run leaves it before its schema is committed
        conn.execute("PRAGMA journal_mode=WAL")
    config = _config(data_dir)
    looked = CliRunner().invoke(app, ["status", "--format", "json", "--config", config])
    assert looked.exit_code == 0, looked.output
    assert f"no catalogue at {path} yet (the first run is creating it)" in looked.stderr
    assert [item["last_status"] for item in json.loads(looked.stdout)["libraries"]] == [None]
    served = CliRunner().invoke(app, ["serve", "--config", config, "--port", "0"])
    assert served.exit_code == 1 and "so nothing to serve" in served.output
    assert CliRunner().invoke(app, ["normalize", "--config", config]).exit_code == 0  # the run then creates it
    assert _schema_version(path) == str(SCHEMA_VERSION)


@pytest.mark.parametrize("args, says", [
    (["index", "--rebuld"], "no such option: --rebuld (did you mean --rebuild?)."),
    (["status", "--fromat", "json"], "no such option: --fromat (did you mean --format?)."),
    (["harvst"], "no such command 'harvst'. Did you mean 'harvest'?"),
    (["purge"], "missing argument 'library'."),
    (["serve", "--port", "eighty"], "invalid value for '--port'"),
])
def test_a_usage_error_is_one_plain_line_naming_the_option_and_the_near_one(args, says):
    """An unknown option was shown in typer's box ("╭─ Error ─…") under two lines of usage, unlike every
    other unioncat error: it is one line, with the option a typo was near and where the options are listed."""
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"unioncat: {says}"), result.output
    assert len(result.output.splitlines()) == 1 and "╭" not in result.output and "Usage:" not in result.output
    assert result.output.rstrip().endswith(" --help`."), result.output


@pytest.mark.parametrize("args, says", [
    (["harvest", "--log-format", "json", "--rebuld"], "no such option: --rebuld. See `unioncat harvest --help`."),
    (["harvest", "--rebuld", "--log-format=json"], "no such option: --rebuld. See `unioncat harvest --help`."),
    (["update", "--log-format", "json", "--full=3"],
     "option '--full' does not take a value. See `unioncat update --help`."),
    (["harvst", "--log-format", "json"], "no such command 'harvst'. Did you mean 'harvest'? See `unioncat --help`."),
])
def test_a_usage_error_under_json_logs_is_one_json_object(args, says):
    """Under `--log-format json` a typo was still one plain line, which broke a cron job's log collector
    (one JSON object per line on stderr): it is the same `unioncat_failed` event as every other failure."""
    result = CliRunner().invoke(app, args, prog_name="unioncat")
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    event = json.loads(lines[0])
    assert (event["event"], event["level"], event["exit_code"], event["error"]) == ("unioncat_failed", "error", 2, says)
    plain = CliRunner().invoke(app, [a for a in args if "json" not in a and a != "--log-format"], prog_name="unioncat")
    assert plain.exit_code == 2 and plain.stderr == f"unioncat: {says}\n", plain.stderr  # text logs: still plain


def test_the_bundled_demo_notice_under_json_logs_is_a_json_object(tmp_path, monkeypatch):
    """`harvest --log-format json` with no --config in a directory without unioncat.toml said so in a plain
    line before the JSON ones."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["harvest", "--log-format", "json", "no-such-library"])
    assert result.exit_code == 2, result.output
    events = [json.loads(line) for line in result.stderr.splitlines()]
    assert [(e["event"], e["level"]) for e in events] == [("demo_configuration_used", "warning"),
                                                           ("unioncat_failed", "error")]
    assert "bundled demo" in events[0]["notice"] and "no library 'no-such-library'" in events[1]["error"]


def test_unioncat_alone_still_prints_the_help():
    result = CliRunner().invoke(app, [])
    assert "Usage:" in result.output and "harvest" in result.output and not result.output.startswith("unioncat: ")


@pytest.mark.parametrize("command", ["normalize", "dedupe"])
@pytest.mark.parametrize("bad_input", ["missing.mrc", "."])
def test_an_input_that_cannot_be_read_leaves_no_empty_output_file(tmp_path, command, bad_input):
    """`normalize --input missing.mrc --output out.jsonl` said the input was missing and still created an
    empty out.jsonl, which a later step (or a cron job's `dedupe --input out.jsonl`) took for a result."""
    output = tmp_path / "out" / "records.jsonl"
    output.parent.mkdir()
    result = CliRunner().invoke(app, [command, "--input", str(tmp_path / bad_input), "--output", str(output)])
    assert result.exit_code == 1 and result.output.startswith("unioncat: "), result.output
    assert not output.exists()


@pytest.mark.parametrize("command, content", [("normalize", b"<collection/>\n"), ("dedupe", b'{"id": "a:1", "title": "T"}\n')])
def test_an_output_that_is_the_input_file_is_refused_and_the_input_kept(tmp_path, command, content):
    """`--input records.jsonl --output records.jsonl` opened the output first, which emptied the input:
    the librarian's file was gone and the run said it read nothing."""
    data = tmp_path / "records.jsonl"
    data.write_bytes(content)
    same = tmp_path / "sub" / ".." / "records.jsonl"  # another spelling of the same file
    (tmp_path / "sub").mkdir()
    result = CliRunner().invoke(app, [command, "--input", str(data), "--output", str(same)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"unioncat: --output {same} is the --input file"), result.output
    assert data.read_bytes() == content
