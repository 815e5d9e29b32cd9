"""Parallel and polite: libraries on different hosts run together, one host sees one request at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester.provider import serve_fixtures
from harvester.run import harvest_libraries
from tests.conftest import make_settings
from tests.fault_proxy import Exchange, FaultProxy
from tests.test_harvest_support import FAST, write_marc_collection

LATENCY_S = 0.03
DELAY_S = 0.02


def library(library_id: str, url: str) -> dict:
    return {"id": library_id, "name": library_id, "type": "district", "district": "Vị Thanh",
            "protocol": "oai-pmh", "url": url, "metadata_prefix": "marc21"}


def overlaps(a: Exchange, b: Exchange) -> bool:
    return a.started_s < b.finished_s and b.started_s < a.finished_s


def most_at_once(exchanges: list[Exchange]) -> int:
    events = sorted([(e.started_s, 1) for e in exchanges] + [(e.finished_s, -1) for e in exchanges])
    level = peak = 0
    for _, step in events:
        level += step
        peak = max(peak, level)
    return peak


@pytest.fixture
def provider(tmp_path: Path):
    files = {name: write_marc_collection(tmp_path / f"{name}.xml", 16, prefix=name) for name in "abcd"}
    with serve_fixtures(files, batch_size=4) as handle:
        yield handle


def test_libraries_on_other_hosts_overlap_while_one_host_gets_one_request_at_a_time(provider, data_dir, store):
    # Three "servers" on three loopback addresses, all backed by the one provider.
    with FaultProxy(provider.base_url, fault_rate=0, latency_s=LATENCY_S, host="127.0.0.1") as shared, \
            FaultProxy(provider.base_url, fault_rate=0, latency_s=LATENCY_S, host="127.0.0.2") as second, \
            FaultProxy(provider.base_url, fault_rate=0, latency_s=LATENCY_S, host="127.0.0.3") as third:
        settings = make_settings(data_dir, [
            library("a", shared.url("a")), library("b", shared.url("b")),
            library("c", second.url("c")), library("d", third.url("d")),
        ], harvest={**FAST, "max_parallel_libraries": 4, "request_delay_s": DELAY_S})
        runs = harvest_libraries(settings, store)
    assert [(r.library, r.status, r.added) for r in runs] == [(x, "ok", 16) for x in "abcd"]

    # a and b share a host: never two requests at once, and DELAY_S between them.
    on_shared = sorted(shared.exchanges, key=lambda e: e.started_s)
    assert {e.path.split("?")[0] for e in on_shared} == {"/a", "/b"}
    for before, after in zip(on_shared, on_shared[1:]):
        assert after.started_s >= before.finished_s + DELAY_S * 0.9, (before, after)
    # ...while the other hosts were served at the same time.
    assert any(overlaps(x, y) for x in on_shared for y in second.exchanges)
    assert any(overlaps(x, y) for x in second.exchanges for y in third.exchanges)
    assert most_at_once(shared.exchanges + second.exchanges + third.exchanges) == 3


def test_max_parallel_libraries_bounds_the_libraries_in_flight(provider, data_dir, store):
    proxies = [FaultProxy(provider.base_url, fault_rate=0, latency_s=LATENCY_S, host=f"127.0.0.{n}")
               for n in (1, 2, 3, 4)]
    try:
        settings = make_settings(data_dir, [library(name, proxy.url(name)) for name, proxy in zip("abcd", proxies)],
                                 harvest={**FAST, "max_parallel_libraries": 2})
        runs = harvest_libraries(settings, store)
    finally:
        for proxy in proxies:
            proxy.stop()
    assert all(r.status == "ok" for r in runs)
    assert most_at_once([e for p in proxies for e in p.exchanges]) == 2
