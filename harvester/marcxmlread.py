"""Reading a MARCXML file record by record, repaired as it streams, going on past a broken record.

MARCXML breaks in its own ways (a record not well-formed, a Latin declaration over
UTF-8, a bare `&`, control characters) and is repaired in its own ways, so it has its
reader to itself, as ISO 2709 has harvester/iso2709file.py; the sniff that picks the
reader and the harvest (harvester/marcfile.py) stay short.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from harvester.iso2709file import HASHED_ID_PREFIX, LEADER_STATUS, READ_BLOCK_BYTES
from harvester.marcsource import MarcRead
from harvester.misdeclared import log_misdeclared, utf8_stream_despite_declaration
from store.xmlns import OAI_DC_NS
from harvester.oddrecords import xml_leader_oddities
from harvester.strayutf8 import declares_utf8
from harvester.xmlrepair import RepairingReader, bytes_before_declaration
from harvester.xmlresync import ResyncReader, broken_record
from store.models import RawRecord, Rejected
from store.xmlns import MARC_NS, MARCXCHANGE_NS

_MARC_CHILDREN = {"leader", "controlfield", "datafield"}
_RECORD_TAGS = (f"{{{MARC_NS}}}record", f"{{{MARCXCHANGE_NS}}}record", "record")


def iter_marcxml(stream: BinaryIO, location: str, library: str,
                 read: MarcRead | None = None) -> Iterator[RawRecord | Rejected]:
    """Raw records (format "marcxml", payload = the <record> element) of a streamed MARCXML file.

    A `<collection>` of `<record id=".." datestamp="..">` elements each wrapping an
    `<oai_dc:dc>` (the shape our fixtures and the demo provider keep oai_dc in) gives
    format "oai_dc" records instead; a `<record>` holding neither is a Rejected saying so.
    Repaired as OAI-PMH pages are, block by block (harvester/xmlrepair.py): control
    characters are kept as U+24xx (TCVN3 capitals live in 0x01-0x17; normalize turns
    them back into letters), HTML entities become characters, a bare `&` becomes `&amp;`,
    and in a UTF-8 file bytes that are not UTF-8 are kept for normalize, counted by record
    in `read`.  A record that is not well-formed, or that the file's end cuts, is a Rejected
    with its line and the parser's reason, and reading goes on at the next `<record`
    (harvester/xmlresync.py); `read` counts them.  A break outside any record (before the
    first, between two) raises HarvestError with the line, after the records before it.
    """
    # UTF-16 (a NUL in the first bytes) must not go through the byte-wise repair.
    head = stream.read(256)
    # A line end before `<?xml` (Windows exports, PHP scripts) is not well-formed: start at the declaration.
    stream.seek(bytes_before_declaration(head))
    utf16 = b"\x00" in head[:64]
    if not utf16:  # a Latin declaration over UTF-8 bytes would make mojibake of every Vietnamese letter
        stream, head, declared = utf8_stream_despite_declaration(stream, READ_BLOCK_BYTES)
        _tell_misdeclared(declared, location, read)
    repairing = None if utf16 else RepairingReader(stream, READ_BLOCK_BYTES, utf8=declares_utf8(head))
    source = ResyncReader(repairing or stream, split=not utf16)
    position = 0
    try:
        while True:
            try:
                for item in _parsed_records(source, repairing, location, library, position, read):
                    position += 1
                    yield item
                break
            except etree.XMLSyntaxError as exc:
                position += 1
                broken, resumed = _broken_record(exc, source, repairing, location, library, position, read)
                yield broken
                if not resumed:
                    break
    finally:
        if read is not None and repairing is not None:
            read.repaired_characters = repairing.repaired
            read.bare_ampersands = repairing.bare_ampersands
            if after_the_records := repairing.claim_stray_bytes():
                read.stray_bytes[""] = read.stray_bytes.get("", 0) + after_the_records


def _tell_misdeclared(declared: str | None, location: str, read: MarcRead | None) -> None:
    """Note a Latin declaration over UTF-8 in `read`, for the harvest's warning; with no `read` (the file
    modes, which have no run for `unioncat status` to show) log it."""
    if declared is None:
        return
    if read is not None:
        read.declared_over_utf8 = declared
    else:
        log_misdeclared(location, declared)


def _parsed_records(source: ResyncReader, repairing: RepairingReader | None, location: str, library: str,
                    before: int, read: MarcRead | None) -> Iterator[RawRecord | Rejected]:
    """The records one parse gives, from `source`'s next byte to the file's end or a break (raised)."""
    context = etree.iterparse(source, events=("end",), tag=_RECORD_TAGS, resolve_entities=False, no_network=True,
                              load_dtd=False, huge_tree=True)  # see oaixml.MAX_XML_DEPTH
    position = before
    for _event, element in context:
        position += 1
        source.record_ended(sum(1 for _outer in element.iterancestors(*_RECORD_TAGS)))
        stray = repairing.claim_stray_bytes() if repairing is not None else 0
        line = element.sourceline + source.line_offset if element.sourceline else "?"
        item = _xml_record(element, f"{location} record {position} (line {line})", library)
        if stray and read is not None:
            read.stray_bytes[item.local_id] = read.stray_bytes.get(item.local_id, 0) + stray
        if read is not None and isinstance(item, RawRecord) and (odd := xml_leader_oddities(element)):
            read.odd_leaders[item.local_id] = f"{item.source}: {odd}"
        yield item
        # Free what was read so a large file streams in constant memory.
        element.clear()
        parent = element.getparent()
        while parent is not None and element.getprevious() is not None:
            del parent[0]


def _broken_record(exc: etree.XMLSyntaxError, source: ResyncReader, repairing: RepairingReader | None,
                   location: str, library: str, position: int, read: MarcRead | None) -> tuple[Rejected, bool]:
    """The Rejected for the record a parse error broke, and whether reading goes on after it."""
    rejected, found = broken_record(exc, source, location, library, position)
    stray = repairing.claim_stray_bytes() if repairing is not None else 0
    if read is not None:
        read.broken_records += 1
        read.cut_short = read.cut_short or found.cut_short
        if stray:
            read.stray_bytes[rejected.local_id] = read.stray_bytes.get(rejected.local_id, 0) + stray
    return rejected, found.resumed


def _xml_record(element: etree._Element, where: str, library: str) -> RawRecord | Rejected:
    """One `<record>` of an XML file: MARCXML, a wrapped `<oai_dc:dc>`, or a Rejected naming what it is not."""
    dc = element.find(f"{{{OAI_DC_NS}}}dc")
    if dc is not None:
        local_id = (element.get("id") or "").strip()
        payload = etree.tostring(dc, encoding="utf-8", with_tail=False)
        if not local_id:
            local_id = HASHED_ID_PREFIX + hashlib.sha1(payload).hexdigest()
            where += " (no id attribute: local id is the record's SHA-1)"
        return RawRecord(library=library, local_id=local_id, format="oai_dc", payload=payload, source=where,
                         datestamp=element.get("datestamp") or None)
    payload = etree.tostring(element, encoding="utf-8", with_tail=False)
    ns = element.tag.rpartition("}")[0] + "}" if element.tag.startswith("{") else ""  # MARCXML, MarcXchange or none
    control = element.find(f"{ns}controlfield[@tag='001']")
    local_id = (control.text or "").strip() if control is not None else ""
    if not local_id:
        local_id = HASHED_ID_PREFIX + hashlib.sha1(payload).hexdigest()
        where += " (no 001: local id is the record's SHA-1)"
        if not any(etree.QName(child).localname in _MARC_CHILDREN for child in element.iterchildren(tag=etree.Element)):
            return Rejected(library=library, local_id=local_id, stage="harvest", source=where,
                            reason="a <record> with no MARC leader or fields and no <oai_dc:dc>: expected MARCXML "
                                   f"(namespace {MARC_NS}) or oai_dc records; convert the export to one of them")
    leader = element.findtext(f"{ns}leader") or ""
    return RawRecord(library=library, local_id=local_id, format="marcxml", payload=payload, source=where,
                     deleted=leader[LEADER_STATUS:LEADER_STATUS + 1] == "d")
