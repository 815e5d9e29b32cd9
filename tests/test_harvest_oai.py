"""Harvesting the real fixture provider (oaipmh's BatchingServer over HTTP on 127.0.0.1)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from config.errors import HarvestError
from harvester.errors import CannotDisseminateFormat, NoSetHierarchy
from harvester.oai import OaiHarvester, split_oai_response
from harvester.oaigranularity import DAY_GRANULARITY
from harvester.provider import serve_fixtures
from harvester.transport import make_client
from tests.test_harvest_support import (
    envelope,
    fast_settings,
    identify,
    list_records,
    marcxml_record,
    oai_error,
    oai_library,
    write_dc_collection,
    write_marc_collection,
)

TOTAL = 23


@pytest.fixture
def fixture_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "oai"
    folder.mkdir()
    write_marc_collection(folder / "tv-tinh.xml", TOTAL)
    (folder / "tv-tinh-deleted.txt").write_text("oai:tv-tinh:5\n# comment\n\n7\n", encoding="utf-8")
    write_dc_collection(folder / "dh.xml", [(f"lv{i}", f"2024-0{1 + i % 3}-10T08:00:00Z", "luan-van" if i % 2 else "sach")
                                            for i in range(1, 8)])
    return folder


@pytest.fixture
def provider(fixture_dir: Path):
    with serve_fixtures({"tv-tinh": fixture_dir / "tv-tinh.xml", "dh": fixture_dir / "dh.xml"}, batch_size=5) as handle:
        yield handle


def run_harvest(provider, store, name="tv-tinh", prefix="marc21", full=False, **extra):
    settings = fast_settings()
    library = oai_library(provider.url(name), library_id=name, prefix=prefix, **extra)
    with make_client(settings) as client:
        return OaiHarvester(client, store, settings).harvest(library, full=full)


def raw_rows(store, library="tv-tinh"):
    return {raw.local_id: raw for _, raw in store.raw_changed_since(0, library)}


def test_full_harvest_follows_resumption_tokens_and_stores_every_record_once(provider, store):
    run = run_harvest(provider, store)
    rows = raw_rows(store)
    # Records deleted before we ever saw them are not stored (the store counts them unchanged).
    assert len(rows) == TOTAL - 2 and run.added == TOTAL - 2 and run.unchanged == 2 and run.deleted == 0
    assert "oai:tv-tinh:5" not in rows and "oai:tv-tinh:7" not in rows
    live = rows["oai:tv-tinh:1"]
    assert live.format == "marcxml" and live.datestamp == "2024-03-15T10:30:00Z"
    assert live.payload.startswith(b"<record") and b'xmlns="http://www.loc.gov/MARC21/slim"' in live.payload
    assert "Sách số 1" in live.payload.decode("utf-8")
    # 23 records in pages of 5: the last comes from page 5.
    assert rows[f"oai:tv-tinh:{TOTAL}"].source.endswith("page 5")


def test_second_run_is_incremental_and_changes_nothing(provider, store):
    run_harvest(provider, store)
    first_from = store.harvest_state("tv-tinh").next_from
    assert first_from is not None
    run = run_harvest(provider, store)
    assert (run.added, run.changed, run.deleted, run.unchanged) == (0, 0, 0, 0)
    assert store.harvest_state("tv-tinh").next_from >= first_from


def test_next_run_sees_exactly_the_upserts_and_deletes(provider, store):
    run_harvest(provider, store)
    provider.upsert("tv-tinh", "3", marcxml_record("3", "Sách đã sửa"))
    provider.upsert("tv-tinh", "900", marcxml_record("900", "Sách mới"))
    provider.delete("tv-tinh", "10")
    run = run_harvest(provider, store)
    assert (run.added, run.changed, run.deleted, run.unchanged) == (1, 1, 1, 0)
    rows = raw_rows(store)
    assert "Sách đã sửa" in rows["oai:tv-tinh:3"].payload.decode("utf-8")
    assert rows["oai:tv-tinh:10"].deleted and not rows["oai:tv-tinh:900"].deleted
    assert len(store.live_local_ids("tv-tinh")) == TOTAL - 3 + 1


def test_a_record_sent_again_after_its_deletion_is_counted_added(provider, store):
    """It enters the catalogue again: the run line said "~1" (changed) for it (review)."""
    run_harvest(provider, store)
    provider.delete("tv-tinh", "10")
    assert run_harvest(provider, store).deleted == 1
    provider.upsert("tv-tinh", "10", marcxml_record("10", "Sách số 10"))
    run = run_harvest(provider, store)
    assert (run.added, run.changed, run.deleted) == (1, 0, 0)
    assert "oai:tv-tinh:10" in store.live_local_ids("tv-tinh")


def test_full_harvest_again_changes_nothing(provider, store):
    run_harvest(provider, store)
    run = run_harvest(provider, store, full=True)
    assert (run.added, run.changed, run.deleted, run.unchanged) == (0, 0, 0, TOTAL)
    assert len(store.live_local_ids("tv-tinh")) == TOTAL - 2


def test_dspace_marc_prefix_is_harvested_as_marcxml(provider, store):
    """DSpace names its MARCXML "marc" (not marc21): a college's repository configured so was refused."""
    run = run_harvest(provider, store, prefix="marc")
    rows = raw_rows(store)
    assert run.added == TOTAL - 2 and rows["oai:tv-tinh:1"].format == "marcxml"
    assert "Sách số 1" in rows["oai:tv-tinh:1"].payload.decode("utf-8")


def test_oai_dc_repository_is_harvested(provider, store):
    run = run_harvest(provider, store, name="dh", prefix="oai_dc")
    rows = raw_rows(store, "dh")
    assert run.added == 7 and set(rows) == {f"oai:dh:lv{i}" for i in range(1, 8)}
    raw = rows["oai:dh:lv1"]
    assert raw.format == "oai_dc" and raw.payload.startswith(b"<oai_dc:dc")
    assert "Nguyễn Văn A" in raw.payload.decode("utf-8")


def test_set_is_harvested_alone(provider, store):
    run = run_harvest(provider, store, name="dh", prefix="oai_dc", set="luan-van")
    assert run.added == 4 and store.live_local_ids("dh") == {"oai:dh:lv1", "oai:dh:lv3", "oai:dh:lv5", "oai:dh:lv7"}


def test_set_on_a_repository_without_sets_names_the_error_and_what_to_do(provider, store):
    with pytest.raises(NoSetHierarchy, match="noSetHierarchy") as info:
        run_harvest(provider, store, set="sach")
    assert "has no sets" in str(info.value) and "remove `set`" in str(info.value)


def test_a_set_refused_with_bad_argument_names_the_sets_the_server_has(fault_server, store):
    """A server answering badArgument "no such set" left the operator with its words alone (review)."""
    sets = envelope("<ListSets><set><setSpec>sach</setSpec><setName>Sách</setName></set>"
                    "<set><setSpec>baochi</setSpec><setName>Báo chí</setName></set></ListSets>")
    server = fault_server([identify(), oai_error("badArgument", "no such set"), sets])
    settings = fast_settings()
    with make_client(settings) as client:
        with pytest.raises(HarvestError) as info:
            OaiHarvester(client, store, settings).harvest(oai_library(server.url, set="Sach"))
    message = str(info.value)
    assert "'Sach' was refused (badArgument: no such set)" in message, message
    assert "sach, baochi" in message and "[[libraries]]" in message


def test_a_listed_set_refused_with_bad_argument_keeps_the_servers_error(fault_server, store):
    sets = envelope("<ListSets><set><setSpec>sach</setSpec><setName>Sách</setName></set></ListSets>")
    server = fault_server([identify(), oai_error("badArgument", "bad from"), sets])
    settings = fast_settings()
    with make_client(settings) as client:
        with pytest.raises(HarvestError, match="badArgument.*bad from") as info:
            OaiHarvester(client, store, settings).harvest(oai_library(server.url, set="sach"))
    assert "ListSets" not in str(info.value)


def test_a_set_the_server_does_not_have_is_an_error_naming_the_sets_it_has(provider, store):
    """A misspelled set got noRecordsMatch, read as an empty harvest: the library stayed empty every
    night, and status said it succeeded."""
    with pytest.raises(HarvestError) as info:
        run_harvest(provider, store, name="dh", prefix="oai_dc", set="luan_van")
    message = str(info.value)
    assert "'luan_van'" in message and "luan-van" in message and provider.url("dh") in message, message
    assert "[[libraries]]" in message
    assert store.harvest_state("dh").next_from is None  # the next run asks for the whole set again


def test_a_listed_set_with_no_records_is_an_empty_harvest(fault_server, store):
    sets = envelope("<ListSets><set><setSpec>sach</setSpec><setName>Sách</setName></set>"
                    "<resumptionToken>s1</resumptionToken></ListSets>")
    more = envelope("<ListSets><set><setSpec>trong</setSpec><setName>Trống</setName></set></ListSets>")
    server = fault_server([identify(), oai_error("noRecordsMatch"), sets, more,
                           identify(), oai_error("noRecordsMatch"), sets, more])
    settings = fast_settings()
    library = oai_library(server.url, set="trong")
    with make_client(settings) as client:
        harvester = OaiHarvester(client, store, settings)
        assert harvester.harvest(library).added == 0
        # An incremental window with nothing new is the usual night: the set is still listed, so all is well.
        assert harvester.harvest(library).errors == []
    assert store.harvest_state("tv-test").next_from is not None
    assert [q.split("&")[0] for q in server.queries] == ["verb=Identify", "verb=ListRecords", "verb=ListSets",
                                                         "verb=ListSets"] * 2
    assert "resumptionToken=s1" in server.queries[3]


def test_a_set_dropped_after_the_first_harvest_fails_the_incremental_night(fault_server, store):
    """Many servers answer noRecordsMatch to an unknown set: checked only on a window without `from`,
    a set renamed or dropped after the first harvest gave an ok empty harvest every night."""
    server = fault_server([identify(), list_records(["1"]), identify(), oai_error("noRecordsMatch"),
                           envelope("<ListSets><set><setSpec>sach-moi</setSpec><setName>Sách</setName></set>"
                                    "</ListSets>")])
    settings = fast_settings()
    library = oai_library(server.url, set="sach")
    with make_client(settings) as client:
        harvester = OaiHarvester(client, store, settings)
        assert harvester.harvest(library).added == 1
        with pytest.raises(HarvestError) as info:
            harvester.harvest(library)
    message = str(info.value)
    assert "set 'sach' gave no records since" in message and "sach-moi" in message and "[[libraries]]" in message, message
    assert "from=" in server.queries[3] and store.live_local_ids("tv-test") == {"oai:x:1"}


def test_day_granularity_provider_gives_day_only_from(fixture_dir, store):
    with serve_fixtures({"tv-tinh": fixture_dir / "tv-tinh.xml"}, batch_size=5,
                        granularity=DAY_GRANULARITY) as provider:
        run_harvest(provider, store)
        next_from = store.harvest_state("tv-tinh").next_from
        assert len(next_from) == 10
        # The whole day is harvested again; nothing changes.
        provider.upsert("tv-tinh", "1", marcxml_record("1", "Sách số 1 (sửa)"))
        run = run_harvest(provider, store)
        assert run.changed == 1 and run.unchanged == 0


def test_corrupt_saved_token_restarts_the_window(provider, store):
    run_harvest(provider, store)
    state = store.harvest_state("tv-tinh")
    store.save_harvest_state(state.model_copy(update={"resumption_token": "not-a-token", "window_from": None}))
    run = run_harvest(provider, store)
    assert run.unchanged == TOTAL and run.added == 0
    assert any("badResumptionToken" in e for e in run.errors)


def test_token_with_unparseable_date_gets_500_and_restarts(provider, store):
    run_harvest(provider, store)
    state = store.harvest_state("tv-tinh")
    bad = "metadataPrefix%3Dmarc21%26from_%3Dyesterday%26cursor%3D5"
    store.save_harvest_state(state.model_copy(update={"resumption_token": bad, "window_from": None}))
    run = run_harvest(provider, store)
    assert run.unchanged == TOTAL
    assert any("500" in e for e in run.errors)


def test_gzip_provider_is_read(fixture_dir, store):
    with serve_fixtures({"tv-tinh": fixture_dir / "tv-tinh.xml"}, batch_size=50, gzip_responses=True) as provider:
        assert run_harvest(provider, store).added == TOTAL - 2


def test_sweep_marks_records_missing_at_the_source_deleted(provider, store):
    run_harvest(provider, store)
    provider.remove("tv-tinh", "1")
    provider.remove("tv-tinh", "2")
    settings = fast_settings()
    with make_client(settings) as client:
        deleted = OaiHarvester(client, store, settings).sweep(oai_library(provider.url("tv-tinh"), "tv-tinh"))
    assert deleted == 2
    assert "oai:tv-tinh:1" not in store.live_local_ids("tv-tinh")
    assert store.harvest_state("tv-tinh").last_sweep is not None


def test_sweep_refuses_when_the_source_lists_too_few(provider, store):
    run_harvest(provider, store)
    for local_id in provider.local_ids("tv-tinh")[:15]:
        provider.remove("tv-tinh", local_id)
    settings = fast_settings()
    with make_client(settings) as client, pytest.raises(HarvestError, match="nothing deleted"):
        OaiHarvester(client, store, settings).sweep(oai_library(provider.url("tv-tinh"), "tv-tinh"))
    assert len(store.live_local_ids("tv-tinh")) == TOTAL - 2


def test_split_oai_response_reads_a_saved_page(provider):
    body = httpx.get(provider.url("tv-tinh"), params={"verb": "ListRecords", "metadataPrefix": "marc21"}).content
    records = list(split_oai_response(body, "tv-tinh", "saved.xml"))
    assert len(records) == 5 and records[0].local_id == "oai:tv-tinh:1" and records[0].format == "marcxml"
    with pytest.raises(HarvestError, match="saved.xml"):
        list(split_oai_response(body[:-40], "tv-tinh", "saved.xml"))


def test_unknown_repository_and_prefix_are_clear_errors(provider, store):
    with pytest.raises(HarvestError, match="cannotDisseminateFormat"):
        run_harvest(provider, store, name="dh", prefix="marc21")
    assert httpx.get(provider.base_url + "/nope", params={"verb": "Identify"}).status_code == 404


@pytest.mark.parametrize(("name", "prefix", "offered"),
                         [("dh", "marc21", "oai_dc"), ("tv-tinh", "oai_dc", "marc21, marcxml, marc")])
def test_a_prefix_the_server_does_not_offer_names_the_ones_it_does(provider, store, name, prefix, offered):
    """cannotDisseminateFormat alone leaves the operator guessing; ListMetadataFormats says what to configure."""
    with pytest.raises(CannotDisseminateFormat) as info:
        run_harvest(provider, store, name=name, prefix=prefix)
    message = str(info.value)
    assert f"the server offers {offered} " in message and provider.url(name) in message, message
    assert "metadata_prefix" in message
