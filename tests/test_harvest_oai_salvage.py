"""A ListRecords page that is well-formed but inside one record, sent the same on every request: the
other records are read and the harvest goes on.  It used to fail the library every night on that
page's token, so no record after it was ever harvested.  Against the canned-answer server on 127.0.0.1
and a real SQLite store."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from lxml import etree

from config.errors import HarvestError
from harvester.errors import MalformedResponseError
from harvester.oai import OaiHarvester
from harvester.run import harvest_library
from harvester.transport import make_client
from store.models import RawRecord
from tests.conftest import make_settings
from tests.test_harvest_support import FAST, MARC_NS, envelope, fast_settings, identify, list_records, oai_library

# max_retries=2 (FAST): a page is requested three times before it is salvaged.
REQUESTS_PER_BROKEN_PAGE = FAST["max_retries"] + 1

BREAKS = {
    "subfield-end-tag-without-its-gt": '<subfield code="a">Tên</subfield</datafield>',
    "datafield-never-closed": '<datafield tag="245" ind1="0" ind2="0"><subfield code="a">Tên</subfield>',
}


def record(local_id: str, datafield: str | None = None, identifier: str | None = None) -> str:
    """One OAI <record> of a MARCXML book, on lines of its own as servers write them; `datafield` replaces its 245."""
    title = f'<datafield tag="245" ind1="0" ind2="0"><subfield code="a">Sách {local_id}</subfield></datafield>'
    field = datafield or title
    head = identifier if identifier is not None else f"<identifier>oai:x:{local_id}</identifier>"
    return (f"<record>\n<header>{head}<datestamp>2024-03-15T10:30:00Z</datestamp></header>\n"
            f'<metadata><record xmlns="{MARC_NS}"><leader>00000nam a2200000 a 4500</leader>\n'
            f'<controlfield tag="001">{local_id}</controlfield>\n{field}\n</record></metadata>\n</record>\n')


def page(records: list[str], token: str | None) -> bytes:
    token_xml = "" if token is None else f"<resumptionToken>{token}</resumptionToken>"
    return envelope(f"<ListRecords>\n{''.join(records)}{token_xml}</ListRecords>")


def harvest(server, store, **settings):
    settings = fast_settings(**settings)
    with make_client(settings) as client:
        return OaiHarvester(client, store, settings).harvest(oai_library(server.url))


def token_of(query: str) -> str | None:
    return parse_qs(query).get("resumptionToken", [None])[0]


@pytest.mark.parametrize("broken", BREAKS.values(), ids=BREAKS.keys())
def test_a_page_broken_inside_one_record_keeps_its_other_records_and_the_harvest_goes_on(
        fault_server, store, data_dir, broken):
    first = page([record("1"), record("2", broken), record("3")], token="t1")
    server = fault_server([identify()] + [first] * REQUESTS_PER_BROKEN_PAGE
                          + [list_records(["4", "5"], response_date="2024-05-02T00:00:00Z")])
    settings = make_settings(data_dir, [{"id": "tv-test", "name": "Thư viện thử", "type": "district",
                                         "district": "Vị Thanh", "protocol": "oai-pmh", "url": server.url,
                                         "metadata_prefix": "marc21"}], harvest=FAST)
    run = harvest_library(settings, store, settings.library("tv-test"))
    assert run.status == "ok", run.errors
    assert sorted(store.live_local_ids("tv-test")) == ["oai:x:1", "oai:x:3", "oai:x:4", "oai:x:5"]
    assert (run.added, run.rejected) == (4, 1)
    status = store.library_status("tv-test")
    assert status.last_status == "ok"
    [salvaged] = [e for e in status.errors if "not well-formed XML inside 1 of its records" in e]
    assert server.url in salvaged and "page 1" in salvaged and "'t1'" not in salvaged  # page 1 had no token
    [skipped] = [e for e in status.errors if "'oai:x:2' skipped" in e]
    assert "record 2 of the page" in skipped and "(line 1" in skipped and "Ask the library" in skipped
    # The next page was asked for with the broken page's token, and the window ended as usual.
    assert [token_of(q) for q in server.queries[1:]] == [None] * REQUESTS_PER_BROKEN_PAGE + ["t1"]
    state = store.harvest_state("tv-test")
    assert state.resumption_token is None and state.next_from == "2024-05-01T10:20:30Z"


@pytest.mark.parametrize("one_line", [False, True], ids=["a-record-on-lines", "the-page-on-one-line"])
def test_a_broken_record_on_a_later_page_names_that_pages_token_and_where_the_page_breaks(
        fault_server, store, one_line):
    second = page([record("3"), record("4", BREAKS["subfield-end-tag-without-its-gt"])], token="t2")
    second = second.replace(b"\n", b"") if one_line else second
    with pytest.raises(etree.XMLSyntaxError) as whole_page:  # where lxml stops reading the whole page
        etree.fromstring(second)
    server = fault_server([identify(), list_records(["1", "2"], token="t1")] + [second] * REQUESTS_PER_BROKEN_PAGE
                          + [list_records(["5"])])
    run = harvest(server, store)
    assert sorted(store.live_local_ids("tv-test")) == ["oai:x:1", "oai:x:2", "oai:x:3", "oai:x:5"]
    [salvaged] = [e for e in run.errors if "not well-formed" in e and "page 2" in e and "skipped:" not in e]
    assert "resumptionToken 't1'" in salvaged
    [skipped] = [e for e in run.errors if "'oai:x:4' skipped" in e]
    line, column = whole_page.value.position
    assert f"expected '>' (line {line}, column {column})" in skipped, skipped
    assert line == (1 if one_line else 13)  # record 4 starts on line 9 (ListRecords on line 1, 7 lines a record)


def test_a_broken_record_whose_identifier_cannot_be_read_is_named_by_its_position(fault_server, store):
    broken = record("2", BREAKS["datafield-never-closed"], identifier="<identifier>oai:x:2</identifer>")
    server = fault_server([identify()] + [page([record("1"), broken, record("3")], None)] * REQUESTS_PER_BROKEN_PAGE)
    run = harvest(server, store)
    assert sorted(store.live_local_ids("tv-test")) == ["oai:x:1", "oai:x:3"]
    assert any("'#2 on page 1' skipped" in e and "its identifier cannot be read" in e for e in run.errors), run.errors
    assert [reject.local_id for reject in store.rejects("tv-test")] == ["#2 on page 1"]  # as status counts it


@pytest.mark.parametrize("max_retries", [0, 2])
def test_a_page_broken_the_same_way_on_every_request_is_fetched_max_retries_plus_one_times(
        fault_server, store, max_retries):
    first = page([record("1"), record("2", BREAKS["datafield-never-closed"])], token="t1")
    server = fault_server([identify()] + [first] * (max_retries + 1) + [list_records(["3"]), list_records(["x"])])
    run = harvest(server, store, max_retries=max_retries)
    assert len(server.queries) == 1 + max_retries + 1 + 1
    assert token_of(server.queries[-1]) == "t1"
    assert sorted(store.live_local_ids("tv-test")) == ["oai:x:1", "oai:x:3"] and run.rejected == 1


def test_a_page_broken_once_is_asked_again_and_nothing_is_skipped(fault_server, store):
    whole = [record("1"), record("2"), record("3")]
    server = fault_server([identify(), page([whole[0], record("2", BREAKS["datafield-never-closed"]), whole[2]], None),
                           page(whole, None)])
    run = harvest(server, store)
    assert (run.added, run.rejected, run.errors) == (3, 0, [])


@pytest.mark.parametrize("cut_at", ["before-the-token", "inside-a-broken-record"])
def test_a_page_whose_envelope_is_broken_still_fails_after_the_retries_and_deletes_nothing(
        fault_server, store, cut_at):
    """A page cut short must never read as "the list ended": the token stays, the next run asks again."""
    store.save_harvest_page([RawRecord(library="tv-test", local_id="oai:x:old", format="marcxml", payload=b"<r/>")])
    whole = page([record("3"), record("4", BREAKS["subfield-end-tag-without-its-gt"]), record("5")], token="t2")
    end = whole.index(b"<resumptionToken>") if cut_at == "before-the-token" else whole.index("Sách 5".encode())
    cut = whole[:end]
    server = fault_server([identify(), list_records(["1", "2"], token="t1")] + [cut] * REQUESTS_PER_BROKEN_PAGE)
    with pytest.raises(MalformedResponseError, match="not well-formed") as info:
        harvest(server, store)
    assert server.url in str(info.value) and len(server.queries) == 2 + REQUESTS_PER_BROKEN_PAGE
    assert sorted(store.live_local_ids("tv-test")) == ["oai:x:1", "oai:x:2", "oai:x:old"]
    assert store.deleted_local_ids("tv-test") == set()
    assert store.harvest_state("tv-test").resumption_token == "t1"


def test_a_page_with_a_broken_envelope_around_a_broken_record_is_not_salvaged(fault_server, store):
    broken_head = page([record("1"), record("2", BREAKS["datafield-never-closed"])], "t1").replace(
        b"</responseDate>", b"</responseDat>")
    server = fault_server([identify()] + [broken_head] * REQUESTS_PER_BROKEN_PAGE)
    with pytest.raises(HarvestError, match="not well-formed"):
        harvest(server, store)
    assert not store.live_local_ids("tv-test")
    assert store.harvest_state("tv-test").resumption_token is None


def test_a_skipped_record_stays_in_the_library_s_rejects_until_the_source_sends_it_whole(fault_server, store, data_dir):
    """`unioncat status` counts and lists the rejects table: a skipped record is there, with why, until it is fixed."""
    def library(url: str) -> list[dict]:
        return [{"id": "tv-test", "name": "Thư viện thử", "type": "district", "district": "Vị Thanh",
                 "protocol": "oai-pmh", "url": url, "metadata_prefix": "marc21"}]


    broken = page([record("1"), record("2", BREAKS["datafield-never-closed"])], token=None)
    fixed = list_records(["2"], response_date="2024-05-02T00:00:00Z")  # the next night
    server = fault_server([identify()] + [broken] * REQUESTS_PER_BROKEN_PAGE + [identify(), fixed])
    settings = make_settings(data_dir, library(server.url), harvest=FAST)
    assert harvest_library(settings, store, settings.library("tv-test")).status == "ok"
    [reject] = store.rejects("tv-test")
    assert (reject.local_id, reject.stage) == ("oai:x:2", "harvest") and "not well-formed" in reject.reason
    assert store.library_status("tv-test").rejected == 1

    assert harvest_library(settings, store, settings.library("tv-test")).status == "ok"
    assert store.rejects("tv-test") == [] and sorted(store.live_local_ids("tv-test")) == ["oai:x:1", "oai:x:2"]
