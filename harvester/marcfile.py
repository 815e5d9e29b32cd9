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

The file is opened, and refused when it plainly is no MARC file, in harvester/marcsource.py;
MARCXML is read in harvester/marcxmlread.py, ISO 2709 in harvester/iso2709file.py; repeated
ids are rejected in harvester/marcids.py.  Here the kind is sniffed and the records read
are taken as the library's catalogue, or refused as one.
"""

from __future__ import annotations

import gzip
import logging
import zlib
from collections.abc import Iterator
from typing import BinaryIO

import httpx

from config.errors import HarvestError
from config.settings import HarvestSettings, LibraryConfig
from harvester import stopping
from harvester.errors import HarvestInterrupted
from harvester.iso2709file import FILE_CUT_SHORT, HASHED_ID_PREFIX, UTF8_BOM, iter_iso2709, other_kind
from harvester.marcids import duplicates_report, first_of_each_id, hashed_ids_report
from harvester.marcsource import MarcRead, open_marc_source
from harvester.marcxmlread import iter_marcxml
from harvester.misdeclared import misdeclared_warning
from harvester.oddrecords import CONTROL_PICTURES_RE, control_ids_report, odd_leaders_report, wrong_lengths_report
from harvester.strayutf8 import stray_bytes_report
from harvester.transport import GZIP_MAGIC
from store.catalog import CatalogStore, utc_now
from store.models import HarvestRun, RawRecord, Rejected, SnapshotRefusal

log = logging.getLogger(__name__)

# How an XML file saved as UTF-16 starts: a byte order mark, or "<" beside a NUL.
_UTF16_STARTS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")
SAVE_BATCH_RECORDS = 500


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
    if duplicates := duplicates_report(rejects):
        run.errors.append(f"warning: library {library.id!r} ({library.url}): {duplicates}: a catalogue holds one "
                          "record per 001, so they were rejected; give each record its own 001 (its control "
                          "number) at the source")


def _save_batch(store: CatalogStore, batch: list[RawRecord], run: HarvestRun) -> None:
    if not batch:
        return
    counts = store.save_harvest_page(batch)
    run.added += counts.added
    run.changed += counts.changed
    run.deleted += counts.deleted
    run.unchanged += counts.unchanged
