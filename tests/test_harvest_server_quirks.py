"""What real OAI-PMH servers (Koha, DSpace, PHP and ASP.NET vendor systems) send that the spec does not allow,
against the canned-answer fault server on 127.0.0.1: the harvest must neither stop for good nor lose records."""

from __future__ import annotations

from urllib.parse import parse_qs

from tests.test_harvest_support import (
    envelope,
    fast_settings,
    identify,
    list_records,
    marcxml_record,
    oai_library,
)

from harvester.oai import OaiHarvester
from harvester.transport import make_client


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
