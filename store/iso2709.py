"""The ISO 2709 record structure, one definition for the two stages that read it.

The harvester splits a file into records and decides which to keep; normalize
reads each kept record.  Both must agree on where a field ends when a directory
is wrong (some exporters count characters, not bytes): a record the harvester
accepts because its fields are all there between their terminators is one
normalize then reads there.  Stages cannot import each other, so this lives below both.
"""

from __future__ import annotations

LEADER_LEN = 24
DIRECTORY_ENTRY_LEN = 12
FIELD_TERMINATOR = b"\x1e"
RECORD_TERMINATOR = b"\x1d"
SUBFIELD_DELIMITER = b"\x1f"
# Leader/00-04 and a directory entry's offset have five digits.  A record longer than this
# (a title held in hundreds of copies, one 852 or 952 each) cannot state its length or its
# later offsets: exporters write 00000, 99999 or the offset modulo 100,000.  The record
# terminator still bounds it, and the directory's lengths (four digits, never overflowing)
# still place its fields, one after another in directory order.
MAX_RECORD_BYTES = 99_999


def oversized(record: bytes) -> bool:
    """Whether `record` is too long for its leader length and directory offsets to be true."""
    return len(record) > MAX_RECORD_BYTES


def fields_between_terminators(data_area: bytes) -> list[bytes]:
    """The fields of a data area (from the base address on), cut at their field terminators.

    The record terminator, and the empty piece after the last field's terminator,
    are no field; a last field that lacks its terminator is one.
    """
    pieces = data_area.rstrip(RECORD_TERMINATOR).split(FIELD_TERMINATOR)
    if pieces and not pieces[-1]:
        pieces.pop()
    return pieces


def fields_in_directory_order(data_area: bytes, starts: list[int]) -> list[bytes] | None:
    """The fields cut at their terminators, one for each directory entry (whose offsets are
    `starts`), when there are as many and the directory lists them in the order they are stored;
    else None: which piece is which field is unknown."""
    if starts != sorted(starts):
        return None
    pieces = fields_between_terminators(data_area)
    return pieces if len(pieces) == len(starts) else None
