"""Strict reading of OAI-PMH responses: one page in, raw records and the token out.

sickle parses with `recover=True`, which silently drops whatever lxml cannot
read (a truncated page loses its last records and nobody notices).  Here a
response is parsed strictly, without DTDs, entities or network access, and a
page that does not parse is an error naming the endpoint and the position.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import httpx
from lxml import etree
from sickle.models import Header

from config.errors import HarvestError
from harvester.errors import MalformedResponseError, oai_error_for_code
from harvester.oddrecords import xml_leader_oddities
from harvester.misdeclared import utf8_despite_declaration
from harvester.strayutf8 import declares_utf8
from harvester.xmlrepair import RepairingReader, drop_misplaced_declarations, repair_document
from store.models import RawRecord, Rejected
from store.xmlns import MARC_NS, OAI_DC_NS

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
_O = f"{{{OAI_NS}}}"

# libxml2's cap on nesting under XML_PARSE_HUGE (huge_tree), which we set: without it a text
# node over 10 MB (a long summary) is "not well-formed", though there is nothing to correct.
# A response is bounded by `max_response_bytes`, a file record by its file; entities are never
# expanded, so huge_tree lifts no guard that matters here.
MAX_XML_DEPTH = 2048


def strict_parser() -> etree.XMLParser:
    """A fresh strict parser (lxml parsers must not be shared between threads)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True,
                           recover=False, remove_blank_text=False)


def parse_xml_strict(data: bytes, library: str, source: str) -> tuple[etree._Element, int]:
    """Parse a whole document strictly; returns (root, invalid characters repaired).

    Only what harvester/xmlrepair.py knows carries no meaning is repaired; anything else
    that is not well-formed (a truncated page, a broken tag) or nested deeper
    than MAX_XML_DEPTH raises MalformedResponseError naming `source`, the line
    and the column.
    """
    try:
        return etree.fromstring(data, parser=strict_parser()), 0
    except etree.XMLSyntaxError as first:
        repair = repair_document(data)
        if repair is not None:
            try:
                return etree.fromstring(repair[0], parser=strict_parser()), repair[1]
            except etree.XMLSyntaxError:
                pass
        raise _malformed(first, library, source, data) from first


def _whole_parse_error(data: bytes, streamed: etree.XMLSyntaxError) -> etree.XMLSyntaxError:
    """The error a whole-document parse of `data` gives, else `streamed`.

    iterparse loses libxml2's message on some errors (an undefined entity comes out as
    "no element found" at line 0, column 0), which tells the operator nothing.
    """
    try:
        etree.fromstring(data, parser=strict_parser())
    except etree.XMLSyntaxError as exc:
        return exc
    return streamed


def _malformed(error: etree.XMLSyntaxError, library: str, source: str, data: bytes) -> MalformedResponseError:
    line, column = error.position if error.position else (0, 0)
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not start.startswith(b"<"):
        # No XML at all: what came says more than the parser's "Document is empty" at line 1, column 1.
        came = "an empty answer" if not start else f"an answer that is no XML: it starts {start[:60]!r}"
        return MalformedResponseError(library, source, f"the server sent {came}; check that the library's url "
                                                       "is its OAI-PMH base URL, and ask its staff to look at "
                                                       "the server's log")
    if "Excessive depth" in str(error.msg):
        return MalformedResponseError(library, source, f"response is nested deeper than {MAX_XML_DEPTH} "
                                                       f"elements (line {line}); refused")
    return MalformedResponseError(library, source, f"response is not well-formed XML (line {line}, "
                                                   f"column {column}): {error.msg}")


def looks_like_html(response: httpx.Response) -> bool:
    """True for an HTML page (a login page, a proxy's error page) instead of XML."""
    # The body decides: some providers send their OAI-PMH XML as text/html.
    head = response.content[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<oai-pmh")):
        return False
    content_type = response.headers.get("content-type", "").lower()
    if "html" in content_type and "xml" not in content_type:
        return True
    return starts_like_html(head)


def starts_like_html(body: bytes) -> bool:
    """True for a body that begins as an HTML page (a doctype or <html>), whatever its Content-Type says."""
    return body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith((b"<!doctype html", b"<html"))


@dataclass
class OaiPage:
    """What one ListRecords/ListIdentifiers response holds."""

    response_date: str
    records: list[RawRecord] = field(default_factory=list)
    headers: list[Header] = field(default_factory=list)
    # Records that cannot be stored (no identifier, no metadata): reported, the page goes on.
    rejected: list[Rejected] = field(default_factory=list)
    # None: no <resumptionToken> element, or an empty one; both end the list.
    token: str | None = None
    repaired_characters: int = 0
    # `&` that started no reference, read as `&amp;` (harvester/xmlrepair.py).
    bare_ampersands: int = 0
    # Bytes that were not UTF-8, kept for normalize (harvester/strayutf8.py), by the identifier of the
    # record holding them ("" for those after the last record).
    stray_bytes: dict[str, int] = field(default_factory=dict)
    # Leaders holding control characters or bytes that are not ASCII, by identifier: which positions.
    odd_leaders: dict[str, str] = field(default_factory=dict)
    # Records that were not well-formed XML in a page salvaged record by record (harvester/oaisalvage.py).
    broken_records: int = 0
    # The Latin encoding the page's XML declared over UTF-8 bytes, which were read as UTF-8 (harvester/misdeclared.py).
    declared_over_utf8: str | None = None


def raise_oai_error(root: etree._Element, library: str, endpoint: str, verb: str, token: str | None) -> None:
    """Raise the OaiProtocolError subclass for the first <error> of a response, if any."""
    error = root.find(f"{_O}error")
    if error is None:
        return
    code = error.get("code", "unknown")
    cls = oai_error_for_code(code)
    exc = cls(endpoint, verb, code, token, message=error.text or "", library=library)
    exc.response_date = response_date(root)  # noRecordsMatch still tells the next `from`
    raise exc


def response_date(root: etree._Element) -> str:
    return (root.findtext(f"{_O}responseDate") or "").strip()


def resumption_token(container: etree._Element | None) -> str | None:
    if container is None:
        return None
    element = container.find(f"{_O}resumptionToken")
    if element is None or not (element.text or "").strip():
        # OAI-PMH ends a list with an empty <resumptionToken/>; many servers omit it.
        return None
    return element.text.strip()


# What a MARCXML <record> holds, however its namespace was (mis)written.
_MARC_RECORD_PARTS = {"leader", "controlfield", "datafield"}


def marcxml_outside_its_namespace(element: etree._Element) -> bool:
    """True for a MARCXML <record> written without the MARC21 slim namespace: in none, or (unprefixed
    inside <OAI-PMH>) in the OAI-PMH namespace it inherits, which no stage reads as MARC."""
    name = etree.QName(element)
    if name.localname != "record" or name.namespace not in (None, OAI_NS):
        return False
    return any(isinstance(part.tag, str) and etree.QName(part).localname in _MARC_RECORD_PARTS
               and etree.QName(part).namespace == name.namespace for part in element)


def in_marc_namespace(record: etree._Element) -> etree._Element:
    """A copy of `record` with it and the elements of its namespace in the MARC21 slim one (comments dropped)."""
    namespace = etree.QName(record).namespace
    moved = etree.Element(f"{{{MARC_NS}}}record", dict(record.attrib), nsmap={None: MARC_NS})
    _copy_into_marc_namespace(record, moved, namespace)
    return moved


def _copy_into_marc_namespace(source: etree._Element, target: etree._Element, namespace: str | None) -> None:
    # SubElement inherits the target's default namespace, so the copy is written without prefixes.
    target.text = source.text
    for part in source:
        if not isinstance(part.tag, str):
            continue
        name = etree.QName(part)
        tag = f"{{{MARC_NS}}}{name.localname}" if name.namespace == namespace else part.tag
        copied = etree.SubElement(target, tag, dict(part.attrib))
        copied.tail = part.tail
        _copy_into_marc_namespace(part, copied, namespace)


def format_for_metadata(element: etree._Element) -> str | None:
    """Our raw format name for a metadata element, by its namespace."""
    namespace = etree.QName(element).namespace
    if namespace == MARC_NS:
        return "marcxml"
    if namespace == OAI_DC_NS:
        return "oai_dc"
    return None


def records_of(container: etree._Element, library: str, raw_format: str | None,
               source: str) -> list[RawRecord | Rejected]:
    """Raw records (or the rejects) of a ListRecords/GetRecord container; payload = the metadata's first child."""
    return [raw_record(record, position, library, raw_format, source)
            for position, record in enumerate(container.iterfind(f"{_O}record"), start=1)]


def raw_record(record: etree._Element, position: int, library: str, raw_format: str | None,
               source: str) -> RawRecord | Rejected:
    """One OAI-PMH <record> as a RawRecord, or a Rejected when its header or metadata is missing.

    A server that cannot render one record (a broken MARC record in Koha, a failed crosswalk)
    must not stop the rest of the library: the page goes on and the record is reported.
    """
    header_el = record.find(f"{_O}header")
    # Read directly rather than through sickle's Header: this runs once per record.
    identifier = (header_el.findtext(f"{_O}identifier") or "").strip() if header_el is not None else ""
    if not identifier:
        return Rejected(library=library, local_id=f"#{position}", stage="harvest", source=source,
                        reason=f"record {position} of the page has no header identifier; it cannot be stored")
    datestamp = header_el.findtext(f"{_O}datestamp") or None
    deleted = header_el.get("status") == "deleted"
    payload = b""
    fmt = raw_format
    if not deleted:
        metadata = record.find(f"{_O}metadata")
        child = next((c for c in metadata.iterchildren() if isinstance(c.tag, str)), None) \
            if metadata is not None else None
        if child is None:
            return Rejected(library=library, local_id=identifier, stage="harvest", source=source,
                            reason="not deleted, yet sent without metadata; the server could not render it "
                                   "in this format (check the record at the library)")
        if raw_format in (None, "marcxml") and marcxml_outside_its_namespace(child):
            # Home-made providers write MARCXML without its namespace; its elements say what it is.
            child = in_marc_namespace(child)
        payload = etree.tostring(child, encoding="utf-8", with_tail=False)
        fmt = raw_format or format_for_metadata(child)
        if fmt is None:
            name = etree.QName(child)
            return Rejected(library=library, local_id=identifier, stage="harvest", source=source,
                            reason=f"metadata <{name.localname}> in namespace {name.namespace!r} is neither "
                                   "MARCXML nor oai_dc; set the library's metadata_prefix to a format the "
                                   "server offers that unioncat reads (marc21, marcxml or oai_dc)")
    return RawRecord(library=library, local_id=identifier, format=fmt or "marcxml",
                     payload=payload, datestamp=datestamp, deleted=deleted, source=source)


def stream_list_records(data: bytes, library: str, endpoint: str, token: str | None, raw_format: str | None,
                        source: str) -> OaiPage:
    """A ListRecords page read as a stream: each record is taken out, then dropped from the tree.

    Same strictness and checks as `parse_xml_strict` + `read_page` (a document
    that breaks anywhere gives no records at all), but the tree never holds
    more than one record, which is faster (cache-friendly; see
    bench/harvest.py) and keeps a large page's memory small.
    """
    try:
        return _stream_list_records(io.BytesIO(data), library, endpoint, token, raw_format, source)
    except etree.XMLSyntaxError as first:
        repairing = RepairingReader(io.BytesIO(drop_misplaced_declarations(data)), len(data) + 1,
                                    utf8=declares_utf8(data))
        try:
            page = _stream_list_records(repairing, library, endpoint, token, raw_format, source)
        except etree.XMLSyntaxError:
            raise _malformed(_whole_parse_error(data, first), library, source, data) from first
        page.repaired_characters = repairing.repaired
        page.bare_ampersands = repairing.bare_ampersands
        if stray_after_the_records := repairing.claim_stray_bytes():
            page.stray_bytes[""] = stray_after_the_records
        return page


def _stream_list_records(stream: BinaryIO | RepairingReader, library: str, endpoint: str, token: str | None,
                         raw_format: str | None, source: str) -> OaiPage:
    container_tag = f"{_O}ListRecords"
    records: list[RawRecord | Rejected] = []
    stray_bytes: dict[str, int] = {}
    odd_leaders: dict[str, str] = {}
    events = etree.iterparse(stream, events=("end",), tag=f"{_O}record", resolve_entities=False,
                             no_network=True, load_dtd=False, huge_tree=True, recover=False,
                             remove_blank_text=False)
    for _event, record in events:
        parent = record.getparent()
        if parent is None or parent.tag != container_tag:
            continue
        records.append(raw_record(record, len(records) + 1, library, raw_format, source))
        if isinstance(stream, RepairingReader) and (stray := stream.claim_stray_bytes()):
            stray_bytes[records[-1].local_id] = stray
        if isinstance(records[-1], RawRecord) and (odd := xml_leader_oddities(record)):
            odd_leaders[records[-1].local_id] = odd
        record.clear()
        while (earlier := record.getprevious()) is not None:
            if earlier.tag == f"{_O}record":
                del parent[0]
            else:  # a resumptionToken a server put before the records: read_page still needs it
                record.addnext(earlier)
    root = events.root
    container = root.find(container_tag)
    if container is not None:
        for taken in container.findall(f"{_O}record"):  # the last record, already read and cleared
            container.remove(taken)
    page = read_page(root, library, endpoint, "ListRecords", token, raw_format, source)
    page.records, page.rejected = _split_rejected(records)
    page.stray_bytes = stray_bytes
    page.odd_leaders = odd_leaders
    return page


def _split_rejected(items: list[RawRecord | Rejected]) -> tuple[list[RawRecord], list[Rejected]]:
    return ([i for i in items if isinstance(i, RawRecord)], [i for i in items if isinstance(i, Rejected)])


def verb_element(root: etree._Element, library: str, endpoint: str, verb: str,
                 token: str | None) -> etree._Element | None:
    """The <verb> element of a parsed response (None when absent).

    Raises HarvestError when the root is not OAI-PMH, and the OaiProtocolError
    subclass on an <error> answer.
    """
    name = etree.QName(root)
    if name.localname != "OAI-PMH" or name.namespace != OAI_NS:
        where = f"namespace {name.namespace}" if name.namespace else "no namespace"
        raise HarvestError(library, endpoint, f"{verb} answered with <{name.localname}> in {where}, not OAI-PMH 2.0 "
                                              f"(<OAI-PMH> in namespace {OAI_NS})")
    raise_oai_error(root, library, endpoint, verb, token)
    return root.find(f"{_O}{verb}")


def identify_granularity(root: etree._Element, library: str, endpoint: str) -> str:
    """The <granularity> of an Identify response ("" when it gives none).

    sickle's Identify model crashes (AttributeError) on an <error> answer, which
    a server with OAI-PMH switched off, or a wrong base URL, sends.
    """
    identify = verb_element(root, library, endpoint, "Identify", None)
    if identify is None:
        raise HarvestError(library, endpoint, "Identify answered without an <Identify> element; "
                                              "check that the url is the OAI-PMH base URL")
    return (identify.findtext(f"{_O}granularity") or "").strip()


def metadata_prefixes(root: etree._Element, library: str, endpoint: str) -> list[str]:
    """The metadataPrefixes a ListMetadataFormats response offers, in its order."""
    container = verb_element(root, library, endpoint, "ListMetadataFormats", None)
    found = container.iterfind(f"{_O}metadataFormat/{_O}metadataPrefix") if container is not None else ()
    return [prefix.text.strip() for prefix in found if (prefix.text or "").strip()]


def set_specs(root: etree._Element, library: str, endpoint: str, token: str | None) -> tuple[list[str], str | None]:
    """The setSpecs of a ListSets response and its resumption token (None at the list's end)."""
    container = verb_element(root, library, endpoint, "ListSets", token)
    if container is None:
        return [], None
    found = container.iterfind(f"{_O}set/{_O}setSpec")
    return [spec.text.strip() for spec in found if (spec.text or "").strip()], resumption_token(container)


def read_page(root: etree._Element, library: str, endpoint: str, verb: str, token: str | None,
              raw_format: str | None, source: str) -> OaiPage:
    """An OaiPage from a parsed response; raises OaiProtocolError on an <error> answer."""
    container = verb_element(root, library, endpoint, verb, token)
    page = OaiPage(response_date=response_date(root), token=resumption_token(container))
    if container is None:
        # A token past the end sometimes gets a response with no list at all.
        return page
    if verb == "ListIdentifiers":
        page.headers = [Header(h) for h in container.iterfind(f"{_O}header")]
    else:
        page.records, page.rejected = _split_rejected(records_of(container, library, raw_format, source))
    return page


def split_oai_response(data: bytes, library: str, source: str) -> Iterator[RawRecord | Rejected]:
    """Raw records (and the rejects) of a saved OAI-PMH response file (ListRecords or GetRecord).

    Parsed strictly; an <error> answer or a response without records raises
    HarvestError naming `source`.  The format comes from each metadata element's
    namespace (MARCXML or oai_dc).
    """
    root, _repaired = parse_xml_strict(utf8_despite_declaration(data, source), library, source)
    if etree.QName(root).localname != "OAI-PMH":
        raise HarvestError(library, source, f"not an OAI-PMH response (root element <{etree.QName(root).localname}>)")
    raise_oai_error(root, library, source, "file", None)
    for verb in ("ListRecords", "GetRecord"):
        container = root.find(f"{_O}{verb}")
        if container is not None:
            yield from records_of(container, library, None, source)
            return
    raise HarvestError(library, source, "OAI-PMH response holds neither ListRecords nor GetRecord")
