"""What real OAI-PMH servers (Koha, DSpace, PHP and ASP.NET vendor systems) send that the spec does not allow,
against the canned-answer fault server on 127.0.0.1: the harvest must neither stop for good nor lose records."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from tests.test_harvest_support import (
    Canned,
    envelope,
    fast_settings,
    identify,
    list_records,
    marcxml_record,
    oai_error,
    oai_library,
)

from config.errors import HarvestError
from harvester.files import read_records_file
from harvester.oai import OaiHarvester
from harvester.transport import make_client
from normalize.normalizer import normalize_raw
from harvester.oaixml import OAI_NS
from store.models import RawRecord
from store.xmlns import MARC_NS


def harvest(server, store, **settings):
    settings = fast_settings(**settings)
    with make_client(settings) as client:
        return OaiHarvester(client, store, settings).harvest(oai_library(server.url))


def params(query: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(query).items()}


def record(local_id: str, metadata: str | None = None) -> str:
    """One ListRecords <record>; `metadata` replaces the <metadata> element (give "" for none at all)."""
    body = f"<metadata>{marcxml_record(local_id, f'Sách {local_id}')}</metadata>" if metadata is None else metadata
    return (f"<record><header><identifier>oai:x:{local_id}</identifier><datestamp>2024-03-15T10:30:00Z</datestamp>"
            f"</header>{body}</record>")


def test_whitespace_before_the_xml_declaration_does_not_stop_the_harvest(fault_server, store):
    """A PHP include or a JSP page often prints a line end before `<?xml`; libxml2 refuses that document."""
    server = fault_server([b"\r\n" + identify(), b"\n  " + list_records(["1"], token="t1"),
                           b"\xef\xbb\xbf\n" + list_records(["2"])])
    run = harvest(server, store)
    assert run.added == 2 and run.errors == []
    assert len(server.queries) == 3


def test_an_xml_declaration_pasted_inside_metadata_does_not_lose_the_page(fault_server, store):
    """A server that stores each MARCXML record as a document pastes its `<?xml ...?>` into <metadata>."""
    pasted = f'<metadata><?xml version="1.0" encoding="UTF-8"?>\n{marcxml_record("2", "Sách 2")}</metadata>'
    server = fault_server([identify(), envelope(f"<ListRecords>{record('1')}{record('2', pasted)}</ListRecords>")])
    run = harvest(server, store)
    assert run.added == 2
    rows = {raw.local_id: raw.payload for _, raw in store.raw_changed_since(0, "tv-test")}
    assert b"<?xml" not in rows["oai:x:2"] and b"S\xc3\xa1ch 2" in rows["oai:x:2"]


def test_a_record_without_metadata_is_reported_and_the_rest_of_the_library_is_harvested(fault_server, store):
    """A record the server could not render (no <metadata>, or an empty one) used to fail its page every
    night, so `from` never moved and nothing after it arrived."""
    first = envelope(f"<ListRecords>{record('1')}{record('bad', '')}{record('2')}"
                     f"<resumptionToken>t1</resumptionToken></ListRecords>")
    second = envelope(f"<ListRecords>{record('empty', '<metadata/>')}{record('3')}</ListRecords>")
    server = fault_server([identify(), first, second])
    run = harvest(server, store)
    assert run.added == 3 and run.rejected == 2
    assert sorted(store.live_local_ids("tv-test")) == ["oai:x:1", "oai:x:2", "oai:x:3"]
    warnings = [e for e in run.errors if e.startswith("warning:")]
    assert len(warnings) == 2 and "'oai:x:bad'" in warnings[0] and "page 1" in warnings[0], warnings
    assert "'oai:x:empty'" in warnings[1] and server.url in warnings[1]
    assert store.harvest_state("tv-test").next_from == "2024-05-01T10:20:30Z"


def test_a_saved_response_with_a_record_without_metadata_still_gives_the_others(tmp_path):
    """File mode (`normalize --input`) reports the record as a reject, as it does a broken ISO 2709 record."""
    path = tmp_path / "saved.xml"
    path.write_bytes(envelope(f"<ListRecords>{record('1')}{record('bad', '')}</ListRecords>"))
    items = list(read_records_file(path))
    assert [type(i).__name__ for i in items] == ["RawRecord", "Rejected"]
    assert items[1].local_id == "oai:x:bad" and "without metadata" in items[1].reason


# MARCXML as some home-made providers write it: no MARC21 slim namespace, so inside <OAI-PMH> it falls
# in the OAI-PMH namespace (the default one there), or in none where the server undeclares it.
MARC_WITHOUT_NAMESPACE = ('<record{xmlns}><leader>00000nam a2200000 a 4500</leader>'
                          '<controlfield tag="001">{local_id}</controlfield><datafield tag="245" ind1="0" ind2="0">'
                          '<subfield code="a">Sách {local_id}</subfield></datafield></record>')


@pytest.mark.parametrize("xmlns", ["", ' xmlns=""'], ids=["oai-namespace", "no-namespace"])
def test_marcxml_without_its_namespace_is_read_as_marcxml(fault_server, store, tmp_path, xmlns):
    """It was stored as it came, then normalize rejected it with "no MARCXML <record> element (root
    element is <record>)", a message that contradicts itself (and file mode as "neither MARCXML nor
    oai_dc").  Leader, control and data fields are MARCXML's own: the record is read in its namespace."""
    bare = f"<metadata>{MARC_WITHOUT_NAMESPACE.format(xmlns=xmlns, local_id='2')}</metadata>"
    page = envelope(f"<ListRecords>{record('1')}{record('2', bare)}</ListRecords>")
    run = harvest(fault_server([identify(), page]), store)
    assert (run.added, run.rejected, run.errors) == (2, 0, [])
    raws = {raw.local_id: raw for _, raw in store.raw_changed_since(0, "tv-test")}
    assert raws["oai:x:2"].payload.startswith(f'<record xmlns="{MARC_NS}"><leader>'.encode()), raws["oai:x:2"].payload
    normalized = normalize_raw(raws["oai:x:2"])
    assert normalized.title == "Sách 2", normalized
    saved = tmp_path / "saved.xml"
    saved.write_bytes(page)
    assert [normalize_raw(item).title for item in read_records_file(saved)] == ["Sách 1", "Sách 2"]


def test_such_a_record_stored_by_an_older_unioncat_is_rejected_saying_its_namespace_is_wrong():
    """Held from before the harvester moved it into its namespace; normalize says which namespace it found."""
    payload = MARC_WITHOUT_NAMESPACE.format(xmlns=f' xmlns="{OAI_NS}"', local_id="2").encode()
    rejected = normalize_raw(RawRecord(library="tv-test", local_id="oai:x:2", format="marcxml", payload=payload))
    assert rejected.local_id == "oai:x:2" and f"<record> in namespace '{OAI_NS}'" in rejected.reason, rejected
    assert MARC_NS in rejected.reason and "metadata_prefix" in rejected.reason


def test_metadata_in_another_namespace_is_rejected_naming_the_record_and_what_to_do(tmp_path):
    """Not MARCXML at all (a <mods> record under a marc21 prefix): said so with the record's identifier."""
    path = tmp_path / "saved.xml"
    mods = '<metadata><mods xmlns="http://www.loc.gov/mods/v3"><titleInfo/></mods></metadata>'
    path.write_bytes(envelope(f"<ListRecords>{record('1')}{record('m', mods)}</ListRecords>"))
    [_, rejected] = list(read_records_file(path))
    assert rejected.local_id == "oai:x:m" and "<mods>" in rejected.reason and "metadata_prefix" in rejected.reason


@pytest.mark.parametrize("declared", ["", "<granularity></granularity>", "<granularity>YYYY-MM-DD hh:mm</granularity>"],
                         ids=["absent", "empty", "not-a-granularity"])
def test_a_server_that_declares_no_usable_granularity_gets_day_only_from(fault_server, store, declared):
    """Every repository must take day granularity; seconds only where Identify says so (OAI-PMH 2.7.1),
    or `from=...T10:20:30Z` is a badArgument that fails every incremental harvest."""
    no_granularity = identify().replace(b"<granularity>YYYY-MM-DDThh:mm:ssZ</granularity>", declared.encode())
    server = fault_server([no_granularity, list_records(["1"]), no_granularity, list_records(["2"])])
    harvest(server, store)
    harvest(server, store)
    assert params(server.queries[-1])["from"] == "2024-05-01"


def test_a_seconds_from_saved_before_the_server_declared_day_granularity_is_sent_as_a_day(fault_server, store):
    """A server that moved to day granularity (another Koha version) would answer badArgument every night."""
    store.save_harvest_state(store.harvest_state("tv-test").model_copy(update={"next_from": "2024-04-01T10:00:00Z"}))
    server = fault_server([identify("YYYY-MM-DD"), list_records(["1"])])
    harvest(server, store)
    assert params(server.queries[-1])["from"] == "2024-04-01"


def test_a_server_that_declares_seconds_but_refuses_a_seconds_from_is_asked_again_by_the_day(fault_server, store):
    """Identify said YYYY-MM-DDThh:mm:ssZ, but `from` with a time got badArgument: every incremental night failed,
    so the library stopped updating for good after its first harvest."""
    store.save_harvest_state(store.harvest_state("tv-test").model_copy(update={"next_from": "2024-04-01T10:00:00Z"}))
    server = fault_server([identify(), oai_error("badArgument", "Invalid date format for from"),
                           list_records(["1"])])
    run = harvest(server, store)
    assert run.added == 1
    assert params(server.queries[1])["from"] == "2024-04-01T10:00:00Z"
    assert params(server.queries[2])["from"] == "2024-04-01"
    [warning] = [e for e in run.errors if "granularity" in e]
    assert server.url in warning and "2024-04-01T10:00:00Z" in warning and "day" in warning, warning
    assert store.harvest_state("tv-test").next_from == "2024-05-01"  # what the server takes


def test_a_bad_argument_to_a_day_from_is_still_an_error(fault_server, store):
    store.save_harvest_state(store.harvest_state("tv-test").model_copy(update={"next_from": "2024-04-01"}))
    server = fault_server([identify("YYYY-MM-DD"), oai_error("badArgument", "no")])
    with pytest.raises(HarvestError, match="badArgument"):
        harvest(server, store)
    assert len(server.queries) == 2


@pytest.mark.parametrize(("body", "said"), [
    (identify().replace(b' xmlns="http://www.openarchives.org/OAI/2.0/"', b""), "<OAI-PMH> in no namespace"),
    (b'<Identify xmlns="http://www.openarchives.org/OAI/1.1/OAI_Identify"><repositoryName>x</repositoryName>'
     b"</Identify>", "<Identify> in namespace http://www.openarchives.org/OAI/1.1/OAI_Identify"),
], ids=["no-namespace", "oai-pmh-1.1"])
def test_a_root_outside_the_oai_pmh_2_namespace_is_named_with_its_namespace(fault_server, store, body, said):
    """'answered with <OAI-PMH>, not OAI-PMH' contradicted itself; the namespace is what is wrong."""
    server = fault_server([body])
    with pytest.raises(HarvestError) as info:
        harvest(server, store)
    message = str(info.value)
    assert said in message and "http://www.openarchives.org/OAI/2.0/" in message and server.url in message, message


def test_an_html_entity_in_a_record_does_not_stop_the_library(fault_server, store):
    """A home-made PHP provider pastes catalogue text with `&nbsp;` or `&eacute;` into its XML; XML defines
    neither, so the page never parsed and the library failed every night at the same page."""
    page = list_records(["1", "2"], title="Sách&nbsp;hay&eacute;")
    server = fault_server([identify(), page])
    run = harvest(server, store)
    assert run.added == 2
    rows = {raw.local_id: raw.payload for _, raw in store.raw_changed_since(0, "tv-test")}
    assert "Sách\u00a0hayé 1".encode() in rows["oai:x:1"]


def test_a_page_that_stays_broken_is_reported_where_it_breaks(fault_server, store):
    """An entity nobody defines (`&foo;`) cannot be repaired; the error must say which and where, not
    'no element found (line 0, column 0)'.  In the envelope it fails the page (tests/test_harvest_oai_salvage.py
    has it in a record, which is skipped)."""
    page = list_records(["1"]).replace(b"<request>", b"<request>&foo;")
    server = fault_server([identify(), page, page, page])
    with pytest.raises(HarvestError) as info:
        harvest(server, store)
    message = str(info.value)
    assert "foo" in message and "line 1" in message and server.url in message


def test_a_record_that_stays_broken_is_reported_where_it_breaks(fault_server, store):
    page = list_records(["1", "2"], title="Sách&foo;")
    server = fault_server([identify(), page, page, page])
    run = harvest(server, store)
    assert (run.added, run.rejected) == (0, 2)
    skipped = [e for e in run.errors if "skipped:" in e]
    assert len(skipped) == 2 and all("Entity 'foo' not defined (line 1, column" in e for e in skipped), skipped
    assert server.url in skipped[0] and "'oai:x:1'" in skipped[0]


def test_an_unreadable_response_date_keeps_the_page_and_the_old_from(fault_server, store):
    """A home-made provider that writes its responseDate wrongly lost the records of each window's last page
    (the run failed with 'unexpected ValueError' before saving it), every night."""
    server = fault_server([identify(), list_records(["1", "2"], response_date="01/05/2024 10:20")])
    run = harvest(server, store)
    assert run.added == 2
    assert any("responseDate" in error and "01/05/2024 10:20" in error for error in run.errors)
    assert store.harvest_state("tv-test").next_from is None  # the next run reads the same window again


def test_a_response_date_written_as_an_http_date_is_read(fault_server, store):
    server = fault_server([identify(), list_records(["1"], response_date="Wed, 01 May 2024 10:20:30 GMT")])
    assert harvest(server, store).added == 1
    assert store.harvest_state("tv-test").next_from == "2024-05-01T10:20:30Z"


def test_a_server_that_serves_the_same_page_under_ever_new_tokens_does_not_hold_the_night(fault_server, store):
    """A provider that ignores the offset in its own token ("page=2", "page=3", ...) sends the first page
    again and again, each time with a new token: the harvest never ended, held the run lock, and the
    next nights' cron runs found it still running."""
    pages = [list_records(["1", "2"], token=f"page={n}") for n in range(2, 30)]
    server = fault_server([identify(), *pages])
    with pytest.raises(HarvestError, match="same records"):
        harvest(server, store)
    assert len(server.queries) == 3  # Identify, the first page, the same page again: stop
    assert len(store.live_local_ids("tv-test")) == 2
    state = store.harvest_state("tv-test")
    assert state.next_from is None and state.resumption_token is None


def empty_page(token: str) -> bytes:
    return envelope(f"<ListRecords><resumptionToken>{token}</resumptionToken></ListRecords>")


def test_a_server_that_sends_empty_pages_under_ever_new_tokens_does_not_hold_the_night(fault_server, store):
    """A provider whose offset runs past its own end answers each token with no records and a fresh
    token: the harvest never ended, held the run lock, and the next nights' cron runs were refused."""
    endless = [empty_page(f"offset={n}") for n in range(2, 60)]
    server = fault_server([identify(), list_records(["1", "2"], token="offset=1"), *endless])
    with pytest.raises(HarvestError) as info:
        harvest(server, store, max_empty_pages=5)
    assert len(server.queries) == 1 + 1 + 5  # Identify, the page with records, five empty pages: stop
    assert len(store.live_local_ids("tv-test")) == 2
    error = str(info.value)
    assert "5 pages in a row" in error and "max_empty_pages" in error and server.url in error, error
    state = store.harvest_state("tv-test")
    assert state.next_from is None and state.resumption_token is None


def test_a_few_empty_pages_in_a_list_are_followed_to_its_end(fault_server, store):
    """A provider that filters out deleted records sends empty pages now and then; the list goes on."""
    server = fault_server([identify(), list_records(["1"], token="t1"), empty_page("t2"), empty_page("t3"),
                           list_records(["2"], token="t4"), empty_page("t5"), list_records(["3"])])
    run = harvest(server, store, max_empty_pages=3)
    assert run.added == 3 and run.errors == []
    assert store.harvest_state("tv-test").next_from == "2024-05-01T10:20:30Z"


@pytest.mark.parametrize("declaration", [b'<?xml version="1.0" encoding="UTF-8"?>', b""], ids=["utf-8", "undeclared"])
def test_bytes_that_are_not_utf8_in_one_record_do_not_stop_the_library(fault_server, store, declaration):
    """A PHP provider pastes a Windows-1258 fragment ("Nguy\\xea\\xden", "\\xf0" for "đ") into an otherwise
    UTF-8 page: libxml2 refused the page ("Invalid bytes in character encoding"), so one record's bytes
    stopped every record of the library, every night."""
    from normalize import normalize_raw

    page = list_records(["1", "2", "3"]).replace(b'<?xml version="1.0" encoding="UTF-8"?>', declaration)
    page = page.replace("Sách 2".encode(), b"Nguy\xea\xden \xf0\xe1o 2")  # cp1258: Nguyễn đáo
    page = page.replace("Sách 3".encode(), b"S\xe1\xbb 3")  # a UTF-8 character cut short (a column limit)
    server = fault_server([identify(), list_records(["4"], token="t1"), Canned(page, headers={"Content-Type": "text/xml"})])
    run = harvest(server, store)
    assert run.added == 4
    rows = {raw.local_id: raw for _, raw in store.raw_changed_since(0, "tv-test")}
    assert "\uf7ea\uf7de".encode() in rows["oai:x:2"].payload  # the bytes kept for normalize to read
    assert normalize_raw(rows["oai:x:2"]).title == "Nguyễn đáo 2"
    assert normalize_raw(rows["oai:x:3"]).title == "S\ufffd 3"
    assert "Sách 1".encode() in rows["oai:x:1"].payload  # the UTF-8 around them is untouched
    [warning] = [error for error in run.errors if "not UTF-8" in error]
    assert "'tv-test'" in warning and server.url in warning and "page 2" in warning, warning
    assert "'oai:x:2' (4 bytes)" in warning and "'oai:x:3' (2 bytes)" in warning and "oai:x:1'" not in warning
    assert "kept for normalize" in warning
    assert store.harvest_state("tv-test").next_from == "2024-05-01T10:20:30Z"


def test_a_page_written_wholly_in_windows_1258_is_read_and_its_records_named_in_one_warning(fault_server, store):
    """A provider that sends its whole page in cp1258 without saying so: every record is read, and the
    warning names the first twenty records rather than flooding the report with one line each."""
    from normalize import normalize_raw

    ids = [str(n) for n in range(1, 31)]
    page = list_records(ids).replace(b' encoding="UTF-8"', b"").replace("Sách".encode(), b"Nh\xf7ng Nguy\xea\xden")
    server = fault_server([identify(), Canned(page, headers={"Content-Type": "text/xml"})])
    run = harvest(server, store)
    assert run.added == 30
    [raw] = [raw for _, raw in store.raw_changed_since(0, "tv-test") if raw.local_id == "oai:x:30"]
    # normalize reads the title's bytes as cp1258 (÷ is what it has at 0xF7), which beats cp1252's "NguyêÞn".
    assert normalize_raw(raw).title == "Nh÷ng Nguyễn 30"
    [warning] = [error for error in run.errors if "not UTF-8" in error]
    assert "90 bytes" in warning and "in 30 records" in warning and "'oai:x:20' (3 bytes)" in warning
    assert "and 10 more records" in warning and "'oai:x:21'" not in warning
