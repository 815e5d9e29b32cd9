"""Changes at the provider, including those made while a harvest runs, reach the store exactly once."""

from __future__ import annotations

from pathlib import Path

from harvester.oai import OaiHarvester
from harvester.provider import serve_fixtures
from harvester.transport import make_client
from tests.fault_proxy import FaultProxy
from tests.test_harvest_support import fast_settings, marcxml_record, oai_library, write_marc_collection


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
