"""An identifiers sweep deletes only what GetRecord confirms gone (harvester/sweepcheck.py)."""

from __future__ import annotations

from urllib.parse import parse_qs

from harvester.oai import OaiHarvester
from harvester.sweepcheck import MAX_CONFIRMED_PER_SWEEP, MAX_UNANSWERED
from harvester.transport import make_client
from store.models import HarvestRun
from tests.test_harvest_support import (
    Canned,
    envelope,
    fast_settings,
    get_record,
    identify,
    list_identifiers,
    list_records,
    oai_error,
    oai_library,
)


def verbs(server) -> list[str]:
    return [parse_qs(query).get("verb", ["?"])[0] for query in server.queries]


def harvest_then_sweep(server, store, **extra) -> tuple[int, HarvestRun]:
    """Harvest the library whole, then sweep it: (records the sweep deleted, the sweep's run)."""
    settings = fast_settings(**{"sweep_min_ratio": extra.pop("sweep_min_ratio", 0.5)})
    library = oai_library(server.url, **extra)
    run = HarvestRun(library="tv-test", started_at="2024-05-01T10:20:30Z")
    with make_client(settings) as client:
        harvester = OaiHarvester(client, store, settings)
        harvester.harvest(library)
        return harvester.sweep(library, run=run), run


def test_a_record_the_sweep_missed_while_offset_pages_shifted_is_kept(fault_server, store):
    """Koha pages by SQL offset: 3 deleted at the source while the sweep was on page 1 moves 5 onto
    page 1's last place, so page 2 starts at 6 and 5 is never listed, though GetRecord returns it.
    8 was deleted before the sweep: GetRecord says so and it goes."""
    ids = [str(n) for n in range(1, 9)]
    server = fault_server([identify(), list_records(ids),
                           list_identifiers(ids[:4], token="offset=4"), list_identifiers(["6", "7"]),
                           get_record("5"), oai_error("idDoesNotExist", "no such record")])
    assert harvest_then_sweep(server, store)[0] == 1
    live = store.live_local_ids("tv-test")
    assert "oai:x:5" in live and "oai:x:8" not in live and len(live) == 7
    assert verbs(server)[-2:] == ["GetRecord", "GetRecord"]
    assert store.harvest_state("tv-test").last_sweep is not None


def test_a_record_getrecord_answers_deleted_or_out_of_the_set_is_deleted(fault_server, store):
    deleted = envelope('<GetRecord><record><header status="deleted"><identifier>oai:x:2</identifier>'
                       '<datestamp>2024-03-15T10:30:00Z</datestamp></header></record></GetRecord>')
    moved = get_record("3").replace(b"</datestamp>", b"</datestamp><setSpec>baochi</setSpec>")
    server = fault_server([identify(), list_records(["1", "2", "3"]), list_identifiers(["1"]), deleted, moved])
    assert harvest_then_sweep(server, store, set="sach", sweep_min_ratio=0.3)[0] == 2
    assert store.live_local_ids("tv-test") == {"oai:x:1"}


def more_missing_than_a_night_asks(fault_server, answer: bytes):
    """A server listing all but MAX_CONFIRMED_PER_SWEEP + 5 records it held, answering each GetRecord
    with `answer`: (the server, the identifiers it lists, how many it does not)."""
    missing = MAX_CONFIRMED_PER_SWEEP + 5
    listed = [f"l{n}" for n in range(missing)]
    held = listed + [f"m{n:03d}" for n in range(missing)]
    answers = [answer] * MAX_CONFIRMED_PER_SWEEP
    return fault_server([identify(), list_records(held), list_identifiers(listed), *answers]), listed, missing


def asked(server) -> list[str]:
    """The identifiers the server was asked about with GetRecord, in order."""
    return [parse_qs(query)["identifier"][0] for query in server.queries if parse_qs(query).get("verb") == ["GetRecord"]]


def test_a_sweep_missing_more_records_than_a_night_checks_defers_the_rest(fault_server, store):
    """Each check is one request: beyond the limit the sweep waits for the next night, and says so."""
    server, _, missing = more_missing_than_a_night_asks(fault_server, oai_error("idDoesNotExist"))
    deleted, run = harvest_then_sweep(server, store)
    assert deleted == MAX_CONFIRMED_PER_SWEEP
    assert len(store.live_local_ids("tv-test")) == missing + 5
    assert any(f"{missing} records" in e and "5 wait for the next night's sweep" in e for e in run.errors), run.errors
    assert store.harvest_state("tv-test").last_sweep is None  # due again next night


def test_a_record_getrecord_cannot_answer_for_is_kept_and_the_run_says_so(fault_server, store):
    server = fault_server([identify(), list_records(["1", "2", "3"]), list_identifiers(["1", "2"]),
                           oai_error("badArgument", "GetRecord is not supported")])
    deleted, run = harvest_then_sweep(server, store)
    assert deleted == 0
    assert len(store.live_local_ids("tv-test")) == 3
    [warning] = run.errors
    assert "'oai:x:3'" in warning and "GetRecord could not say" in warning and server.url in warning, warning


def test_a_server_whose_getrecord_keeps_failing_is_asked_no_more_after_a_few(fault_server, store):
    """Each GetRecord may retry for a minute: asking about 300 records of a server that cannot answer took
    hours (final review). After MAX_UNANSWERED failures in a row the rest are kept unasked, and the
    sweep is done for its interval (a broken GetRecord must not send a full sweep every night)."""
    listed = [f"l{n}" for n in range(20)]
    missing = [f"m{n}" for n in range(20)]
    server = fault_server([identify(), list_records(listed + missing), list_identifiers(listed),
                           *[oai_error("badArgument", "GetRecord is not supported")] * len(missing)])
    deleted, run = harvest_then_sweep(server, store, sweep_min_ratio=0.3)
    assert deleted == 0 and len(store.live_local_ids("tv-test")) == 40
    assert verbs(server).count("GetRecord") == MAX_UNANSWERED
    assert any(f"{len(missing)} records" in error and "GetRecord could not say" in error for error in run.errors)
    assert store.harvest_state("tv-test").last_sweep is not None


def test_a_sweep_that_deferred_some_asks_about_them_first_the_next_night(fault_server, store):
    """Records live at the source yet never listed were asked about first every night, in identifier order,
    so with 300 of them the others were never asked about (final review): the next night goes on after
    the last record asked, round to the start."""
    server, listed, missing = more_missing_than_a_night_asks(fault_server, get_record("1"))
    deleted, _ = harvest_then_sweep(server, store)
    assert deleted == 0 and store.harvest_state("tv-test").last_sweep is None  # 5 deferred
    asked_first_night = asked(server)
    server.responses = [Canned(list_identifiers(listed)),
                        *[Canned(oai_error("idDoesNotExist"))] * 5,
                        *[Canned(get_record("1"))] * (MAX_CONFIRMED_PER_SWEEP - 5)]
    server.queries.clear()
    settings = fast_settings(sweep_min_ratio=0.5)
    with make_client(settings) as client:
        assert OaiHarvester(client, store, settings).sweep(oai_library(server.url)) == 5
    never_asked = sorted({f"oai:x:m{n:03d}" for n in range(missing)} - set(asked_first_night))
    assert asked(server)[:5] == never_asked
    assert not {f"oai:x:{i}" for i in ("m300", "m301", "m302", "m303", "m304")} & store.live_local_ids("tv-test")
