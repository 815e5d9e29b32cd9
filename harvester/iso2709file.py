"""ISO 2709 files as a MARC source: split into records, each checked before it is stored.

A record is cut at its record terminator (0x1D), so a wrong leader length or
directory costs that record only, never the rest of the file (pymarc's reader
would lose its place).  A broken record becomes a `Rejected` naming its position
and byte offset; normalize reads the records kept (normalize/iso2709.py), on the
structure both take from store/iso2709.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import BinaryIO

from config.settings import HASHED_ID_PREFIX
from store.iso2709 import (DIRECTORY_ENTRY_LEN, FIELD_TERMINATOR, LEADER_LEN, RECORD_TERMINATOR,
                           MAX_RECORD_BYTES, fields_between_terminators, fields_in_directory_order, oversized)
from harvester.oddrecords import leader_oddities
from harvester.strayutf8 import read_stray_bytes
from harvester.xmlrepair import as_control_pictures
from store.models import RawRecord, Rejected

# Leader/05, record status: MARC 21 says "d" for a record deleted at the library.
LEADER_STATUS = 5
READ_BLOCK_BYTES = 1 << 20
UTF8_BOM = b"\xef\xbb\xbf"


# Some exports put a line end between records; old ones pad each block with NULs.
_BETWEEN_RECORDS = b"\r\n\x00"


_ZIP_MAGIC = b"PK\x03\x04"
# MarcEdit's text form (.mrk) starts each record with "=LDR  "; MARC Breaker writes the same.
_MRK_START = b"=LDR "


def other_kind(head: bytes) -> str | None:
    """What a file starting with `head` is, when it is a kind people give for MARC that is not one
    unioncat reads, with what to do; else None."""
    if head.startswith(_ZIP_MAGIC):
        return ("the file is a ZIP archive, not MARC: unzip it and give the .mrc or .xml inside (for a library, "
                "as the url in its [[libraries]] table); a gzip file, .mrc.gz, is read as it is")
    if head.lstrip(UTF8_BOM + b" \t\r\n").startswith(_MRK_START):
        return ("the file is MARC as text (MarcEdit's .mrk), not ISO 2709 or MARCXML: make it a .mrc (MarcEdit's "
                "MarcMaker), or export MARC 21 or MARCXML, and give that file (for a library, as the url in its "
                "[[libraries]] table)")
    return None


def split_iso2709(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """(byte offset, record bytes) for each record, split on the record terminator 0x1D."""
    buffer = b""
    buffer_offset = 0
    # A byte order mark (Windows tools write one) is no part of the first leader.
    if stream.read(len(UTF8_BOM)) == UTF8_BOM:
        buffer_offset = len(UTF8_BOM)
    else:
        stream.seek(0)
    while block := stream.read(READ_BLOCK_BYTES):
        buffer += block
        start = 0
        while (end := buffer.find(RECORD_TERMINATOR, start)) >= 0:
            chunk = buffer[start:end + 1]
            stripped = chunk.lstrip(_BETWEEN_RECORDS)
            yield buffer_offset + start + len(chunk) - len(stripped), stripped
            start = end + 1
        buffer = buffer[start:]
        buffer_offset += start
    rest = buffer.lstrip(_BETWEEN_RECORDS)
    # A trailing newline, DOS end-of-file (^Z) or NULs padding the last block is not a record.
    if rest.strip(b"\r\n\x1a \t\x00"):
        yield buffer_offset + len(buffer) - len(rest), rest


# Only the last record of a file can lack its terminator: the file was cut short.
FILE_CUT_SHORT = "file ends inside a record (no record terminator 0x1D)"


def _digits(value: bytes) -> int | None:
    return int(value) if value.isdigit() else None


def check_iso2709(record: bytes) -> tuple[bytes | None, str | None]:
    """(001's bytes if readable, reason the record is broken or None) from leader and directory."""
    if not record.endswith(RECORD_TERMINATOR):
        return None, FILE_CUT_SHORT  # however short: a cut inside the leader is a cut too
    if len(record) < LEADER_LEN + 2:
        return None, f"record of {len(record)} bytes is shorter than a leader"
    base = _digits(record[12:17])
    if base is None or not LEADER_LEN < base <= len(record):
        return None, f"leader base address {record[12:17]!r} is not a number within the record"
    if record[base - 1:base] != FIELD_TERMINATOR:
        return None, f"directory does not end with a field terminator at base address {base}"
    directory = record[LEADER_LEN:base - 1]
    if len(directory) % DIRECTORY_ENTRY_LEN:
        return None, f"directory of {len(directory)} bytes is not a whole number of 12-byte entries"
    local_id = None
    id_entry = None  # the index of a 001 that is not where its directory entry says
    problem = None
    too_long = oversized(record)
    following = 0  # where the field starts when the fields follow one another in directory order
    starts = []
    for index in range(0, len(directory), DIRECTORY_ENTRY_LEN):
        entry = directory[index:index + DIRECTORY_ENTRY_LEN]
        tag = entry[:3].decode("ascii", "replace")
        length, start = _digits(entry[3:7]), _digits(entry[7:12])
        number = index // DIRECTORY_ENTRY_LEN + 1
        if length is None or start is None:
            return local_id, f"directory entry {number} ({entry!r}) has a non-numeric length or start"
        if too_long:
            start, following = following, following + length  # its offsets overflow five digits
        starts.append(start)
        end = base + start + length
        if length == 0 or end > len(record) - 1 or record[end - 1:end] != FIELD_TERMINATOR:
            problem = problem or f"field {tag} (directory entry {number}) does not end with a field terminator"
            if tag == "001" and id_entry is None:
                id_entry = number - 1
            continue
        if tag == "001" and local_id is None:
            local_id = record[base + start:end - 1].strip() or None
    if too_long and not problem and base + following != len(record) - 1:
        # Nothing but the fields' lengths bounds an oversized record: data left after its last field
        # is a record whose terminator was lost (read as this one, it would vanish without a word).
        return local_id, (f"record of {len(record):,} bytes (over {MAX_RECORD_BYTES:,}) has its fields end at byte "
                          f"{base + following:,}: the {len(record) - 1 - base - following:,} bytes after them are "
                          "no field, perhaps a record whose terminator 0x1D was lost; export the file again")
    directory_holds = problem is None
    whole = len(fields_between_terminators(record[base:])) == len(directory) // DIRECTORY_ENTRY_LEN
    if problem and whole:
        # A directory counted in characters, not bytes (some exporters do, for UTF-8), or with
        # one wrong length: every field is still there between its terminators, and normalize
        # reads it so (noting the repair).
        problem = None
        if local_id is None and id_entry is not None:
            # The 001 too, or the record would take an id hashed from its content: the library's
            # record withdrawn, and a new one added, for one wrong digit in its directory.
            local_id, problem = _id_between_terminators(record[base:], starts, id_entry)
    if wrong_leader_length(record) and not too_long and not (directory_holds and whole):
        # A record that ran into the next one (its 0x1D lost) shows here; one whose every field sits where
        # its directory says, and nothing after them, is whole: only the leader's number is wrong.
        return local_id, (f"leader record length {record[:5]!r} does not match the {len(record)} bytes "
                          "up to the record terminator")
    return local_id, problem


def _id_between_terminators(data_area: bytes, starts: list[int], id_entry: int) -> tuple[bytes | None, str | None]:
    """(The 001 read between the field terminators, or None with why the record is rejected) for a
    record whose 001 is not where its directory entry `id_entry` says."""
    pieces = fields_in_directory_order(data_area, starts)
    if pieces is not None and (local_id := pieces[id_entry].strip()):
        return local_id, None
    # Stored without it, the record would change its id and the library's one be withdrawn; rejected,
    # the file reads as broken and deletes nothing, so the record stays under its 001.
    return None, (f"field 001 (directory entry {id_entry + 1}) is not where its directory entry says, nor "
                  "can it be told among the fields between the terminators: the record's id is unknown; "
                  "export it again")


def wrong_leader_length(record: bytes) -> bool:
    """Whether the leader's record length (leader/00-04) is neither the record's bytes nor its UTF-8 characters."""
    declared = _digits(record[:5])
    return declared != len(record) and not (declared is not None and _counted_in_characters(record, declared))


def leader_length_told(record: bytes) -> str:
    """What a wrong leader record length (`wrong_leader_length`) says, against the record's bytes."""
    declared = _digits(record[:5])
    if declared is None:
        return f"leader/00-04 holds {record[:5].decode('latin-1')!r}, no length; the record has {len(record)} bytes"
    return f"leader/00-04 says {declared} bytes, the record has {len(record)}"


def _counted_in_characters(record: bytes, declared: int) -> bool:
    """Whether the leader's length counts the record's UTF-8 characters, as an exporter that
    counts its directory in characters does: the record is whole, only measured wrongly."""
    try:
        return len(record.decode("utf-8")) == declared
    except UnicodeDecodeError:
        return False


def _local_id(value: bytes) -> tuple[str, int]:
    """A 001 as text, as the 001 of a MARCXML export is read: its bytes that are not UTF-8 kept as
    harvester/strayutf8.py keeps them, control characters as their pictures (harvester/xmlrepair.py);
    and how many bytes were not UTF-8.  Read with U+FFFD for each, 'E\\xff\\xfeF' and 'E\\xfe\\xffF'
    were one id: the second record was rejected as a duplicate 001."""
    kept, readings, _left_out = read_stray_bytes(value)
    return as_control_pictures(kept.decode("utf-8")), sum(count for _start, count in readings)


def iter_iso2709(stream: BinaryIO, location: str, library: str, stray_bytes: dict[str, int] | None = None,
                 odd_leaders: dict[str, str] | None = None,
                 wrong_lengths: dict[str, str] | None = None) -> Iterator[RawRecord | Rejected]:
    """Raw records (format "iso2709", payload = the record's own bytes) or Rejected ones.

    A 001 with bytes that are not UTF-8 is counted in `stray_bytes` by its id; a leader holding
    control characters or bytes that are not ASCII goes into `odd_leaders`, with where and which;
    a record kept although its leader's length is wrong goes into `wrong_lengths`, with where and
    both lengths: each is a warning of its own, so the library is told what to correct."""
    for position, (offset, record) in enumerate(split_iso2709(stream), start=1):
        where = f"{location} record {position} at byte {offset}"
        raw_id, problem = check_iso2709(record)
        local_id = None
        if raw_id is not None:
            local_id, stray = _local_id(raw_id)
            if stray and stray_bytes is not None:
                stray_bytes[local_id] = stray_bytes.get(local_id, 0) + stray
        if problem:
            yield Rejected(library=library, local_id=local_id or f"#{position}", stage="harvest",
                           reason=problem, source=where)
            continue
        if local_id is None:
            local_id = HASHED_ID_PREFIX + hashlib.sha1(record).hexdigest()
            where += " (no 001: local id is the record's SHA-1)"
        odd = leader_oddities(record[:LEADER_LEN].decode("latin-1"))
        if odd_leaders is not None and odd:
            odd_leaders[local_id] = f"{where}: {odd}"
        if wrong_lengths is not None and wrong_leader_length(record):
            wrong_lengths[local_id] = f"{where}: {leader_length_told(record)}"
        yield RawRecord(library=library, local_id=local_id, format="iso2709", payload=record, source=where,
                        deleted=record[LEADER_STATUS:LEADER_STATUS + 1] == b"d")
