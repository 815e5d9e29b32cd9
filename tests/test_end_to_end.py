"""From harvest to search hit: the demo built by the real CLI, searched over real HTTP."""

from __future__ import annotations

import json

import httpx
import pytest

from config import load_settings
from tests.e2e_helpers import ServerProcess, demo_config_copy, status_json, unioncat


@pytest.fixture(scope="module")
def demo_config(tmp_path_factory):
    config = demo_config_copy(tmp_path_factory.mktemp("e2e"))
    unioncat("demo", "--no-serve", "--config", str(config))
    return config


@pytest.fixture(scope="module")
def server(demo_config):
    process = ServerProcess(demo_config)
    yield process
    process.stop()


def test_demo_harvests_every_library_of_every_type(demo_config):
    settings = load_settings(demo_config)
    status = status_json(demo_config)
    by_id = {item["id"]: item for item in status["libraries"]}
    assert set(by_id) == {library.id for library in settings.libraries}
    for library in settings.libraries:
        item = by_id[library.id]
        assert item["records"] > 0, library.id
        assert item["last_success"] is not None, library.id
        assert item["errors"] == [], library.id
    assert status["totals"]["records"] >= 2000
    assert status["totals"]["union_records"] < status["totals"]["records"]


def test_second_demo_run_reuses_what_is_built(demo_config):
    before = status_json(demo_config)["totals"]
    result = unioncat("demo", "--no-serve", "--config", str(demo_config))
    after = status_json(demo_config)
    assert after["totals"] == before
    assert all(item["added"] == 0 and item["changed"] == 0 for item in after["libraries"])
    # The same provider endpoint as last time: no "scope change" warning, nothing harvested again.
    assert all(item["errors"] == [] for item in after["libraries"]), after["libraries"]
    assert "normalize: 0 records" in result.stdout


def test_second_demo_run_harvests_only_what_changed(demo_config):
    """The demo's provider keeps its address between runs: on a new port every OAI-PMH library
    read as moved, was harvested whole again and warned so on every run."""
    result = unioncat("demo", "--no-serve", "--config", str(demo_config))
    assert "harvesting everything again" not in result.stdout
    tv_tinh = next(line for line in result.stdout.splitlines() if " tv-tinh " in line)
    assert "=0 " in tv_tinh, tv_tinh


@pytest.mark.parametrize("command", [["update", "--log-format", "json"], ["harvest", "tv-long-my"]])
def test_update_and_harvest_on_the_demo_configuration_reach_its_provider(demo_config, command):
    """`unioncat update` without --config runs the bundled demo (the contract's default), whose OAI-PMH
    libraries point at the placeholder http://127.0.0.1:0: it retried for 30 s, failed three libraries
    with exit code 3 and left their errors in the demo's status and /api/libraries."""
    result = unioncat(*command, "--config", str(demo_config), check=False, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "FAIL" not in result.stdout and "127.0.0.1:0" not in result.stderr
    if "json" in command:  # the line naming the provider is one more event, not plain text
        assert all(json.loads(line) for line in result.stderr.splitlines())
    assert all(item["errors"] == [] for item in status_json(demo_config)["libraries"])


def test_search_without_diacritics_finds_a_title_held_by_two_libraries(server):
    response = httpx.get(server.base_url + "/api/search", params={"q": "lich su viet nam", "size": 50})
    assert response.status_code == 200
    body = response.json()
    assert body["total"] > 0
    titles = [hit["title"] for hit in body["hits"]]
    assert any("Lịch sử Việt Nam" in title for title in titles)
    shared = [hit for hit in body["hits"] if len({h["library"] for h in hit["holdings"]}) >= 2]
    assert shared, "some edition of Lịch sử Việt Nam should be held by two libraries"


def test_record_view_lists_every_holding_library(server):
    body = httpx.get(server.base_url + "/api/search", params={"q": "Truyện Kiều", "size": 10}).json()
    best = max(body["hits"], key=lambda hit: len({h["library"] for h in hit["holdings"]}))
    record = httpx.get(server.base_url + f"/api/records/{best['id']}").json()
    assert record["id"] == best["id"]
    assert {h["library"] for h in record["holdings"]} == {h["library"] for h in best["holdings"]}


def test_facets_count_libraries_types_years_and_languages(server):
    body = httpx.get(server.base_url + "/api/search", params={"q": "", "size": 1}).json()
    for facet in ("library", "library_type", "year", "language"):
        assert body["facets"][facet], facet
    library_counts = {item["value"]: item["count"] for item in body["facets"]["library"]}
    libraries = httpx.get(server.base_url + "/api/libraries").json()["libraries"]
    assert set(library_counts) == {item["id"] for item in libraries}
    assert sum(library_counts.values()) >= body["total"]


def test_bad_api_input_is_a_4xx_with_a_message(server):
    for params in ({"q": "x", "page": "0"}, {"q": "x", "size": "100000"}, {"q": 'title:(("'}, {"q": "y" * 10_000}):
        response = httpx.get(server.base_url + "/api/search", params=params)
        assert 400 <= response.status_code < 500, params
        assert response.json()


def test_another_union_catalogue_harvests_this_one_over_oai_pmh(server, tmp_path):
    """The national union catalogue's view: our /oai feed, harvested by a second unioncat as one
    library (OAI-PMH, marc21), gives back every union record, searchable, with its holdings."""
    total = httpx.get(server.base_url + "/api/search", params={"q": "", "size": 1}).json()["total"]
    config = tmp_path / "national.toml"
    config.write_text(f'''data_dir = "data"
[[libraries]]
id = "hau-giang"
name = "Mục lục liên hợp Hậu Giang"
type = "provincial"
district = "Vị Thanh"
protocol = "oai-pmh"
url = "{server.base_url}/oai"
metadata_prefix = "marc21"
''', encoding="utf-8")
    unioncat("update", "--config", str(config))
    status = status_json(config)
    assert status["libraries"][0]["records"] == total and status["libraries"][0]["errors"] == []
    national = ServerProcess(config)
    try:
        hits = httpx.get(national.base_url + "/api/search", params={"q": "truyen kieu", "size": 5}).json()["hits"]
        record = httpx.get(national.base_url + f"/api/records/{hits[0]['id']}").json()
    finally:
        national.stop()
    assert "Truyện Kiều" in hits[0]["title"]
    # One 852 per provincial copy: the national record has each, with its call number.
    provincial_id = record["holdings"][0]["record_id"].rsplit(":", 1)[1]
    provincial = httpx.get(server.base_url + f"/api/records/{provincial_id}").json()
    copies = [h for h in record["holdings"] if h["record_id"] == record["holdings"][0]["record_id"]]
    assert len(copies) == len(provincial["holdings"]) >= 2
    assert {h["call_number"] for h in provincial["holdings"]} - {None} <= {h["call_number"] for h in copies}
    assert {h["library"] for h in record["holdings"]} == {"hau-giang"}


def test_an_update_refused_by_the_run_lock_leaves_the_demo_provider_port_alone(demo_config):
    """A second `update` while one runs found the provider's port taken (by the first run), started
    its own elsewhere and saved that port before the lock refused it: the next night then called
    every demo library at a new address and harvested all of them again as moved."""
    from harvester.demo import PROVIDER_PORT_FILE, start_demo_provider
    from harvester.lock import run_lock

    data_dir = load_settings(demo_config).data_dir
    port_file = data_dir / PROVIDER_PORT_FILE
    running = start_demo_provider(data_dir)  # the first run's provider, on the remembered port
    try:
        remembered = port_file.read_text(encoding="utf-8")
        with run_lock(data_dir):  # the first run, still going
            result = unioncat("update", "--config", str(demo_config), check=False, timeout=120)
    finally:
        running.stop()
    assert result.returncode != 0 and "another unioncat run" in result.stderr
    assert port_file.read_text(encoding="utf-8") == remembered
