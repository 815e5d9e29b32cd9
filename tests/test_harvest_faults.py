"""The OAI-PMH loop against a hand-written fault server on 127.0.0.1 (canned answers in sequence)."""

from __future__ import annotations

import gzip
import json
import sqlite3
import socket
import time
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import parse_qs

import pytest
from tests.conftest import make_settings
from tests.test_harvest_support import (
    FAST,
    Canned,
    envelope,
    fast_settings,
    get_record,
    identify,
    list_identifiers,
    list_records,
    marc_library,
    marcxml_record,
    oai_error,
    oai_library,
)

from config.errors import HarvestError
from harvester.errors import (
    BadArgument,
    BadResumptionToken,
    CannotDisseminateFormat,
    HttpStatusError,
    MalformedResponseError,
    NoRecordsMatch,
    OaiProtocolError,
    ResponseTooLargeError,
)
from harvester.marcfile import harvest_marc_file
from harvester.oai import OaiHarvester
from harvester.oaixml import parse_xml_strict
from harvester.run import harvest_library as run_library
from harvester.transport import fetch, make_client, parse_retry_after


def harvest(server, store, full=False, **settings):
    return harvest_as(oai_library(server.url), store, full, **settings)


def harvest_as(library, store, full=False, **settings):
    settings = fast_settings(**settings)
    with make_client(settings) as client:
        return OaiHarvester(client, store, settings).harvest(library, full=full)


def stored(store, library="tv-test"):
    return sorted(store.live_local_ids(library))


def params(query: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(query).items()}


def test_retry_after_seconds_is_honoured_and_capped(fault_server, store):
    server = fault_server([identify(), Canned(b"busy", 503, {"Retry-After": "1"}), list_records(["1", "2"])])
    started = time.monotonic()
    run = harvest(server, store, backoff_max_s=0.3)
    elapsed = time.monotonic() - started
    assert run.added == 2
    assert 0.25 <= elapsed < 0.9  # waited the Retry-After, cut to backoff_max_s


def test_a_retry_after_longer_than_backoff_max_is_named_in_the_final_error(fault_server, store):
    """Waits are capped at backoff_max_s, so a server asking for an hour was asked again too soon; the
    error said only 'HTTP 503 after 3 attempts', leaving the operator to guess it wanted us to wait."""
    busy = Canned(b"maintenance", 503, {"Retry-After": "3600"})
    server = fault_server([identify(), busy, busy, busy])
    with pytest.raises(HarvestError) as info:
        harvest(server, store)
    message = str(info.value)
    assert "Retry-After" in message and "3600 s" in message and "backoff_max_s" in message, message
    assert server.url in message


def test_retry_after_http_date_does_not_crash(fault_server, store):
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=1), usegmt=True)
    server = fault_server([identify(), Canned(b"busy", 503, {"Retry-After": when}), list_records(["1"])])
    assert harvest(server, store, backoff_max_s=0.2).added == 1


def test_parse_retry_after_reads_seconds_and_dates():
    now = datetime(2024, 5, 1, 10, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 01 May 2024 10:00:30 GMT", now=now) == 30
    assert parse_retry_after("Wed, 01 May 2024 09:00:00 GMT", now=now) == 0
    assert parse_retry_after("soon") is None


def test_slow_response_times_out_and_is_retried(fault_server, store):
    server = fault_server([identify(), Canned(list_records(["1"]), delay_s=1.0), list_records(["1", "2"])])
    run = harvest(server, store, timeout_s=0.3)
    assert run.added == 2
    assert len(server.queries) == 3


def test_request_timeout_408_is_retried(fault_server, store):
    server = fault_server([identify(), Canned(b"request timeout", 408), list_records(["1"])])
    assert harvest(server, store).added == 1
    assert len(server.queries) == 3


def test_a_response_that_trickles_past_the_overall_deadline_is_retried(fault_server, store):
    """Each piece comes within the read timeout; the whole does not come within request_total_s."""
    slow = Canned(list_records(["1"]), trickle_s=0.1)
    server = fault_server([identify(), slow, list_records(["1", "2"])])
    run = harvest(server, store, timeout_s=2.0, request_total_s=0.3)
    assert run.added == 2
    assert len(server.queries) == 3


def test_dropped_connection_is_retried(fault_server, store):
    server = fault_server([identify(), Canned(drop=True), list_records(["1"])])
    assert harvest(server, store).added == 1


def test_retries_exhausted_error_names_library_and_url(fault_server, store):
    server = fault_server([identify()] + [Canned(b"down", 502)] * 3)
    with pytest.raises(HarvestError) as info:
        harvest(server, store, max_retries=2)
    message = str(info.value)
    assert "tv-test" in message and server.url in message and "502" in message


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(("url", "hint"), [
    (lambda server: f"http://127.0.0.1:{_closed_port()}/oai", "nothing answers at"),
    (lambda server: server.url.replace("http://", "https://"), "does not speak https"),
    (lambda server: server.url, "did not answer within"),
], ids=["refused", "https-to-http", "timeout"])
def test_a_server_that_cannot_be_reached_says_what_to_check(fault_server, store, url, hint):
    """'ConnectError: [Errno 111] Connection refused after 3 attempts' left the operator to guess what to do."""
    server = fault_server([Canned(identify(), delay_s=1.0)] * 3)
    library = oai_library(url(server))
    with pytest.raises(HarvestError) as info:
        harvest_as(library, store, timeout_s=0.3)
    message = str(info.value)
    assert library.url in message and "tv-test" in message and hint in message, message
    assert "url" in message or "timeout_s" in message, message


HTML_PAGE = Canned(b"<!DOCTYPE html><html><body>Login</body></html>", headers={"Content-Type": "text/html"})


@pytest.mark.parametrize(("body", "said"), [
    (b"", "empty"),
    (b"OK", "starts b'OK'"),
    (b'{"error": "database locked"}', "starts b'{\"error\": \"database locked\"}'"),
], ids=["empty", "text", "json"])
@pytest.mark.parametrize("verb", ["Identify", "ListRecords"])
def test_an_answer_that_is_no_xml_at_all_says_what_came_and_what_to_check(fault_server, store, body, said, verb):
    """'response is not well-formed XML (line 1, column 1): Document is empty' told nothing of what came."""
    answers = [Canned(body, headers={"Content-Type": "text/plain"})] * 3
    server = fault_server(answers if verb == "Identify" else [identify(), *answers])
    with pytest.raises(MalformedResponseError) as info:
        harvest(server, store)
    message = str(info.value)
    assert said in message and server.url in message and "url" in message.split(server.url)[-1], message


def test_html_page_with_status_200_fails_loudly(fault_server, store):
    # Asked again max_retries (2) times; still HTML, so the run fails naming the endpoint.
    server = fault_server([identify(), HTML_PAGE, HTML_PAGE, HTML_PAGE])
    with pytest.raises(MalformedResponseError, match="HTML") as info:
        harvest(server, store)
    assert server.url in str(info.value)
    assert len(server.queries) == 4


def test_html_page_once_is_asked_again_and_the_harvest_goes_on(fault_server, store):
    page2 = list_records(["3"])
    server = fault_server([identify(), list_records(["1"], token="t1"), HTML_PAGE, page2[:40], page2])
    assert harvest(server, store).added == 2
    assert params(server.queries[-1]) == {"verb": "ListRecords", "resumptionToken": "t1"}


def test_truncated_page_is_an_error_and_keeps_the_token(fault_server, store):
    page2 = list_records(["3", "4"])
    cut = page2[: len(page2) // 2]
    server = fault_server([identify(), list_records(["1", "2"], token="t1"), cut, cut, cut])
    with pytest.raises(MalformedResponseError, match="not well-formed") as info:
        harvest(server, store)
    assert server.url in str(info.value)
    assert stored(store) == ["oai:x:1", "oai:x:2"]
    assert store.harvest_state("tv-test").resumption_token == "t1"
    # The next run continues from the saved token.
    server.responses = [Canned(identify()), Canned(list_records(["3", "4"]))]
    run = harvest(server, store)
    assert params(server.queries[-1]) == {"verb": "ListRecords", "resumptionToken": "t1"}
    assert run.added == 2 and len(stored(store)) == 4


def test_invalid_xml_characters_are_kept_as_control_pictures(fault_server, store):
    body = list_records(["1"], title="S\x01CH")
    server = fault_server([identify(), body])
    run = harvest(server, store)
    assert run.added == 1
    assert any("invalid XML characters" in e for e in run.errors)
    [(_, raw)] = list(store.raw_changed_since(0, "tv-test"))
    assert "S\u2401CH".encode() in raw.payload


def test_empty_resumption_token_ends_the_list(fault_server, store):
    server = fault_server([identify(), list_records(["1"], token="t1"), list_records(["2"], token=""),
                          list_records(["never"])])
    run = harvest(server, store)
    assert run.added == 2 and len(server.queries) == 3
    assert store.harvest_state("tv-test").next_from == "2024-05-01T10:20:30Z"


def test_repeated_token_stops_without_advancing_from(fault_server, store):
    server = fault_server([identify(), list_records(["1"], token="t1"), list_records(["2"], token="t1"),
                          list_records(["3"])])
    with pytest.raises(HarvestError, match="'t1' repeated"):
        harvest(server, store)
    assert stored(store) == ["oai:x:1", "oai:x:2"] and len(server.queries) == 3
    state = store.harvest_state("tv-test")
    assert state.next_from is None and state.resumption_token is None


def test_zero_record_pages_are_tolerated(fault_server, store):
    server = fault_server([identify(), list_records([], token="t1"), list_records(["1", "2"])])
    assert harvest(server, store).added == 2


def test_no_records_match_is_an_empty_success(fault_server, store):
    server = fault_server([identify(), oai_error("noRecordsMatch", "nothing", "2024-06-01T00:00:05Z")])
    run = harvest(server, store)
    assert (run.added, run.changed, run.deleted) == (0, 0, 0)
    assert store.harvest_state("tv-test").next_from == "2024-06-01T00:00:05Z"


def test_no_records_match_to_a_resumption_token_keeps_the_from_so_the_rest_of_the_list_comes_next_run(
        fault_server, store):
    """A server that lost a token (expired, restarted) answers it with noRecordsMatch.  Read as the end of
    the list, the window counted as done and `from` moved past the records never listed: those whose
    datestamps were older never came again (until a full harvest)."""
    store.save_harvest_state(store.harvest_state("tv-test").model_copy(update={"next_from": "2024-01-01T00:00:00Z"}))
    server = fault_server([identify(), list_records(["1"], token="t1"), oai_error("noRecordsMatch", "expired"),
                           identify(), list_records(["1", "2"], response_date="2024-05-02T10:00:00Z")])
    run = harvest(server, store)
    assert run.added == 1
    [warning] = [e for e in run.errors if "noRecordsMatch" in e]
    assert "'t1'" in warning and server.url in warning and "not advanced" in warning, warning
    assert store.harvest_state("tv-test").next_from == "2024-01-01T00:00:00Z"
    assert store.harvest_state("tv-test").resumption_token is None
    # The next run reads the same window again, and gets the records after the lost token.
    again = harvest(server, store)
    assert params(server.queries[-1])["from"] == "2024-01-01T00:00:00Z"
    assert again.added == 1 and again.errors == []
    assert sorted(store.live_local_ids("tv-test")) == ["oai:x:1", "oai:x:2"]
    assert store.harvest_state("tv-test").next_from == "2024-05-02T10:00:00Z"


def test_bad_resumption_token_restarts_the_window(fault_server, store):
    state = store.harvest_state("tv-test").model_copy(update={"next_from": "2024-01-01T00:00:00Z"})
    store.save_harvest_state(state)
    server = fault_server([
        identify(),
        list_records(["1", "2"], token="t1", response_date="2024-05-01T10:00:00Z"),
        oai_error("badResumptionToken", "expired"),
        list_records(["1", "2"], token="t2", response_date="2024-05-01T11:00:00Z"),
        list_records(["3", "4"]),
    ])
    run = harvest(server, store)
    assert stored(store) == ["oai:x:1", "oai:x:2", "oai:x:3", "oai:x:4"]
    assert (run.added, run.unchanged) == (4, 2)
    assert params(server.queries[3]) == {"verb": "ListRecords", "metadataPrefix": "marc21",
                                         "from": "2024-01-01T00:00:00Z"}
    # The window's first responseDate is the next `from`: nothing changed in between is skipped.
    assert store.harvest_state("tv-test").next_from == "2024-05-01T10:00:00Z"


def test_http_500_text_plain_on_a_token_restarts_the_window(fault_server, store):
    plain = Canned(b"Internal Server Error", 500, {"Content-Type": "text/plain"})
    server = fault_server([identify(), list_records(["1"], token="t1"), plain, plain, plain,
                           list_records(["1"], token="t2"), list_records(["2"])])
    run = harvest(server, store, max_retries=2)
    assert stored(store) == ["oai:x:1", "oai:x:2"]
    assert any("restarted" in e for e in run.errors)


@pytest.mark.parametrize("refusal", [Canned(oai_error("badArgument", "resumptionToken is not valid")),
                                     Canned(b"no such token", 404, {"Content-Type": "text/plain"})],
                         ids=["badArgument", "http-404"])
def test_a_saved_token_refused_otherwise_than_bad_resumption_token_restarts_the_window(fault_server, store,
                                                                                       refusal):
    """A run killed mid-window leaves its token; one the server no longer takes must not wedge the library."""
    store.save_harvest_state(store.harvest_state("tv-test").model_copy(update={
        "resumption_token": "stale", "window_from": "2024-04-01T00:00:00Z", "next_from": "2024-04-01T00:00:00Z"}))
    server = fault_server([identify(), refusal, list_records(["1", "2"])])
    run = harvest(server, store)
    assert stored(store) == ["oai:x:1", "oai:x:2"]
    assert [params(q) for q in server.queries[1:]] == [
        {"verb": "ListRecords", "resumptionToken": "stale"},
        {"verb": "ListRecords", "metadataPrefix": "marc21", "from": "2024-04-01T00:00:00Z"}]
    assert any(e.startswith("warning:") and "restarted" in e for e in run.errors), run.errors
    assert store.harvest_state("tv-test").resumption_token is None


def test_bad_argument_on_the_first_request_of_a_window_is_still_an_error(fault_server, store):
    server = fault_server([identify(), oai_error("badArgument", "unknown set")])
    with pytest.raises(BadArgument):
        harvest(server, store)
    assert len(server.queries) == 2


def test_bad_resumption_token_to_a_request_without_one_is_an_error_at_once(fault_server, store):
    """It 'restarted the window' three times, asking the same thing again, and logged 'restarting the window
    from None'; no token was sent, so there is nothing to restart."""
    server = fault_server([identify()] + [oai_error("badResumptionToken", "broken server")] * 4)
    with pytest.raises(BadResumptionToken, match="broken server"):
        harvest(server, store)
    assert len(server.queries) == 2


@pytest.mark.parametrize("change", [{"set": "vi-thanh"}, {"prefix": "oai_dc"}, {"url": "/oai2"}])
def test_a_library_moved_to_another_set_format_or_url_is_harvested_whole_once(fault_server, store, change):
    """The saved `from` belongs to (url, metadataPrefix, set): kept, it would skip the new set's older records."""
    server = fault_server([identify(), list_records(["1"])])
    harvest_as(oai_library(server.url), store)
    assert store.harvest_state("tv-test").next_from == "2024-05-01T10:20:30Z"
    url = server.url.replace("/oai", change.get("url", "/oai"))
    moved = oai_library(url, **{k: v for k, v in change.items() if k != "url"})
    server.responses = [Canned(identify()), Canned(list_records(["2"])), Canned(list_identifiers(["2"]))]
    run = harvest_as(moved, store)
    assert "from" not in params(server.queries[-2])
    assert any(e.startswith("warning:") and "harvesting everything again" in e for e in run.errors), run.errors
    # What the old scope gave and the new one does not list leaves the catalogue.
    assert params(server.queries[-1])["verb"] == "ListIdentifiers"
    assert stored(store) == ["oai:x:2"] and run.deleted == 1
    server.responses = [Canned(identify()), Canned(list_records(["3"]))]
    harvest_as(moved, store)
    assert params(server.queries[-1])["from"] == "2024-05-01T10:20:30Z"


def _moved_to_another_set(fault_server, store):
    """A library harvested whole (records 1-4), then moved to the set "vi-thanh"."""
    server = fault_server([identify(), list_records(["1", "2", "3", "4"])])
    harvest_as(oai_library(server.url), store)
    return server, oai_library(server.url, set="vi-thanh")


def _refused_sweep_after_moving(fault_server, store):
    """Moved, the new set gives 3, 4, 5 and its sweep lists only 3: refused, nothing deleted."""
    server, moved = _moved_to_another_set(fault_server, store)
    server.responses = [Canned(identify()), Canned(list_records(["3", "4", "5"])), Canned(list_identifiers(["3"]))]
    with pytest.raises(HarvestError, match="returned 1 identifiers but 3 records were just harvested"):
        harvest_as(moved, store)
    return server, moved


def test_after_a_scope_change_the_old_records_wait_for_a_sweep_that_can_be_trusted(fault_server, store):
    """A failed or too-short sweep deletes nothing, and the next complete harvest sweeps again."""
    server, moved = _refused_sweep_after_moving(fault_server, store)
    assert stored(store) == ["oai:x:1", "oai:x:2", "oai:x:3", "oai:x:4", "oai:x:5"]
    server.responses = [Canned(identify()), Canned(list_records(["5"])), Canned(list_identifiers(["3", "4", "5"]))]
    assert harvest_as(moved, store).deleted == 2
    assert stored(store) == ["oai:x:3", "oai:x:4", "oai:x:5"]
    assert store.harvest_state("tv-test").sweep_pending is False


def test_a_retried_scope_change_sweep_keeps_its_guard(fault_server, store):
    """After a refused scope-change sweep, the retry runs after an incremental harvest that
    gave (almost) nothing, so `expected` is 0 and a short sweep deletes live records."""
    server, moved = _refused_sweep_after_moving(fault_server, store)
    # Next night: nothing new in the window, and the sweep again lists one identifier of three.
    server.responses = [Canned(identify()), Canned(oai_error("noRecordsMatch")), Canned(list_identifiers(["3"]))]
    with pytest.raises(HarvestError):
        harvest_as(moved, store)
    assert stored(store) == ["oai:x:1", "oai:x:2", "oai:x:3", "oai:x:4", "oai:x:5"]


def test_a_scope_change_harvest_resumed_after_an_interruption_keeps_its_sweep_guard(fault_server, store):
    """The new scope's harvest is cut after its first page (Ctrl+C, a kill, a server error) and
    resumed from its token next night: `expected` counts only the resumed pages."""
    server, moved = _moved_to_another_set(fault_server, store)
    fail = Canned(b"Internal Server Error", 500, {"Content-Type": "text/plain"})
    server.responses = [Canned(identify()), Canned(list_records(["3", "4", "5"], token="t1")), fail, fail, fail]
    with pytest.raises(HarvestError):
        harvest_as(moved, store, max_retries=2)
    assert store.harvest_state("tv-test").resumption_token == "t1"
    # Resumed: the last page gives one record, and the sweep lists one identifier of the three.
    server.responses = [Canned(identify()), Canned(list_records(["6"])), Canned(list_identifiers(["6"]))]
    with pytest.raises(HarvestError):
        harvest_as(moved, store)
    assert "oai:x:3" in stored(store) and "oai:x:5" in stored(store)


def test_a_harvest_state_saved_before_it_named_its_set_stays_incremental(fault_server, store, data_dir):
    with sqlite3.connect(data_dir / "catalog.sqlite3") as db:  # a row as the store wrote it before `harvested_for`
        db.execute("INSERT INTO harvest_state (library, state) VALUES (?, ?)",
                   ("tv-test", json.dumps({"library": "tv-test", "next_from": "2024-04-01T00:00:00Z"})))
    server = fault_server([identify(), list_records(["1"])])
    run = harvest_as(oai_library(server.url), store)
    assert params(server.queries[-1])["from"] == "2024-04-01T00:00:00Z" and run.errors == []
    assert store.harvest_state("tv-test").harvested_for == f"{server.url}?metadataPrefix=marc21"


def test_undeclared_gzip_is_decompressed(fault_server, store):
    server = fault_server([identify(), Canned(gzip.compress(list_records(["1", "2"])))])
    assert harvest(server, store).added == 2


def test_a_truncated_undeclared_gzip_body_is_asked_again_then_fails_naming_the_url(fault_server):
    """gzip carries its own end marker and length: half a body is not taken for a whole one."""
    body = gzip.compress(list_records([str(i) for i in range(20)]))
    cut = Canned(body[: len(body) // 2], headers={"Content-Type": "application/octet-stream"})
    server = fault_server([cut, Canned(body)])
    settings = fast_settings()
    with make_client(settings) as client:
        assert fetch(client, server.url, None, settings, "tv-test").content == gzip.decompress(body)
        server.responses = [cut, cut, cut]
        with pytest.raises(HarvestError, match="ends before its end marker") as info:
            fetch(client, server.url, None, settings, "tv-test")
    assert server.url in str(info.value) and "after 3 attempts" in str(info.value)


def test_undeclared_gzip_of_several_members_is_read_whole(fault_server):
    body = gzip.compress(b"<first/>") + gzip.compress(b"<second/>") + b"\n"
    server = fault_server([Canned(body, headers={"Content-Type": "application/octet-stream"})])
    settings = fast_settings()
    with make_client(settings) as client:
        assert fetch(client, server.url, None, settings, "tv-test").content == b"<first/><second/>"


def test_declared_gzip_is_decoded(fault_server, store):
    headers = {"Content-Type": "text/xml", "Content-Encoding": "gzip"}
    server = fault_server([identify(), Canned(gzip.compress(list_records(["1"])), headers=headers)])
    assert harvest(server, store).added == 1


def test_a_truncated_declared_gzip_body_is_asked_again_then_fails(fault_server):
    """httpx's own gzip decoder never checks the end marker: declared gzip is decoded by us too."""
    body = gzip.compress(list_records([str(i) for i in range(20)]))
    headers = {"Content-Type": "text/xml", "Content-Encoding": "gzip"}
    cut = Canned(body[: len(body) // 2], headers=headers)
    server = fault_server([cut, Canned(body, headers=headers)])
    settings = fast_settings()
    with make_client(settings) as client:
        assert fetch(client, server.url, None, settings, "tv-test").content == gzip.decompress(body)
        server.responses = [cut, cut, cut]
        with pytest.raises(HarvestError, match="ends before its end marker"):
            fetch(client, server.url, None, settings, "tv-test")


def test_a_gzip_file_served_with_declared_gzip_on_top_is_decoded_twice(fault_server):
    """A web server's compression wraps a .gz file (or a gzipped page) in a second, declared layer."""
    xml = list_records(["1", "2"])
    server = fault_server([Canned(gzip.compress(gzip.compress(xml)),
                                  headers={"Content-Type": "text/xml", "Content-Encoding": "gzip"})])
    settings = fast_settings()
    with make_client(settings) as client:
        assert fetch(client, server.url, None, settings, "tv-test").content == xml


def test_resumption_token_is_url_encoded(fault_server, store):
    token = "a+b c!d/%2F&x=1"
    server = fault_server([identify(), list_records(["1"], token=token.replace("&", "&amp;")), list_records(["2"])])
    harvest(server, store)
    assert params(server.queries[2])["resumptionToken"] == token
    assert "%2B" in server.queries[2] and "%20" in server.queries[2] and "+" not in server.queries[2]


def test_http_422_with_oai_error_body_raises_the_protocol_error(fault_server, store):
    body = oai_error("cannotDisseminateFormat", "marc21 not offered")
    server = fault_server([identify(), Canned(body, 422)])
    with pytest.raises(CannotDisseminateFormat) as info:
        harvest(server, store)
    error = info.value
    assert isinstance(error, OaiProtocolError) and isinstance(error, HarvestError)
    assert (error.endpoint, error.verb, error.code) == (server.url, "ListRecords", "cannotDisseminateFormat")
    assert server.url in str(error)


@pytest.mark.parametrize("status", [200, 400])
def test_identify_answered_with_an_oai_error_is_a_protocol_error_naming_the_endpoint(fault_server, store, status):
    """A wrong base URL, or a catalogue with OAI-PMH switched off; sickle's Identify crashed on it."""
    server = fault_server([Canned(oai_error("badVerb", "OAI-PMH is disabled"), status)])
    with pytest.raises(OaiProtocolError) as info:
        harvest(server, store)
    assert (info.value.verb, info.value.code, info.value.endpoint) == ("Identify", "badVerb", server.url)
    assert len(server.queries) == 1


def test_identify_oai_error_fails_the_library_s_run_with_that_error(fault_server, store, data_dir):
    server = fault_server([oai_error("badArgument", "OAI-PMH is disabled")])
    entry = {"id": "tv-test", "name": "x", "type": "district", "district": "d", "protocol": "oai-pmh",
             "url": server.url, "metadata_prefix": "marc21"}
    settings = make_settings(data_dir, [entry], harvest=FAST)
    run = run_library(settings, store, settings.library("tv-test"))
    assert run.status == "failed"
    assert run.errors == [f"library 'tv-test' ({server.url}): OAI-PMH error badArgument on Identify: "
                          "OAI-PMH is disabled"]


def test_http_422_no_records_match_is_still_success(fault_server, store):
    server = fault_server([identify(), Canned(oai_error("noRecordsMatch"), 422)])
    assert harvest(server, store).added == 0


def test_http_500_carrying_an_oai_error_is_that_error_at_once(fault_server, store):
    """Some home-made providers send every OAI-PMH <error> with HTTP 500.  noRecordsMatch on a quiet night
    was asked again max_retries times and then failed the library, every night nothing changed."""
    server = fault_server([identify(), Canned(oai_error("noRecordsMatch"), 500), list_records(["never"])])
    run = harvest(server, store, max_retries=2)
    assert (run.added, run.errors) == (0, [])
    assert len(server.queries) == 2


@contextmanager
def parses_of(body_part: bytes) -> Iterator[list[bytes]]:
    """The documents containing `body_part` that parse_xml_strict is called on meanwhile (watched with
    sys.setprofile, which sees each call of the real function; nothing is replaced)."""
    parsed: list[bytes] = []

    def watch(frame, event, arg):
        if event == "call" and frame.f_code is parse_xml_strict.__code__ and body_part in frame.f_locals["data"]:
            parsed.append(frame.f_locals["data"])

    previous = sys.getprofile()
    sys.setprofile(watch)
    try:
        yield parsed
    finally:
        sys.setprofile(previous)


@pytest.mark.parametrize("status", [500, 422])
def test_an_oai_error_sent_with_an_error_status_is_parsed_once(fault_server, store, status):
    """A 5xx carrying an OAI <error> was parsed twice: once to tell that asking again was useless
    (carries_oai_error), then again to read the error.  A large or repaired body cost double."""
    server = fault_server([identify(), Canned(oai_error("noRecordsMatch", "Không có bản ghi\x01"), status)])
    with parses_of(b"noRecordsMatch") as parsed:
        run = harvest(server, store, max_retries=2)
    assert (run.added, run.errors, len(server.queries)) == (0, [], 2)
    assert len(parsed) == 1, parsed


def test_http_404_without_oai_body_fails_with_status(fault_server, store):
    server = fault_server([identify(), Canned(b"not here", 404, {"Content-Type": "text/plain"})])
    with pytest.raises(HarvestError, match="404"):
        harvest(server, store)


@pytest.mark.parametrize("headers", [{}, {"Content-Type": "text/html"}], ids=["bare", "html"])
def test_a_redirect_without_a_location_is_said_to_be_one(fault_server, store, headers):
    """It was reported as "response is not well-formed XML ... Document is empty" (or as an HTML page),
    after asking again: a 302 that says nowhere to go is the server's configuration, not a bad page."""
    server = fault_server([identify(), Canned(b"", 302, headers)] * 3)
    with pytest.raises(HttpStatusError) as caught:
        harvest(server, store, max_retries=2)
    message = str(caught.value)
    assert "tv-test" in message and f"{server.url}?verb=ListRecords" in message, message
    assert "HTTP 302" in message and "without a Location header" in message and "url" in message, message
    assert "XML" not in message and "HTML" not in message
    assert len(server.queries) == 2  # not asked again: the answer will not change


def test_a_marc_file_url_redirecting_nowhere_is_said_to_be_one(fault_server, store):
    server = fault_server([Canned(b"", 301, {})])
    with make_client(fast_settings()) as client, pytest.raises(HttpStatusError, match="without a Location"):
        harvest_marc_file(marc_library(server.url), store, client, fast_settings())


@pytest.mark.parametrize(("status", "hint"), [
    (404, "check the library's url"), (403, "refuses this harvester"), (410, "check the library's url")])
def test_a_404_or_403_names_the_library_url_status_and_what_to_check(fault_server, store, status, hint):
    """"HTTP 404: not here" gave no hint where to look."""
    server = fault_server([identify(), Canned(b"not here", status, {"Content-Type": "text/plain"})])
    with pytest.raises(HttpStatusError) as caught:
        harvest(server, store)
    message = str(caught.value)
    assert "tv-test" in message and server.url in message and f"HTTP {status}" in message, message
    assert hint in message, message
    if status == 403:
        assert "address" in message and "User-Agent" in message and "unioncat" in message, message
    else:
        assert "[[libraries]]" in message, message


def test_a_marc_file_url_answering_404_says_what_to_check(fault_server, store):
    server = fault_server([Canned(b"gone", 404, {"Content-Type": "text/plain"})])
    with make_client(fast_settings()) as client, pytest.raises(HarvestError) as caught:
        harvest_marc_file(marc_library(server.url), store, client, fast_settings())
    assert "HTTP 404" in str(caught.value) and "check the library's url" in str(caught.value), caught.value


def test_body_over_the_limit_is_refused(fault_server):
    server = fault_server([Canned(b"x" * 5000)])
    settings = fast_settings(max_response_bytes=1000)
    with make_client(settings) as client, pytest.raises(ResponseTooLargeError, match="limit of 1000"):
        fetch(client, server.url, {"verb": "Identify"}, settings, "tv-test")


def test_day_granularity_cuts_next_from_to_the_day(fault_server, store):
    server = fault_server([identify("YYYY-MM-DD"), list_records(["1"], response_date="2024-05-01T10:20:30Z")])
    harvest(server, store, overlap_s=0)
    assert store.harvest_state("tv-test").next_from == "2024-05-01"


def test_overlap_is_subtracted_from_next_from(fault_server, store):
    server = fault_server([identify(), list_records(["1"], response_date="2024-05-01T10:20:30Z")])
    harvest(server, store, overlap_s=60)
    assert store.harvest_state("tv-test").next_from == "2024-05-01T10:19:30Z"


def test_not_oai_pmh_xml_is_an_error(fault_server, store):
    server = fault_server([identify(), b"<rss><channel/></rss>"])
    with pytest.raises(HarvestError, match="not OAI-PMH"):
        harvest(server, store)


def test_error_classes_follow_the_codes():
    error = BadResumptionToken("http://x/oai", "ListRecords", "badResumptionToken", "t9", "gone", library="lib")
    assert "t9" in str(error) and "http://x/oai" in str(error) and "lib" in str(error)
    assert issubclass(NoRecordsMatch, OaiProtocolError)
    assert envelope("")  # the builder itself stays usable


def test_response_nested_too_deep_is_refused_naming_the_endpoint(fault_server, store):
    deep = envelope("<ListRecords>" + "<x>" * 2100 + "</x>" * 2100 + "</ListRecords>")
    server = fault_server([identify(), deep, deep, deep])
    with pytest.raises(MalformedResponseError, match="nested deeper than 2048") as info:
        harvest(server, store)
    assert server.url in str(info.value) and "tv-test" in str(info.value)


def test_response_too_large_is_refused_naming_the_endpoint(fault_server, store):
    server = fault_server([identify(), list_records([str(i) for i in range(50)])])
    with pytest.raises(ResponseTooLargeError, match="limit of 4000") as info:
        harvest(server, store, max_response_bytes=4000)
    assert server.url in str(info.value) and "tv-test" in str(info.value)


def test_external_entities_are_never_loaded(fault_server, store):
    body = list_records(["1"], title="&xxe;").replace(
        b"<OAI-PMH", b'<!DOCTYPE OAI-PMH [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><OAI-PMH', 1)
    server = fault_server([identify(), body])
    harvest(server, store)
    [(_, raw)] = list(store.raw_changed_since(0, "tv-test"))
    assert b"root:" not in raw.payload


def test_records_out_of_datestamp_order_all_arrive_and_next_from_is_the_response_date(fault_server, store):
    """Providers may list newest first; `from` must come from responseDate, never from the records."""
    stamps = {"3": "2024-04-30T09:00:00Z", "2": "2024-02-01T00:00:00Z", "1": "2023-12-31T23:59:59Z"}
    records = "".join(
        f"<record><header><identifier>oai:x:{i}</identifier><datestamp>{stamp}</datestamp></header>"
        f"<metadata>{marcxml_record(i, f'Sách {i}')}</metadata></record>" for i, stamp in stamps.items())
    server = fault_server([identify(), envelope(f"<ListRecords>{records}</ListRecords>", "2024-05-01T10:20:30Z")])
    run = harvest(server, store)
    assert run.added == 3
    stored = {raw.local_id: raw.datestamp for _seq, raw in store.raw_changed_since(0)}
    assert stored == {f"oai:x:{i}": stamp for i, stamp in stamps.items()}
    assert store.harvest_state("tv-test").next_from == "2024-05-01T10:20:30Z"


def sweep_refused(server, store, match: str, **settings) -> None:
    """Harvest the library whole, then check its sweep raises HarvestError matching `match`."""
    settings = fast_settings(**settings)
    with make_client(settings) as client:
        harvester = OaiHarvester(client, store, settings)
        harvester.harvest(oai_library(server.url))
        with pytest.raises(HarvestError, match=match):
            harvester.sweep(oai_library(server.url))

def test_a_sweep_whose_server_repeats_a_token_deletes_nothing(fault_server, store):
    """A looping server never listed the rest; deleting what it did not list would remove live records."""
    ids = [str(n) for n in range(1, 11)]
    server = fault_server([identify(), list_records(ids), list_identifiers(ids[:3], token="t1"),
                           list_identifiers(ids[3:6], token="t1"), list_identifiers(ids[6:])])
    sweep_refused(server, store, "repeated; nothing deleted")
    assert len(stored(store)) == 10


def test_a_sweep_whose_server_sends_the_same_page_under_new_tokens_ends_and_deletes_nothing(fault_server, store):
    """A provider that ignores the offset in its tokens lists its first identifiers for ever: the sweep never
    ended (the night's run and its lock held for good)."""
    ids = [str(n) for n in range(1, 5)]
    pages = [list_identifiers(ids[:2], token=f"page={n}") for n in range(2, 30)]
    server = fault_server([identify(), list_records(ids), *pages])
    sweep_refused(server, store, "same records as the page before it; nothing deleted")
    assert len(server.queries) == 4 and len(stored(store)) == 4


def test_a_sweep_whose_server_sends_empty_pages_under_new_tokens_ends_and_deletes_nothing(fault_server, store):
    """Empty pages with ever new tokens never end a list: the sweep held the night's run and its lock."""
    ids = [str(n) for n in range(1, 5)]
    endless = [list_identifiers([], token=f"offset={n}") for n in range(2, 60)]
    server = fault_server([identify(), list_records(ids), list_identifiers(ids, token="offset=1"), *endless])
    sweep_refused(server, store, "4 pages in a row without records.*nothing deleted", max_empty_pages=4)
    assert len(server.queries) == 1 + 1 + 1 + 4 and len(stored(store)) == 4


def test_a_sweep_whose_server_answers_no_records_to_a_token_deletes_nothing(fault_server, store):
    """A list ends with an empty token: noRecordsMatch to a token means the server lost the list."""
    ids = [str(n) for n in range(1, 11)]
    server = fault_server([identify(), list_records(ids), list_identifiers(ids[:6], token="t1"),
                           oai_error("noRecordsMatch", "no records")])
    sweep_refused(server, store, "noRecordsMatch to resumption token 't1'; nothing deleted")
    assert len(stored(store)) == 10


def test_a_server_that_loses_its_list_night_after_night_fails_the_third(fault_server, store):
    """noRecordsMatch to a token stops the window with a warning; one that never gets through its window
    (tokens expiring every night) looked "ok" for ever while its records were never harvested to date.
    The third such night in a row fails; a window listed to its end starts the count again."""
    ids = [str(n) for n in range(1, 7)]
    lose = [Canned(list_records(ids[:3], token="t1")), Canned(oai_error("noRecordsMatch", "token expired"))]
    server = fault_server([identify()])
    for night in (1, 2):
        server.responses = [Canned(identify()), *lose]
        run = harvest(server, store)
        assert run.added == (3 if night == 1 else 0)
        assert any("lost the list" in error for error in run.errors)
        assert store.harvest_state("tv-test").lists_lost == night
    server.responses = [Canned(identify()), *lose]
    with pytest.raises(HarvestError, match="3 windows in a row"):
        harvest(server, store)
    server.responses = [Canned(identify()), Canned(list_records(ids))]
    harvest(server, store)
    assert store.harvest_state("tv-test").lists_lost == 0 and stored(store) == [f"oai:x:{n}" for n in ids]


def test_a_record_a_sweep_deleted_comes_back_when_the_source_lists_it_again(fault_server, store):
    """Its datestamp is old, so no incremental window would fetch it: the sweep fetches it by GetRecord."""
    server = fault_server([identify(), list_records(["1", "2", "3"]), list_identifiers(["1", "2"])])
    settings = fast_settings()
    with make_client(settings) as client:
        harvester = OaiHarvester(client, store, settings)
        harvester.harvest(oai_library(server.url))
        server.responses.append(Canned(oai_error("idDoesNotExist", "withdrawn")))  # the sweep asks GetRecord
        assert harvester.sweep(oai_library(server.url)) == 1  # withdrawn, then put back
        server.responses = [Canned(list_identifiers(["1", "2", "3"])), Canned(get_record("3"))]
        assert harvester.sweep(oai_library(server.url)) == 0
    assert stored(store) == ["oai:x:1", "oai:x:2", "oai:x:3"]
    assert params(server.queries[-1]) == {"verb": "GetRecord", "identifier": "oai:x:3", "metadataPrefix": "marc21"}


@pytest.mark.parametrize("bad", ["\ufffe", "&#xFFFF;", "&#xD800;", "&#65535;"])
def test_noncharacters_and_surrogates_do_not_lose_the_page(fault_server, store, bad):
    server = fault_server([identify(), list_records(["1", "2"], title=f"A{bad}B")])
    run = harvest(server, store)
    assert run.added == 2 and any("invalid XML characters" in e for e in run.errors)


def test_a_resumption_token_a_server_puts_before_the_records_is_followed(fault_server, store):
    records = list_records(["1"]).split(b"<ListRecords>")[1].split(b"</ListRecords>")[0].decode()
    page = envelope(f"<ListRecords><resumptionToken>t1</resumptionToken>{records}</ListRecords>")
    server = fault_server([identify(), page, list_records(["2"])])
    harvest(server, store)
    assert params(server.queries[-1]) == {"verb": "ListRecords", "resumptionToken": "t1"}
    assert stored(store) == ["oai:x:1", "oai:x:2"]


def test_oai_xml_sent_as_text_html_is_read(fault_server, store):
    html = {"Content-Type": "text/html; charset=utf-8"}
    server = fault_server([Canned(identify(), headers=html), Canned(list_records(["1", "2"]), headers=html)])
    assert harvest(server, store).added == 2


def test_a_response_date_with_an_offset_is_converted_to_utc(fault_server, store):
    server = fault_server([identify(), list_records(["1"], response_date="2024-05-01T17:20:30+07:00")])
    harvest(server, store, overlap_s=0)
    assert store.harvest_state("tv-test").next_from == "2024-05-01T10:20:30Z"


def test_a_listed_record_that_cannot_be_fetched_does_not_stop_the_sweep(fault_server, store):
    gone = oai_error("idDoesNotExist", "gone")
    server = fault_server([identify(), list_records(["1", "2", "3", "4"]), list_identifiers(["1", "2", "3"]), gone])
    settings = fast_settings()
    with make_client(settings) as client:
        harvester = OaiHarvester(client, store, settings)
        harvester.harvest(oai_library(server.url))
        assert harvester.sweep(oai_library(server.url)) == 1
        server.responses = [Canned(list_identifiers(["1", "2", "4"])), Canned(gone), Canned(gone)]
        assert harvester.sweep(oai_library(server.url)) == 1  # 3 is gone at the source; 4 stays deleted
    assert stored(store) == ["oai:x:1", "oai:x:2"]


def _in_charset(page: bytes, charset: str) -> bytes:
    """An OAI-PMH page re-encoded in `charset` without its XML declaration, as a PHP front end over a
    Windows-1258 database sends it."""
    return page.decode("utf-8").split("?>", 1)[1].encode(charset)


@pytest.mark.parametrize("charset", ["windows-1258", "iso-8859-1"])
def test_a_page_in_the_charset_its_http_header_names_is_read(fault_server, store, charset):
    """No XML declaration and not UTF-8: every page failed, though Content-Type said what it was."""
    headers = {"Content-Type": f"text/xml; charset={charset}"}
    # Windows-1258 writes tones as combining marks after ư, ơ, â…: "Lịch sử" is "Li" + dot below + "ch s" + "ư" + hook.
    title = "Li\u0323ch s\u01b0\u0309" if charset == "windows-1258" else "Café"
    server = fault_server([Canned(_in_charset(identify(), charset), headers=headers),
                           Canned(_in_charset(list_records(["1", "2"], title=title), charset), headers=headers)])
    assert harvest(server, store).added == 2
    assert f"{title} 1" in _raw_payload(store, "oai:x:1")


def test_a_utf8_page_under_a_latin1_label_stays_utf8(fault_server, store):
    """Web servers label XML "charset=ISO-8859-1" by default: obeying that would make mojibake of UTF-8."""
    headers = {"Content-Type": "text/xml; charset=ISO-8859-1"}
    server = fault_server([Canned(identify(), headers=headers), Canned(list_records(["1"], title="Lịch sử"),
                                                                        headers=headers)])
    harvest(server, store)
    assert "Lịch sử 1" in _raw_payload(store, "oai:x:1")


def test_a_page_that_declares_its_encoding_is_read_in_it_under_a_web_servers_default_label(fault_server, store):
    """A page saying <?xml … encoding="windows-1258"?> was read so; since the HTTP charset came to be
    used for pages not in UTF-8, the web server's default "charset=ISO-8859-1" (which decodes any
    bytes) won, and every Vietnamese letter was stored as mojibake.  The declaration is the page's
    own word: the HTTP charset serves only a page with none."""
    headers = {"Content-Type": "text/xml; charset=ISO-8859-1"}
    title = "Li\u0323ch s\u01b0\u0309"  # "Lịch sử" as Windows-1258 writes it: tones as combining marks

    def declared(page: bytes) -> bytes:
        return ('<?xml version="1.0" encoding="windows-1258"?>' + _in_charset(page, "utf-8").decode()).encode(
            "windows-1258")

    server = fault_server([Canned(declared(identify()), headers=headers),
                           Canned(declared(list_records(["1"], title=title)), headers=headers)])
    assert harvest(server, store).added == 1
    # The parser's converter composes the marks (normalize makes every record NFC anyway).
    assert "L\u1ecbch s\u1eed 1" in unicodedata.normalize("NFC", _raw_payload(store, "oai:x:1"))


def _raw_payload(store, local_id: str) -> str:
    return next(raw for _, raw in store.raw_changed_since(0, "tv-test") if raw.local_id == local_id).payload.decode()


def test_a_redirect_off_the_web_or_towards_the_harvesting_machine_is_refused(fault_server, store):
    """The configured URL is trusted, a library server's redirect is not: one answering 302 to
    the cloud metadata address (169.254.169.254) or to the harvesting machine's own services had
    us fetch them, and the start of what they answered went into the public status page's errors;
    a redirect to file:// ended the whole run with httpx's UnsupportedProtocol."""
    from harvester.errors import UnsafeRedirectError
    from harvester.redirects import redirect_refusal

    settings = fast_settings()
    for target in ("file:///etc/passwd", "http://169.254.169.254/latest/meta-data/iam/", "gopher://127.0.0.1:25/"):
        server = fault_server([Canned(b"", 302, {"Location": target})])
        with make_client(settings) as client, pytest.raises(UnsafeRedirectError) as caught:
            fetch(client, server.url, {"verb": "Identify"}, settings, "tv-test")
        assert caught.value.library == "tv-test" and target in str(caught.value) and server.url in str(caught.value)
    # A catalogue that moved to another server of the same network is still followed.
    moved = fault_server([identify()])
    server = fault_server([Canned(b"", 301, {"Location": moved.url})])
    with make_client(settings) as client:
        assert fetch(client, server.url, {"verb": "Identify"}, settings, "tv-test").status_code == 200
    # From a server on the internet, no redirect may lead into the local network or to this machine.
    assert redirect_refusal("http://8.8.8.8/oai", "http://127.0.0.1:8080/admin") is not None
    assert redirect_refusal("http://8.8.8.8/oai", "http://10.0.0.5/oai") is not None
    assert redirect_refusal("http://10.0.0.4/oai", "http://[::1]/oai") is not None
    assert redirect_refusal("http://10.0.0.4/oai", "https://10.0.0.5/oai") is None
    assert redirect_refusal("http://10.0.0.4/oai", "https://8.8.4.4/oai") is None


def test_a_redirect_loop_is_one_error_naming_the_loop_and_what_to_do():
    """A server that redirects to itself: no traceback, no retries, the library and URL named."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from harvester.errors import UnsafeRedirectError

    class Loop(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(302)
            self.send_header("Location", self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Loop)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/oai"
    settings = fast_settings()
    try:
        with make_client(settings) as client, pytest.raises(UnsafeRedirectError) as raised:
            fetch(client, url, {"verb": "Identify"}, settings, "tv-loop")
    finally:
        server.shutdown()
    message = str(raised.value)
    assert "tv-loop" in message and url in message and "redirect loop" in message, message


@pytest.mark.parametrize(("response_date", "said"), [("", "sent no responseDate"),
                                                     ("yesterday", "sent responseDate 'yesterday', which is not a date")])
def test_a_list_without_a_readable_response_date_says_so_once_and_keeps_from(fault_server, store, response_date, said):
    """Else a server without responseDate had every night read its whole list again without a word."""
    pages = [list_records(["1"], token="t1"), list_records(["2"])]
    pages = [page.replace(b"<responseDate>2024-05-01T10:20:30Z</responseDate>",
                          f"<responseDate>{response_date}</responseDate>".encode() if response_date else b"")
             for page in pages]
    assert all(b"2024-05-01T10:20:30Z" not in page for page in pages)
    run = harvest(fault_server([identify(), *pages]), store)
    assert run.added == 2
    warnings = [error for error in run.errors if said in error]
    assert len(warnings) == 1 and "`from` not advanced" in warnings[0], run.errors
    assert store.harvest_state("tv-test").next_from is None


def test_a_failing_identify_falls_back_to_the_granularity_it_declared_before(fault_server, store):
    """Identify is asked only for the granularity: a server whose Identify broke while ListRecords still
    worked lost every night's harvest."""
    broken = [Canned(b"<html><body>Internal Server Error</body></html>", 500, {"Content-Type": "text/html"})] * 3
    server = fault_server([identify("YYYY-MM-DDThh:mm:ssZ"), list_records(["1"]), *broken, list_records(["2"])])
    harvest(server, store)
    run = harvest(server, store)
    assert run.added == 1 and stored(store) == ["oai:x:1", "oai:x:2"]
    assert params(server.queries[-1])["from"] == "2024-05-01T10:20:30Z"  # seconds, as Identify said before
    [warning] = run.errors
    assert "HTTP 500" in warning and "YYYY-MM-DDThh:mm:ssZ" in warning and "Identify" in warning, warning


def test_a_failing_identify_with_no_granularity_known_fails_the_library(fault_server, store):
    broken = [Canned(b"<html><body>Internal Server Error</body></html>", 500, {"Content-Type": "text/html"})] * 3
    server = fault_server(broken)
    with pytest.raises(HttpStatusError, match="Identify"):
        harvest(server, store)
    assert len(server.queries) == 3 and stored(store) == []
