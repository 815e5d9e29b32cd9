"""harvest_libraries: parallel runs, each recorded, one failure never stops the others."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from config.errors import ConfigError
from harvester.provider import serve_fixtures
from harvester.run import harvest_libraries
from tests.conftest import make_settings
from tests.test_harvest_support import FAST, book, write_marc_collection


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


def test_unknown_library_id_is_a_config_error(data_dir: Path, store):
    settings = make_settings(data_dir, [])
    with pytest.raises(ConfigError, match="nope"):
        harvest_libraries(settings, store, ["nope"])
