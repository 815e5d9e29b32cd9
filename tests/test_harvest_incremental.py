"""Changes at the provider, including those made while a harvest runs, reach the store exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs

from harvester.oai import OaiHarvester
from harvester.provider import serve_fixtures
from harvester.transport import make_client
from tests.fault_proxy import FaultProxy
from tests.test_harvest_support import (
    fast_settings,
    identify,
    list_records,
    marcxml_record,
    oai_library,
    write_marc_collection,
)

from store.catalog import utc_now


def harvest(store, url: str):
    settings = fast_settings()
    with make_client(settings) as client:
        return OaiHarvester(client, store, settings).harvest(oai_library(url, "tv-tinh"))


def payload_of(store, local_id: str) -> str:
    rows = {raw.local_id: raw for _, raw in store.raw_changed_since(0, "tv-tinh")}
    return rows[f"oai:tv-tinh:{local_id}"].payload.decode("utf-8")


def test_records_changed_during_a_harvest_arrive_in_the_next_window(tmp_path: Path, store):
    source = write_marc_collection(tmp_path / "tv-tinh.xml", 20)
    with serve_fixtures({"tv-tinh": source}, batch_size=4) as provider:

        def edit_mid_harvest(number: int, path: str) -> None:
            # After the first pages were read: change one already harvested, delete one, add one.
            if number == 4:
                provider.upsert("tv-tinh", "2", marcxml_record("2", "Sửa giữa chừng"))
                provider.delete("tv-tinh", "3")
                provider.upsert("tv-tinh", "21", marcxml_record("21", "Mới giữa chừng"))

        with FaultProxy(provider.base_url, fault_rate=0, on_request=edit_mid_harvest) as proxy:
            first = harvest(store, proxy.url("tv-tinh"))
            second = harvest(store, proxy.url("tv-tinh"))
            third = harvest(store, proxy.url("tv-tinh"))

    assert first.added == 21  # record 21 was appended to the list, so the first window already saw it
    # The next window (from the first response's date) brings what changed behind the harvester.
    assert (second.changed, second.deleted) == (1, 1)
    assert "Sửa giữa chừng" in payload_of(store, "2")
    assert "oai:tv-tinh:3" not in store.live_local_ids("tv-tinh")
    assert len(store.live_local_ids("tv-tinh")) == 20
    # Nothing is counted twice: a third run changes nothing.
    assert (third.added, third.changed, third.deleted) == (0, 0, 0)


def test_a_server_clock_set_ahead_does_not_push_the_next_from_past_today(fault_server, store):
    """A provider whose clock ran a year ahead (a flat CMOS battery, a wrong NTP server) answers with a
    responseDate in the future.  Once its clock is put right, its edits carry today's datestamps: a
    `from` taken from that responseDate would skip every one of them, silently, for a year."""
    ahead = (datetime.now(UTC) + timedelta(days=365)).strftime("%Y-%m-%dT%H:%M:%SZ")
    server = fault_server([identify(), list_records(["1"], response_date=ahead), identify(), list_records(["2"])])
    settings = fast_settings()
    library = oai_library(server.url)
    with make_client(settings) as client:
        OaiHarvester(client, store, settings).harvest(library)
        before_second = utc_now()
        OaiHarvester(client, store, settings).harvest(library)
    sent_from = parse_qs(server.queries[-1])["from"][0]
    assert sent_from <= before_second
    assert sorted(store.live_local_ids("tv-test")) == ["oai:x:1", "oai:x:2"]
