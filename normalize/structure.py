"""Structural damage a reader passes over but must report: bad tags, codes, indicators, leaders.

The readers keep every field they can (a field with a two-character tag or a
missing indicator still carries its text), and these notes go to the record's
`repairs`, so a librarian sees what the export got wrong.  Each check is one
C-speed regular expression over the whole record first, and only a record that
fails it is looked at field by field: every record of the province passes here
each night, and almost all of them are sound.
"""

from __future__ import annotations

import re

from normalize.marcrecord import LEADER_LEN, Field

# MARC 21: tags are three ASCII letters or digits, subfield codes one lowercase letter or digit.
_VALID_TAG_RE = re.compile(r"[0-9A-Za-z]{3}\Z")
_VALID_CODE_RE = re.compile(r"[0-9a-z]\Z")
_BAD_ISO_CODE_RE = re.compile(rb"\x1f[^0-9a-z]")
# Two searches, each led by a literal that re finds at C speed: one regex with an
# alternation (or a leading \b) tries every byte of the record, five times slower.
# A match is only a reason to look field by field, so text that merely contains
# `code="` costs a walk, never a wrong note.
_BAD_XML_TAG_RE = re.compile(rb'tag="(?![0-9A-Za-z]{3}")')
_BAD_XML_CODE_RE = re.compile(rb'code="(?![0-9a-z]")')
# MARC-8 escapes start with one of these; any other ESC is noise that decoding drops.
_STRAY_ESC_RE = re.compile(rb"\x1b(?![(,$)\-gbps])")
# An escape that designates a set MARC-8 does not define (ESC ( Z): pymarc has no table for it and drops
# every character after it to the field's end; it is ignored instead (normalize/iso2709.py).  The finals
# MARC-8 defines: 1 (CJK), 2 3 4 (Hebrew, Arabic), B E (ASCII, ANSEL), N Q (Cyrillic), S (Greek), b g p.
UNDEFINED_MARC8_SET_RE = re.compile(rb"\x1b(?:\$?[(,)\-][^1-4BENQSbgp\x1b]|\$[^(,)\-1-4BENQSbgp\x1b])")


def iso2709_field_problems(tag: str, body: bytes) -> list[str]:
    """Notes for one ISO 2709 field, from its directory tag and undecoded body."""
    notes: list[str] = []
    if not _VALID_TAG_RE.match(tag):
        notes.append(f"field {tag!r}: a tag must be three letters or digits; kept as it is")
    if tag >= "010" and b"\x1f" in body[:2]:
        notes.append(f"field {tag}: indicators missing; read as blank")
    if _BAD_ISO_CODE_RE.search(body):
        notes.append(f"field {tag}: a subfield code is not a lowercase letter or digit; kept as it is")
    if b"\x1b" in body and _STRAY_ESC_RE.search(body):
        notes.append(f"field {tag}: an escape byte (ESC) that starts no MARC-8 character set; dropped")
    if b"\x1b" in body and (undefined := UNDEFINED_MARC8_SET_RE.search(body)):
        notes.append(f"field {tag}: an escape to a character set MARC-8 does not define ({undefined.group()[1:]!r} "
                     "after ESC); ignored, the text after it read in the set before it")
    return notes


def leader_problems(leader: str) -> list[str]:
    """The note for a MARCXML leader of the wrong length."""
    # A record with no leader at all is common in hand-made MARCXML and says so itself.
    return [f"leader is {len(leader)} characters, not {LEADER_LEN}; padded or cut"] \
        if leader and len(leader) != LEADER_LEN else []


def marcxml_problems(payload: bytes, leader: str, fields: list[Field]) -> list[str]:
    """Notes for a MARCXML record: its leader's length, and tags or codes MARC 21 does not allow."""
    notes = leader_problems(leader)
    if not (_BAD_XML_TAG_RE.search(payload) or _BAD_XML_CODE_RE.search(payload)):
        return notes
    for field in fields:
        if not _VALID_TAG_RE.match(field.tag):
            notes.append(f"field {field.tag!r}: a tag must be three letters or digits; kept as it is")
        bad = sorted({code for code, _ in field.subfields if not _VALID_CODE_RE.match(code)})
        if bad:
            notes.append(f"field {field.tag}: subfield code {', '.join(map(repr, bad))} "
                         "is not a lowercase letter or digit; kept as it is")
    return notes
