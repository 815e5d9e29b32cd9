"""harvest_libraries: parallel runs, each recorded, one failure never stops the others."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from config.errors import ConfigError
from harvester.provider import serve_fixtures
from harvester.run import harvest_libraries
from tests.conftest import make_settings
from tests.test_harvest_support import FAST, book, identify, list_records, write_marc_collection


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def library(library_id: str, protocol: str, url: str, prefix: str | None = "marc21") -> dict:
    entry = {"id": library_id, "name": library_id, "type": "district", "district": "Vị Thanh",
             "protocol": protocol, "url": url}
    if protocol == "oai-pmh":
        entry["metadata_prefix"] = prefix
    return entry


def test_libraries_run_in_parallel_and_a_failure_is_recorded(tmp_path: Path, data_dir: Path, store):
    oai_file = write_marc_collection(tmp_path / "tv-tinh.xml", 9)
    mrc = tmp_path / "school.mrc"
    mrc.write_bytes(book("1", b"Mot") + book("2", b"Hai"))
    with serve_fixtures({"tv-tinh": oai_file}, batch_size=4) as provider:
        settings = make_settings(data_dir, [
            library("tv-tinh", "oai-pmh", provider.url("tv-tinh")),
            library("down", "oai-pmh", f"http://127.0.0.1:{closed_port()}/oai"),
            library("school", "marc-file", str(mrc)),
        ], harvest={**FAST, "max_retries": 1, "max_parallel_libraries": 3})
        runs = harvest_libraries(settings, store)
    assert [(r.library, r.status, r.added) for r in runs] == [("tv-tinh", "ok", 9), ("down", "failed", 0),
                                                               ("school", "ok", 2)]
    [error] = runs[1].errors
    assert "down" in error and "127.0.0.1" in error
    assert store.library_status("down").errors == [error]
    assert store.library_status("tv-tinh").last_success is not None
    assert all(r.finished_at for r in runs)


def test_a_list_that_never_ends_fails_the_library_and_keeps_its_records(fault_server, data_dir: Path, store):
    """A token that loops stopped the harvest but read `ok`: night after night only the first page came,
    exit 0, last_success moved and the library was never overdue."""
    first_night = [identify(), list_records(["1", "2"], token="t1"), list_records(["1", "2"], token="t1")]
    server = fault_server([*first_night, *first_night])
    settings = make_settings(data_dir, [library("loop", "oai-pmh", server.url)], harvest=FAST)
    for _night in range(2):
        [run] = harvest_libraries(settings, store)
        assert run.status == "failed"
        status = store.library_status("loop", 26)
        assert status.last_success is None and status.overdue and status.records == 2
        [reason] = status.errors
        assert "never ends" in reason and "'t1' repeated" in reason and "incomplete" in reason, reason
        assert store.harvest_state("loop").next_from is None  # the next night reads the window again


def test_unknown_library_id_is_a_config_error(data_dir: Path, store):
    settings = make_settings(data_dir, [])
    with pytest.raises(ConfigError, match="nope"):
        harvest_libraries(settings, store, ["nope"])


def test_identifiers_sweep_runs_when_due_and_refuses_a_short_list(tmp_path: Path, data_dir: Path, store):
    with serve_fixtures({"tv-tinh": write_marc_collection(tmp_path / "tv-tinh.xml", 10),
                         "never": write_marc_collection(tmp_path / "never.xml", 3)}, batch_size=4) as provider:
        weekly = {**library("tv-tinh", "oai-pmh", provider.url("tv-tinh")), "sweep_interval_days": 7}
        settings = make_settings(data_dir, [weekly, library("never", "oai-pmh", provider.url("never"))],
                                 harvest={**FAST, "sweep_min_ratio": 0.6})
        harvest_libraries(settings, store)
        first_sweep = store.harvest_state("tv-tinh").last_sweep
        assert first_sweep is not None and store.harvest_state("never").last_sweep is None

        # Removed without a trace (no deleted header): only a sweep can see it, and it is not due yet.
        provider.remove("tv-tinh", "1")
        provider.remove("tv-tinh", "2")
        harvest_libraries(settings, store)
        assert len(store.live_local_ids("tv-tinh")) == 10

        # Eight days later it is due: the two records are marked deleted.
        state = store.harvest_state("tv-tinh")
        store.save_harvest_state(state.model_copy(update={"last_sweep": "2020-01-01T00:00:00Z"}))
        [run, _] = harvest_libraries(settings, store)
        assert (run.status, run.deleted) == ("ok", 2)
        assert store.live_local_ids("tv-tinh") == {f"oai:tv-tinh:{i}" for i in range(3, 11)}

        # A source that suddenly lists 3 of 8 (under the 0.6 ratio): refused, the run fails, nothing deleted.
        for local_id in ("3", "4", "5", "6", "7"):
            provider.remove("tv-tinh", local_id)
        store.save_harvest_state(store.harvest_state("tv-tinh").model_copy(update={"last_sweep": None}))
        [run, _] = harvest_libraries(settings, store)
        assert run.status == "failed" and "nothing deleted" in run.errors[-1]
        assert len(store.live_local_ids("tv-tinh")) == 8
        assert store.library_status("tv-tinh").errors == run.errors


def test_sweep_due_follows_the_interval():
    from datetime import UTC, datetime

    from harvester.run import sweep_due
    from tests.test_harvest_support import oai_library

    now = datetime(2024, 5, 10, tzinfo=UTC)
    weekly = oai_library("http://127.0.0.1/oai", sweep_interval_days=7)
    assert sweep_due(weekly, None, now)
    assert not sweep_due(weekly, "2024-05-04T00:00:00Z", now)
    assert sweep_due(weekly, "2024-05-03T00:00:00Z", now)
    assert not sweep_due(oai_library("http://127.0.0.1/oai"), None, now)


def test_a_library_named_twice_is_harvested_once(tmp_path: Path, data_dir: Path, store):
    """`unioncat harvest school school` must not start two concurrent harvests of one library."""
    from typer.testing import CliRunner

    from harvester.cli import app

    mrc = tmp_path / "school.mrc"
    mrc.write_bytes(book("1", b"Mot") + book("2", b"Hai"))
    other = tmp_path / "other.mrc"
    other.write_bytes(book("3", b"Ba"))
    settings = make_settings(data_dir, [library("school", "marc-file", str(mrc)),
                                        library("other", "marc-file", str(other))])
    runs = harvest_libraries(settings, store, ["school", "other", "school"])
    assert [(r.library, r.added) for r in runs] == [("school", 2), ("other", 1)]
    config = tmp_path / "unioncat.toml"
    config.write_text(f'data_dir = "{data_dir}"\n[[libraries]]\nid = "school"\nname = "School"\ntype = "school"\n'
                      f'district = "Vị Thanh"\nprotocol = "marc-file"\nurl = "{mrc}"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["harvest", "school", "school", "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert [line.split()[1] for line in result.output.splitlines() if line.startswith("ok")] == ["school"]
    assert store._conn.execute("SELECT COUNT(*) FROM harvest_runs").fetchone()[0] == 3
