"""Shared fixtures: a real SQLite store and settings in a temporary data directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.settings import REPO_ROOT, Settings, settings_from_dict
from store import CatalogStore
from tests.test_harvest_support import FaultServer

FIXTURES = REPO_ROOT / "fixtures"
FIXTURE_DATA = FIXTURES / "data"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def store(data_dir: Path):
    with CatalogStore(data_dir / "catalog.sqlite3") as catalog:
        yield catalog


def make_settings(data_dir: Path, libraries: list[dict] | None = None, **sections) -> Settings:
    """Settings as a config file would give them, for tests that build their own registry."""
    raw = {"data_dir": str(data_dir), "libraries": libraries or [], **sections}
    return settings_from_dict(raw, data_dir / "unioncat.toml")


@pytest.fixture
def fault_server():
    """Start FaultServers of canned answers (`fault_server([...])`); all are stopped after the test."""
    servers: list[FaultServer] = []

    def start(responses):
        server = FaultServer(responses)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
