"""Read one ISO 2709 record into a MarcRecord, choosing its character encoding.

Leader/09 says MARC-8 (blank) or UTF-8 ("a") and is sometimes wrong.  The
declared encoding is tried first; UTF-8 bytes under a MARC-8 leader are read as
UTF-8 (MARC-8 text almost never forms valid multi-byte UTF-8); otherwise MARC-8
and cp1252 are both tried and the reading that looks more like Vietnamese wins
(cp1252 is how raw TCVN3/VNI bytes must be read before repair; cp1258, Windows
Vietnamese, is the third candidate, and cp1251, Windows Cyrillic, the fourth).  The choice is
kept in `MarcRecord.encoding` with a repair note.

The directory is trusted only where its fields end at field terminators: some
exporters count a UTF-8 field's characters instead of its bytes, and then the
fields are read in the characters the directory counted, or else between their
terminators (the data area holding one terminated field per entry, in order).
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from pymarc.marc8 import MARC8ToUnicode

from normalize.errors import RecordError
from normalize.legacy import reading_score
from normalize.eightbit import decode_cp1252
from normalize.limits import cut_long_fields
from normalize.marcrecord import Field, MarcRecord
from normalize.structure import UNDEFINED_MARC8_SET_RE, iso2709_field_problems
from store.straybytes import decode_keeping_stray_bytes
from store.iso2709 import (DIRECTORY_ENTRY_LEN, FIELD_TERMINATOR, LEADER_LEN, MAX_RECORD_BYTES, SUBFIELD_DELIMITER,
                           fields_in_directory_order, oversized)

_LABELS = {"utf-8": "UTF-8", "marc-8": "MARC-8", "cp1252": "cp1252", "cp1258": "cp1258", "cp1251": "cp1251"}
_CYRILLIC = range(0x0400, 0x0500)


class RawField(NamedTuple):
    tag: str
    body: bytes


def split_iso2709(data: bytes) -> tuple[str, list[RawField], list[str]]:
    """Leader, undecoded fields and repair notes; RecordError names the broken byte."""
    repairs: list[str] = []
    if len(data) < LEADER_LEN + 1:
        raise RecordError(f"ISO 2709 record is {len(data)} bytes, shorter than a {LEADER_LEN}-byte leader; "
                          "the file is truncated: export it again")
    leader = data[:LEADER_LEN].decode("latin-1")
    if not leader[12:17].isdigit():
        raise RecordError(f"ISO 2709 leader/12-16 (base address of data) is {leader[12:17]!r}, not digits; "
                          "this is not a MARC record or it is damaged")
    base = int(leader[12:17])
    declared_len = int(leader[0:5]) if leader[0:5].isdigit() else None
    if oversized(data):
        repairs.append(f"record is {len(data):,} bytes, more than ISO 2709's {MAX_RECORD_BYTES:,} (leader/00-04 "
                       f"says {leader[0:5]!r}): read to its record terminator, its fields one after another "
                       "by their lengths")
    elif declared_len is not None and declared_len != len(data):
        repairs.append(f"leader/00-04 says {declared_len} bytes, record has {len(data)}")
    end = data.find(FIELD_TERMINATOR, LEADER_LEN)
    if end < 0 or not LEADER_LEN < base <= len(data):
        raise RecordError(f"ISO 2709 directory has no end, or base address {base} lies outside the "
                          f"{len(data)}-byte record; the record is truncated or damaged: export it again")
    directory = data[LEADER_LEN:end]
    if len(directory) % DIRECTORY_ENTRY_LEN:
        raise RecordError(f"ISO 2709 directory is {len(directory)} bytes, not a multiple of "
                          f"{DIRECTORY_ENTRY_LEN}; the record is damaged: export it again")
    entries = _directory_entries(directory)
    if oversized(data):
        entries = _following_one_another(entries)
    fields, overrun, misplaced = _fields_by_bytes(data, base, entries)
    if overrun or misplaced:
        # A field does not end where the directory says: some exporters count characters, not
        # bytes, and a hand-patched record may have one wrong length.  A field that merely lacks
        # its terminator (a sloppy export) leaves one terminator too few, and is read as it is.
        found = _fields_by_characters(data, base, entries) or _fields_by_terminators(data, base, entries)
        if found is not None:
            fields = found
            repairs.append("directory lengths and offsets do not match the field terminators (counted in "
                           "characters, not bytes?); fields read between their terminators")
        elif overrun:
            raise RecordError(overrun)
    for field in fields:
        repairs += iso2709_field_problems(field.tag, field.body)
    return leader, fields, repairs


def _directory_entries(directory: bytes) -> list[tuple[str, int, int]]:
    """(tag, length, offset) of each directory entry."""
    entries = []
    for pos in range(0, len(directory), DIRECTORY_ENTRY_LEN):
        entry = directory[pos:pos + DIRECTORY_ENTRY_LEN]
        tag = entry[:3].decode("latin-1")
        if not entry[3:12].isdigit():
            raise RecordError(f"ISO 2709 directory entry {pos // DIRECTORY_ENTRY_LEN + 1} (tag {tag!r}) "
                              "has no length/offset digits; the record is damaged: export it again")
        entries.append((tag, int(entry[3:7]), int(entry[7:12])))
    return entries


def _following_one_another(entries: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The entries with each field starting where the one before it ends: a record longer than
    99,999 bytes cannot write its later offsets, but its lengths are true."""
    out, start = [], 0
    for tag, length, _ in entries:
        out.append((tag, length, start))
        start += length
    return out


def _fields_by_bytes(data: bytes, base: int,
                     entries: list[tuple[str, int, int]]) -> tuple[list[RawField], str, int]:
    """(fields where the directory says, in bytes as the standard counts; why the directory
    overruns the record or ""; how many fields do not end with a field terminator)."""
    fields, misplaced = [], 0
    for tag, length, start in entries:
        begin = base + start
        if begin + length > len(data):
            return fields, (f"ISO 2709 field {tag} ends at byte {begin + length} but the record has only "
                            f"{len(data)} bytes; the record is truncated: export it again"), misplaced
        body = data[begin:begin + length]
        if body.endswith(FIELD_TERMINATOR):
            body = body[:-1]
        else:
            misplaced += 1
        fields.append(RawField(tag, body))
    return fields, "", misplaced


def _fields_by_characters(data: bytes, base: int, entries: list[tuple[str, int, int]]) -> list[RawField] | None:
    """The fields where a directory counted in characters of UTF-8 text says (some exporters
    count a string's characters, not its bytes), when every one ends at a field terminator."""
    try:
        text = data[base:].decode("utf-8")
    except UnicodeDecodeError:
        return None
    fields = []
    for tag, length, start in entries:
        body = text[start:start + length]
        if len(body) != length or not body.endswith("\x1e"):
            return None
        fields.append(RawField(tag, body[:-1].encode("utf-8")))
    return fields


def _fields_by_terminators(data: bytes, base: int, entries: list[tuple[str, int, int]]) -> list[RawField] | None:
    """The data area cut at its field terminators, when there are as many pieces as directory
    entries and the directory lists the fields in the order they are stored."""
    pieces = fields_in_directory_order(data[base:], [start for _, _, start in entries])
    if pieces is None:
        return None
    return [RawField(tag, body) for (tag, _, _), body in zip(entries, pieces)]


# MARC-8's non-sort markers around a leading article, NSB 0x88 and NSE 0x89, are U+0098 and U+009C in
# Unicode (MARC 21 Specifications, Character Sets, Part 1: control function codes).  pymarc drops
# every C1 byte, and with them what the cataloguer marked not to sort on: they are kept here.
_MARC8_NONSORT_RE = re.compile(rb"([\x88\x89])")
_MARC8_NONSORT = {b"\x88": "\u0098", b"\x89": "\u009c"}


def _decode(value: bytes, encoding: str, marc8: MARC8ToUnicode | None = None) -> str:
    """`value` in `encoding`; `marc8` is the MARC-8 converter of the field the value belongs to."""
    if encoding == "utf-8":
        return value.decode("utf-8")
    if encoding == "marc-8":
        marc8 = marc8 or MARC8ToUnicode(quiet=True)
        if value.isascii() and b"\x1b" not in value and marc8.g0 == MARC8ToUnicode.basic_latin:
            return value.decode("ascii")
        if b"\x1b" in value:
            value = UNDEFINED_MARC8_SET_RE.sub(b"", value)
        if b"\x88" in value or b"\x89" in value:
            pieces = _MARC8_NONSORT_RE.split(value)  # pieces at odd positions are the markers
            return "".join(_MARC8_NONSORT[piece] if i % 2 else _compose_stacked_marks(marc8.translate(piece))
                           for i, piece in enumerate(pieces))
        return _compose_stacked_marks(marc8.translate(value))
    if encoding == "cp1258":
        # Windows Vietnamese puts the tone mark after its letter: compose to NFC.
        return unicodedata.normalize("NFC", value.decode("cp1258"))
    if encoding == "cp1251":
        return value.decode("cp1251")
    return decode_cp1252(value)


# A letter and the two or more combining marks after it, once decomposed.
_STACKED_MARKS_RE = re.compile("(.)([\u0300-\u036f]{2,})")


def _compose_stacked_marks(text: str) -> str:
    """NFC `text` whose stacked marks MARC-8 may have listed top to bottom.

    The MARC-8 spec orders a letter's marks "top to bottom", Unicode from the
    letter outwards: ễ arrives as tilde, circumflex, e, and composes only to
    ẽ + U+0302.  Where the reverse order composes further, it is the one meant.
    """
    if not any(unicodedata.combining(ch) for ch in text):
        return text
    return unicodedata.normalize("NFC", _STACKED_MARKS_RE.sub(_fewer_marks, unicodedata.normalize("NFD", text)))


def _fewer_marks(match: re.Match[str]) -> str:
    base, marks = match.group(1), match.group(2)
    return min((base + marks, base + marks[::-1]), key=lambda t: len(unicodedata.normalize("NFC", t)))


def _decode_fields(raw_fields: list[RawField], encoding: str) -> list[Field]:
    fields: list[Field] = []
    for raw in raw_fields:
        if _is_control(raw.tag):
            fields.append(Field(raw.tag, data=_control_field(raw.body, encoding)))
            continue
        # A MARC-8 escape holds to the end of its field, across subfield delimiters (control
        # characters, which ISO 2022 leaves out of G0/G1), and each field starts from ASCII
        # and ANSEL again: one converter per field, never per subfield as pymarc does.
        marc8 = MARC8ToUnicode(quiet=True) if encoding == "marc-8" else None
        # Some exports drop one or both indicators; the first subfield delimiter
        # shows where the indicators end, so no subfield is lost to them.
        ind_len = min(2, max(0, raw.body.find(SUBFIELD_DELIMITER))) if SUBFIELD_DELIMITER in raw.body[:2] else 2
        indicators = raw.body[:ind_len].decode("latin-1").ljust(2)
        subfields: list[tuple[str, str]] = []
        for chunk in raw.body[ind_len:].split(SUBFIELD_DELIMITER)[1:]:
            if chunk:
                subfields.append(_subfield(chunk, encoding, marc8))
        fields.append(Field(raw.tag, indicators[0], indicators[1], tuple(subfields)))
    return fields


def _is_control(tag: str) -> bool:
    return tag.isdigit() and tag < "010"


def _control_field(body: bytes, encoding: str) -> str:
    """A 00X field: codes and numbers, no text to tell an encoding by.  A byte of it that `encoding`
    cannot read (a 001 'E\\xff\\xfeF' in a UTF-8 record) is kept as the harvester keeps it in the
    id (store/straybytes.py): failing the record's reading on it sent every field to the MARC-8
    fallback, and the title 'Sách ba' became 'S©Łch ba'."""
    try:
        return _decode(body, encoding)
    except UnicodeDecodeError:
        return decode_keeping_stray_bytes(body)


def _subfield(chunk: bytes, encoding: str, marc8: MARC8ToUnicode | None = None) -> tuple[str, str]:
    """(code, value) of one subfield; the code is always ASCII, whatever set an escape chose.

    A damaged UTF-8 record may have a multi-byte character as a code; cutting it
    after one byte would make the whole record undecodable as UTF-8 and push it
    onto a wrong fallback, so the code is then the whole character.
    """
    if encoding == "utf-8" and chunk[0] >= 0x80:
        text = chunk.decode("utf-8")
        return text[0], text[1:]
    return chunk[:1].decode("latin-1"), _decode(chunk[1:], encoding, marc8)


def _try(raw_fields: list[RawField], encoding: str) -> list[Field] | None:
    try:
        return _decode_fields(raw_fields, encoding)
    except (UnicodeDecodeError, IndexError, KeyError, TypeError, ValueError):
        return None


DECLARED_READING_BONUS = 1.5  # reading_score points; one word read as Vietnamese still outweighs it


def parse_iso2709(data: bytes) -> MarcRecord:
    """One ISO 2709 record (with or without its record terminator) as a MarcRecord."""
    leader, raw_fields, repairs = split_iso2709(data)
    declared = "utf-8" if leader[9] == "a" else "marc-8"
    if leader[9] not in " a":
        repairs.append(f"leader/09 is {leader[9]!r} (neither blank nor 'a'); taken as MARC-8")
    # What the data fields hold decides the reading; control fields hold ids and codes (_control_field).
    body = b"".join(f.body for f in raw_fields if not _is_control(f.tag))
    chosen, fields = declared, None
    # MARC-8's escapes to Cyrillic, Greek or CJK (EACC) are 7-bit: an ASCII-only record with
    # one is MARC-8, and so is any record whose escapes MARC-8 decodes.
    escapes = b"\x1b" in body and declared == "marc-8"
    if escapes:
        fields = _try(raw_fields, "marc-8")
    if fields is None and body.isascii():
        fields = _try(raw_fields, "utf-8")
    elif fields is None:
        utf8 = _try(raw_fields, "utf-8")
        if utf8 is not None:
            chosen, fields = "utf-8", utf8
        else:
            fields, chosen = _best_reading(raw_fields, declared)
    if fields is None:
        raise RecordError("ISO 2709 record could not be decoded as UTF-8, MARC-8 or cp1252; export it again")
    if chosen != declared and not body.isascii():
        repairs.append(f"leader/09 said {_LABELS[declared]}, read as {_LABELS[chosen]}")
    marc = MarcRecord(leader=leader, fields=fields, encoding=chosen if not body.isascii() else declared,
                      repairs=repairs)
    # A directory's lengths keep a field under 10,000 bytes; one read between terminators has no bound.
    marc.repairs += cut_long_fields(marc, len(data))
    return marc


def _best_reading(raw_fields: list[RawField], declared: str) -> tuple[list[Field] | None, str]:
    """MARC-8, cp1252 or cp1258, whichever reads as more plausible Vietnamese (in that order on ties).

    cp1251 (Windows Cyrillic: Russian books of the Soviet years, exported by old
    systems under a MARC-8 leader) is taken only when its words are wholly
    Cyrillic and outnumber the broken ones, and it beats the others.
    """
    best: tuple[float, list[Field] | None, str] = (-(10**9), None, "marc-8")
    for encoding in ("marc-8", "cp1252", "cp1258", "cp1251"):
        fields = _try(raw_fields, encoding)
        if fields is None:
            continue
        texts = [value for f in fields for _, value in f.subfields]
        if encoding == "cp1251":
            score = _cyrillic_score(texts)
            if score <= 0:
                continue
        else:
            score = reading_score(texts)
        if encoding == declared:
            # What the leader says wins unless another reading is clearly better: a Nordic
            # MARC-8 title ("Øst … måne") has words that are no Vietnamese either way.
            score += DECLARED_READING_BONUS
        if score > best[0]:
            best = (score, fields, encoding)
    return best[1], best[2]


def _cyrillic_score(texts: list[str]) -> int:
    """Words whose non-ASCII letters are all Cyrillic, minus words that mix in anything else."""
    score = 0
    for text in texts:
        for word in text.split():
            letters = [ch for ch in word if ch.isalpha() and not ch.isascii()]
            if letters:
                score += 1 if all(ord(ch) in _CYRILLIC for ch in letters) and not _mixes_latin(word) else -1
    return score


def _mixes_latin(word: str) -> bool:
    return any(ch.isascii() and ch.isalpha() for ch in word)
