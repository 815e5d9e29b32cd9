"""MARC files as a source: ISO 2709 or MARCXML, from a path or an http(s) URL.

A file is a full snapshot of a library's catalogue.  It is read record by
record: a broken ISO 2709 record becomes a `Rejected` with its position and
byte offset (harvester/iso2709file.py), a MARCXML record that is not well-formed
one with its position and line (harvester/xmlresync.py), and the rest of the file
goes on.  Records no longer in a completely read file are marked deleted, never
when the file gave nothing, was cut short or held a record that is not
well-formed (its 001 may be unreadable): the records read are kept, and the run
fails saying why (the cut, the broken records, its XML breaking outside any
record, its gzip ending early, fewer than `sweep_min_ratio` of the records held,
as a short OAI-PMH sweep deletes nothing, or more of its records rejected than
stored, as when an export gives them all one 001), so the night is no success
and the library turns overdue while its file stays broken.
Records the file itself marks deleted (Leader/05 "d") are stored as deletions.
A file unchanged since the last one accepted whole (same ETag/Last-Modified or content
hash) is not read again; any other night that reads a file forgets that validator first.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import httpx
from lxml import etree

from config.errors import HarvestError
from config.settings import HarvestSettings, LibraryConfig
from harvester import stopping
from harvester.errors import HarvestInterrupted
from harvester.misdeclared import log_misdeclared, misdeclared_warning, utf8_stream_despite_declaration
from harvester.oaixml import OAI_DC_NS, starts_like_html
from harvester.strayutf8 import declares_utf8, stray_bytes_report
from harvester.oddrecords import (CONTROL_PICTURES_RE, control_ids_report, odd_leaders_report, wrong_lengths_report,
                                  xml_leader_oddities)
from harvester.xmlrepair import RepairingReader, bytes_before_declaration
from harvester.xmlresync import ResyncReader, broken_record
from harvester.transport import GZIP_MAGIC, fetch, status_hint
from store.catalog import CatalogStore, utc_now
from harvester.iso2709file import (FILE_CUT_SHORT, HASHED_ID_PREFIX, LEADER_STATUS, READ_BLOCK_BYTES, UTF8_BOM,
                                   iter_iso2709, other_kind)
from store.models import HarvestRun, RawRecord, Rejected, SnapshotRefusal
from store.xmlns import MARC_NS, MARCXCHANGE_NS

log = logging.getLogger(__name__)

_MARC_CHILDREN = {"leader", "controlfield", "datafield"}
_RECORD_TAGS = (f"{{{MARC_NS}}}record", f"{{{MARCXCHANGE_NS}}}record", "record")
# How an XML file saved as UTF-16 starts: a byte order mark, or "<" beside a NUL.
_UTF16_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")
SAVE_BATCH_RECORDS = 500
_HASH_CHUNK_BYTES = 1 << 20


@dataclass
class MarcRead:
    """An opened MARC file: its records (lazily), its validator, or `unchanged`."""

    items: Iterator[RawRecord | Rejected]
    validator: str | None
    unchanged: bool = False
    # XML-forbidden characters (TCVN3 capitals) kept as U+24xx; known once `items` is read.
    repaired_characters: int = 0
    # Bytes that were not UTF-8, kept for normalize, by the 001 of the record holding them (harvester/strayutf8.py).
    stray_bytes: dict[str, int] = field(default_factory=dict)
    # Ids that held control characters (kept as U+24xx), with where each was read.
    control_ids: dict[str, str] = field(default_factory=dict)
    # Leaders holding control characters or bytes that are not ASCII: where, and which positions, by id.
    odd_leaders: dict[str, str] = field(default_factory=dict)
    # ISO 2709 records whose leader/00-04 is not their length, kept: where, and both lengths, by id.
    wrong_lengths: dict[str, str] = field(default_factory=dict)
    # Records without a 001, whose id is the SHA-1 of their content: where each was read, by id.
    hashed_ids: dict[str, str] = field(default_factory=dict)
    # `&` that started no reference, read as `&amp;` (harvester/xmlrepair.py).
    bare_ampersands: int = 0
    # Records rejected as broken (MARCXML not well-formed; ISO 2709 whose structure does not hold), the
    # file read on; and whether the file ends inside one.
    broken_records: int = 0
    cut_short: bool = False
    # The Latin encoding a MARCXML file declared over UTF-8 bytes, which were read as UTF-8 (harvester/misdeclared.py).
    declared_over_utf8: str | None = None


def _sha1_of_file(path: Path) -> str:
    digest = hashlib.sha1()
    with path.open("rb") as handle:
        while block := handle.read(_HASH_CHUNK_BYTES):
            digest.update(block)
    return digest.hexdigest()


def _validator_fields(validator: str | None) -> dict[str, str]:
    if not validator:
        return {}
    try:
        value = json.loads(validator)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# Enough of a file's start to tell an HTML page, an empty export or a lone byte-order mark from MARC.
_HEAD_BYTES = 512


def _refuse_what_is_no_marc_file(head: bytes, library: str, location: str) -> None:
    """Raise HarvestError, naming what the file is instead, for an empty export, one holding only a byte-order
    mark or blank space, or an HTML page (a sign-in or share page saved or served in the export's place); all
    said "the file gave no readable records (0 rejected)", the page only when fetched over HTTP (review)."""
    if not head:
        raise HarvestError(library, location, "the MARC file is empty (0 bytes): the export wrote nothing; "
                                              "export the catalogue again")
    if not head.lstrip(UTF8_BOM + b" \t\r\n"):
        raise HarvestError(library, location, "the MARC file holds only a byte-order mark or blank space, no "
                                              "records: export the catalogue again")
    if starts_like_html(head):
        where = "the URL answered with" if location.startswith(("http://", "https://")) else "the file is"
        raise HarvestError(library, location, f"{where} an HTML page, not a MARC file (a sign-in or share page?); "
                                              "give the file's direct download URL, or save the export itself")


def open_marc_source(location: str, library: str, client: httpx.Client | None, settings: HarvestSettings,
                     previous_validator: str | None) -> tuple[BinaryIO | None, str]:
    """(stream or None when unchanged, new validator) for a path or an http(s) URL."""
    previous = _validator_fields(previous_validator)
    if not location.startswith(("http://", "https://")):
        path = Path(location)
        if path.is_dir():
            raise HarvestError(library, location, "is a directory, not a MARC file; point the library's url in the "
                                                  "registry at the export file in it")
        if not path.is_file():
            raise HarvestError(library, location, "MARC file not found; put the export there or correct the "
                                                  "library's url in the registry (relative to the config file)")
        with path.open("rb") as handle:
            _refuse_what_is_no_marc_file(handle.read(_HEAD_BYTES), library, location)
        sha1 = _sha1_of_file(path)
        validator = json.dumps({"sha1": sha1})
        return (None if previous.get("sha1") == sha1 else path.open("rb")), validator
    if client is None:
        raise HarvestError(library, location, "an http(s) MARC file needs an HTTP client")
    headers = {}
    if previous.get("etag"):
        headers["If-None-Match"] = previous["etag"]
    if previous.get("last_modified"):
        headers["If-Modified-Since"] = previous["last_modified"]
    response = fetch(client, location, None, settings, library, headers=headers)
    if response.status_code == 304:
        return None, previous_validator or "{}"
    if response.status_code != 200:
        hint = status_hint(response, settings.user_agent)
        raise HarvestError(library, location, f"HTTP {response.status_code} fetching the MARC file"
                                              + (f"; {hint}" if hint else ""))
    # By the body, not the Content-Type: some servers send any file as text/html.
    _refuse_what_is_no_marc_file(response.content[:_HEAD_BYTES], library, location)
    sha1 = hashlib.sha1(response.content).hexdigest()
    fields = {"sha1": sha1}
    for name, header in (("etag", "etag"), ("last_modified", "last-modified")):
        if response.headers.get(header):
            fields[name] = response.headers[header]
    validator = json.dumps(fields, sort_keys=True)
    # A server without validators still lets us skip an identical file by its hash.
    return (None if previous.get("sha1") == sha1 else io.BytesIO(response.content)), validator


def read_marc_file(location: str, library: str, client: httpx.Client | None = None,
                   settings: HarvestSettings | None = None, previous_validator: str | None = None) -> MarcRead:
    """Open a MARC file and return its records lazily (ISO 2709 or MARCXML, sniffed)."""
    settings = settings or HarvestSettings()
    stream, validator = open_marc_source(location, library, client, settings, previous_validator)
    if stream is None:
        return MarcRead(iter(()), validator, unchanged=True)
    read = MarcRead(iter(()), validator)
    read.items = iter_marc_stream(stream, location, library, read)
    return read


def iter_marc_stream(stream: BinaryIO, location: str, library: str,
                     read: MarcRead | None = None) -> Iterator[RawRecord | Rejected]:
    """Records of an open binary stream, MARCXML when it starts with `<`, else ISO 2709.

    A gzip file (`koha.mrc.gz`, or gzip under a .mrc name) is read through, as
    over HTTP; one cut short raises HarvestError after the records before the cut.
    `read`, when given, is told how many invalid XML characters were repaired.
    """
    raw = stream
    try:
        gzipped = raw.read(len(GZIP_MAGIC)) == GZIP_MAGIC
        raw.seek(0)
        if gzipped:
            stream = gzip.GzipFile(fileobj=raw, mode="rb")
        head = stream.read(64)
        stream.seek(0)
        if (kind := other_kind(head)) is not None:
            raise HarvestError(library, location, kind)
        if head.startswith(_UTF16_STARTS) or head.lstrip(UTF8_BOM + b" \t\r\n").startswith(b"<"):
            yield from iter_marcxml(stream, location, library, read)
        else:
            for item in iter_iso2709(stream, location, library, read.stray_bytes if read else None,
                                     read.odd_leaders if read else None, read.wrong_lengths if read else None):
                if isinstance(item, Rejected) and read is not None:
                    # Its leader, directory or terminator does not hold: its 001 may be unread, or the
                    # next record run into it (a lost 0x1D), so the records it hides look withdrawn.
                    read.broken_records += 1
                yield item
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise HarvestError(library, location, f"the gzip file is cut short or damaged ({exc}): was it copied or "
                                              "uploaded only in part? Copy or export it again") from exc
    finally:
        stream.close()
        raw.close()


# ---- MARCXML -------------------------------------------------------------------------


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


# ---- harvest -------------------------------------------------------------------------

# How the reason of a record rejected for an id an earlier record of its file has starts.
DUPLICATE_ID = "duplicate"


def is_repeated_id(item: RawRecord | Rejected) -> bool:
    """Whether `item` is first_of_each_id's reject of a record whose id came before."""
    return isinstance(item, Rejected) and item.reason.startswith(f"{DUPLICATE_ID} ")


def first_of_each_id(items: Iterable[RawRecord | Rejected], library: str, id_name: str = "001",
                     seen: dict[str, str] | None = None) -> Iterator[RawRecord | Rejected]:
    """The items of one file, each record whose id came before (as a record or a reject) rejected as a duplicate.

    A catalogue holds one record per id (DESIGN.md "Identity": a MARC record's is its 001): stored,
    the second would replace the first without a word; written by `normalize --input`, it is the line
    `dedupe --input` skips.  Each duplicate is its own reject, named by its position in the file.
    `seen`, when given, is filled with each id read and where it was first.
    """
    seen = {} if seen is None else seen
    for position, item in enumerate(items, start=1):
        if isinstance(item, Rejected):
            if not item.local_id.startswith("#"):  # "#5": a record too broken to have an id
                seen.setdefault(item.local_id, item.source)
        elif item.local_id in seen:
            # Keyed by its place in the file: under one key ("VN (duplicate)") each duplicate replaced the
            # one before, and a file exporting one 001 for all its records showed a single reject.
            item = Rejected(library=library, local_id=f"{item.local_id} (duplicate: record {position})",
                            stage="harvest", source=item.source,
                            reason=f"{DUPLICATE_ID} {id_name} {item.local_id!r}; first at {seen[item.local_id]}")
        else:
            seen[item.local_id] = item.source
        yield item


def harvest_marc_file(library: LibraryConfig, store: CatalogStore, client: httpx.Client | None,
                      settings: HarvestSettings, run: HarvestRun | None = None, full: bool = False) -> HarvestRun:
    """Read a library's MARC file into the store, in batches; delete what the file no longer has.

    `full` reads the file even when its validator says it is unchanged.
    """
    run = run or HarvestRun(library=library.id, started_at=utc_now())
    state = store.harvest_state(library.id)
    read = read_marc_file(library.url, library.id, client, settings, None if full else state.file_validator)
    if read.unchanged:
        log.info("library %s: %s unchanged since the last harvest", library.id, library.url)
        return run
    if state.file_validator is not None:
        # Forgotten before any record of this file is stored, saved again only once it is accepted whole:
        # kept, a night that stored part of a file (then failed, was cut short or stopped) left the last
        # good file's validator, and that file sent again was skipped as unchanged over its records.
        store.save_harvest_state(state.model_copy(update={"file_validator": None}))
    seen: dict[str, str] = {}
    rejects: list[Rejected] = []
    batch: list[RawRecord] = []
    stored = 0
    cut_short = False
    try:
        for item in first_of_each_id(read.items, library.id, seen=seen):
            if CONTROL_PICTURES_RE.search(item.local_id):
                read.control_ids.setdefault(item.local_id, item.source)
            if isinstance(item, Rejected):
                rejects.append(item)
                cut_short = item.reason == FILE_CUT_SHORT
                continue
            if item.local_id.startswith(HASHED_ID_PREFIX):
                read.hashed_ids.setdefault(item.local_id, item.source)
            batch.append(item)
            stored += 1
            if len(batch) >= SAVE_BATCH_RECORDS:
                _save_batch(store, batch, run)
                batch = []
                stopping.check(library.id, library.url)
    except HarvestInterrupted:
        # Stopped part-way (Ctrl+C, SIGTERM): what was read is kept; the file's rejects and
        # deletions wait for a complete read, and its validator stays unsaved so the next run reads it.
        _save_batch(store, batch, run)
        raise
    except HarvestError:
        # The file stopped being readable part-way (MARCXML no longer well-formed, a
        # download cut off): keep what was read; nothing is marked deleted.
        _keep(store, library, read, batch, rejects, run)
        raise
    _keep(store, library, read, batch, rejects, run)
    if stored == 0:
        raise HarvestError(library.id, library.url, f"the file gave no readable records ({len(rejects)} rejected); "
                                                    "nothing marked deleted")
    if len(rejects) > stored:
        # Most of a file lost is the export at fault (one 001 for every record, a broken exporter),
        # not a few bad records: the run fails, so `unioncat status` and the exit code say so.
        raise HarvestError(library.id, library.url, f"{len(rejects)} of the file's {len(rejects) + stored} records "
                                                    "were rejected, more than were stored: `unioncat status` lists "
                                                    "each with its reason. The records read were stored; nothing "
                                                    "marked deleted until the file is exported again without them")
    if cut_short or read.cut_short:
        # A snapshot cut short (an upload or copy still running) would delete every record after the
        # cut; the file is read again next run, its validator unsaved.  A failed run, not a warning:
        # as `ok` it moved `last_success` on, so an upload that broke every night never showed overdue.
        raise _refused(run, "cut_short", library, f"the file ends inside a record, after {stored} readable "
                                                  "records: was it cut short while being uploaded or copied? "
                                                  "Those records were stored; nothing marked deleted until "
                                                  "the file reads whole")
    if read.broken_records:
        # A broken record may be one whose 001 could not be read, or hide the next one: as for a cut,
        # nothing is deleted until the file reads whole, and it is read again next run.
        raise _refused(run, "broken_records", library, f"{read.broken_records} records are broken (not "
                       "well-formed XML, or an ISO 2709 leader, directory or terminator that does not hold; "
                       f"rejected, each with where it is); the other {stored} records were stored; nothing "
                       "marked deleted until the library exports the file again without them")
    # The file is a full snapshot: what it no longer holds was deleted at the library.
    held = store.live_local_ids(library.id)
    missing = held - seen.keys()
    if missing and len(seen) < len(held) * settings.sweep_min_ratio:
        # A partial export (one branch, one month), or a copy cut at a record boundary, as an
        # OAI-PMH sweep listing too few: the file is read again next run, its validator unsaved.
        raise _refused(run, "too_few_records", library, f"the file holds {len(seen)} records but {len(held)} are "
                                                        "held: a partial export or a copy cut short? Its records "
                                                        "were stored; nothing marked deleted. If the library "
                                                        "withdrew the others, lower [harvest] sweep_min_ratio for "
                                                        "one run")
    run.deleted += store.mark_deleted(library.id, missing)
    store.save_harvest_state(store.harvest_state(library.id).model_copy(update={"file_validator": read.validator}))
    return run


def _refused(run: HarvestRun, why: SnapshotRefusal, library: LibraryConfig, message: str) -> HarvestError:
    """The error failing a run whose file is not taken as the catalogue; the run keeps `why` for /status."""
    run.snapshot_refused = why
    return HarvestError(library.id, library.url, message)


def _keep(store: CatalogStore, library: LibraryConfig, read: MarcRead, batch: list[RawRecord],
          rejects: list[Rejected], run: HarvestRun) -> None:
    """Save the last batch and the file's rejects; report repaired characters."""
    _save_batch(store, batch, run)
    run.rejected += len(rejects)
    store.save_harvest_rejects(library.id, rejects)
    if read.repaired_characters:
        run.errors.append(f"warning: library {library.id!r} ({library.url}): "
                          f"{read.repaired_characters} invalid XML characters kept as U+24xx")
    if read.bare_ampersands:
        run.errors.append(f"warning: library {library.id!r} ({library.url}): "
                          f"{read.bare_ampersands} bare '&' (starting no entity) read as '&amp;'")
    if read.stray_bytes:
        run.errors.append(f"warning: library {library.id!r} ({library.url}): {stray_bytes_report(read.stray_bytes)}")
    if read.control_ids:
        run.errors.append(f"warning: library {library.id!r} ({library.url}): {control_ids_report(read.control_ids)}")
    if read.odd_leaders:
        run.errors.append(f"warning: library {library.id!r} ({library.url}): {odd_leaders_report(read.odd_leaders)}")
    if read.wrong_lengths:
        run.errors.append(f"warning: library {library.id!r} ({library.url}): {wrong_lengths_report(read.wrong_lengths)}")
    if read.hashed_ids:
        run.errors.append(f"warning: library {library.id!r} ({library.url}): {hashed_ids_report(read.hashed_ids)}")
    if read.declared_over_utf8:
        run.errors.append(misdeclared_warning(library.id, library.url, read.declared_over_utf8, "MARCXML export"))
    if duplicates := _duplicates_report(rejects):
        run.errors.append(f"warning: library {library.id!r} ({library.url}): {duplicates}: a catalogue holds one "
                          "record per 001, so they were rejected; give each record its own 001 (its control "
                          "number) at the source")


def _duplicates_report(rejects: list[Rejected]) -> str | None:
    """"N records repeat the 001 of an earlier record (first: where)", or None when none does."""
    duplicates = [reject for reject in rejects if reject.reason.startswith(DUPLICATE_ID)]
    if not duplicates:
        return None
    return f"{len(duplicates)} records repeat the 001 of an earlier record (first: {duplicates[0].source})"


def hashed_ids_report(hashed: dict[str, str]) -> str:
    """What records without a 001 cost, said once per file: their ids follow their content."""
    first = next(iter(hashed.values()))
    return (f"{len(hashed)} records have no 001, so each one's id is a hash of its content (first: {first}): "
            "a record edited at the source will come as a new record and its old version be withdrawn, and "
            "a union record it alone holds gets a new id. Give every record a 001 (its control number) at the source")


def _save_batch(store: CatalogStore, batch: list[RawRecord], run: HarvestRun) -> None:
    if not batch:
        return
    counts = store.save_harvest_page(batch)
    run.added += counts.added
    run.changed += counts.changed
    run.deleted += counts.deleted
    run.unchanged += counts.unchanged
