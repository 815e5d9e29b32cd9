"""The fast paths give the same answers as the plain ones: MARCXML scan vs lxml, pool vs one process."""

from __future__ import annotations

from pathlib import Path

import pymarc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from config import LibraryConfig
from store import RawRecord

from normalize import run_normalize
from normalize.marc import _PARSER, _walk
from normalize.marcxml_scan import scan_marcxml

try:
    from tests.test_normalize_support import data_field, marc_record, marcxml
except ImportError:
    from test_normalize_support import data_field, marc_record, marcxml

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "data" / "oai"
MARC_NS = "http://www.loc.gov/MARC21/slim"


def fixture_payloads() -> list[bytes]:
    out = []
    for path in sorted(FIXTURES.glob("*.xml")):
        for _, element in etree.iterparse(str(path), tag=f"{{{MARC_NS}}}record"):
            out.append(etree.tostring(element, encoding="utf-8", with_tail=False))
    return out


def by_lxml(payload: bytes):
    return _walk(etree.fromstring(payload, _PARSER))


def test_scan_reads_every_fixture_record_exactly_as_lxml_does():
    payloads = fixture_payloads()
    assert len(payloads) > 900
    for payload in payloads:
        scanned = scan_marcxml(payload)
        assert scanned is not None  # the harvested shape is always the fast one
        assert scanned == by_lxml(payload)


@pytest.mark.parametrize("payload", [
    b'<record><!-- note --><datafield tag="245" ind1="1" ind2="0"><subfield code="a">X</subfield></datafield></record>',
    b"<record><datafield tag='245' ind1='1' ind2='0'><subfield code='a'>X</subfield></datafield></record>",
    b'<record><datafield tag="245" ind1="1" ind2="0"><subfield code="a">A &#273; &#x111;</subfield></datafield></record>',
    b'<record><datafield tag="245" ind1="1" ind2="0"><subfield code="a"><![CDATA[x]]></subfield></datafield></record>',
    b'<record><datafield tag="245" ind1="1" ind2="0"><subfield code="a">a\r\nb</subfield></datafield></record>',
    b'<marc:record xmlns:marc="http://www.loc.gov/MARC21/slim"><marc:datafield tag="245" ind1="1" ind2="0">'
    b'<marc:subfield code="a">X</marc:subfield></marc:datafield></marc:record>',
    b'<record><subfield code="a">stray</subfield></record>',
    b'<record><datafield tag="245" ind1="1" ind2="0"><subfield code="a">X</subfield></record>',
    # Text between or after elements: the matches no longer cover the body.
    b'<record>stray<datafield tag="245" ind1="1" ind2="0"><subfield code="a">X</subfield></datafield></record>',
    b'<record><datafield tag="245" ind1="1" ind2="0"><subfield code="a">X</subfield></datafield>x </record>',
    b'<record><leader>00000nam a2200000 a 4500</leader> x<controlfield tag="001">1</controlfield></record>',
])
def test_scan_leaves_anything_unusual_to_lxml(payload):
    assert scan_marcxml(payload) is None


_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("&<>\"' \t\n"),
                max_size=30)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["020", "100", "245", "650", "880", "952"]),
                          st.sampled_from(["10", "  ", "04"]),
                          st.lists(st.tuples(st.sampled_from("abc6"), _TEXT), min_size=1, max_size=4)),
                max_size=6), st.booleans())
def test_scan_agrees_with_lxml_on_generated_records(fields, namespace):
    record = marc_record(*[data_field(tag, ind, *[x for pair in subs for x in pair]) for tag, ind, subs in fields])
    try:
        payload = pymarc.record_to_xml(record, namespace=namespace)
    except ValueError:  # text XML cannot hold
        return
    scanned = scan_marcxml(payload)
    if scanned is not None:
        assert scanned == by_lxml(payload)


LIBRARIES = {"tv-tinh": LibraryConfig(id="tv-tinh", name="Thư viện tỉnh", type="provincial", district="Vị Thanh",
                                      protocol="marc-file", url="/tmp/x.mrc", opac_url="https://opac.example.vn/{id}")}


def test_two_workers_store_exactly_what_one_process_stores(store):
    raws = [RawRecord(library="tv-tinh", local_id=f"R{n}", format="marcxml", payload=payload, source=f"f#{n}")
            for n, payload in enumerate(fixture_payloads()[:60])]
    raws.append(RawRecord(library="tv-tinh", local_id="BAD", format="marcxml", payload=b"<record><oops"))
    raws.append(RawRecord(library="tv-tinh", local_id="R3", format="marcxml", deleted=True))
    store.save_harvest_page(raws)
    one = run_normalize(store, LIBRARIES, rebuild=True, batch_size=7, workers=1)
    stored_by_one = [r.model_dump() for r in store.iter_records()]
    two = run_normalize(store, LIBRARIES, rebuild=True, batch_size=7, workers=2)
    assert [r.model_dump() for r in store.iter_records()] == stored_by_one
    assert one == two
    assert (two.normalized, two.rejected) == (59, 1)
    assert [r.local_id for r in store.rejects()] == ["BAD"]
    assert store.get_mark("normalize") > 0


def test_small_runs_skip_the_pool(store):
    store.save_harvest_page([RawRecord(library="tv-tinh", local_id="1", format="marcxml",
                                       payload=marcxml(marc_record(data_field("245", "10", "a", "Truyện Kiều"))))])
    summary = run_normalize(store, LIBRARIES, workers=2)
    assert summary.normalized == 1


@pytest.mark.parametrize("payload", [
    b'<record><datafield tag="42" ind1=" " ind2=" "><subfield code="a">x</subfield></datafield></record>',
    b'<record><datafield tag="245" ind1="1" ind2="0"><subfield code="A">x</subfield></datafield></record>',
    b'<record><controlfield tag="0 1">7</controlfield></record>',
])
def test_scan_leaves_tags_and_codes_marc_21_does_not_allow_to_lxml(payload):
    # parse_marcxml checks only the leader of a scanned record: lxml's path names bad tags and codes.
    assert scan_marcxml(payload) is None
