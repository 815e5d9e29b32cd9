"""Builders for MARC test records: pymarc records, MARC-8 bytes, TCVN3/VNI legacy text.

The legacy encoders here are written independently of normalize/legacy_tables.py
(TCVN3 through glibc iconv, VNI from the font's rules) so tests check the tables
rather than repeat them.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pymarc
from pymarc import Field, Indicators, Subfield
from pymarc import marc8_mapping

HAVE_ICONV = shutil.which("iconv") is not None and b"TCVN5712-1" in subprocess.run(
    ["iconv", "-l"], capture_output=True).stdout

_ANSEL = {chr(uni): byte for byte, (uni, _) in marc8_mapping.CODESETS[0x45].items()}


def to_marc8(text: str) -> str:
    """MARC-8 bytes of `text` as a Latin-1 str, so pymarc's `as_marc()` writes them unchanged."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ch.isascii():
            out.append(ord(ch))
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], list(decomposed[1:])
        if "\u031b" in marks:  # horn: MARC-8 has ơ/ư as letters
            marks.remove("\u031b")
            base = unicodedata.normalize("NFC", base + "\u031b")
        # MARC-8 writes combining marks before the letter they sit on.
        out.extend(_ANSEL[m] for m in marks)
        out.append(ord(base) if base.isascii() else _ANSEL[base])
    return out.decode("latin-1")


def tcvn3_bytes(text: str) -> bytes:
    """TCVN3 bytes of Vietnamese text, from glibc iconv (TCVN5712-1)."""
    result = subprocess.run(["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"], input=text.encode("utf-8"),
                            capture_output=True, check=True)
    return result.stdout


def as_tcvn3_mojibake(text: str) -> str:
    """What a TCVN3 string looks like after being read as cp1252: "Những" → "Nh÷ng"."""
    raw = tcvn3_bytes(text)
    return "".join(bytes([b]).decode("cp1252") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(b)
                   for b in raw)


_VNI_TONE = {"\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_CIRC_TONE = {"": "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVE_TONE = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_I = {"\u0301": "í", "\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}


def as_vni(text: str) -> str:
    """VNI-Windows spelling of Vietnamese text, as read in cp1252 ("Lịch sử" → "Lòch söû")."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        upper = ch.isupper()
        d = unicodedata.normalize("NFD", ch.lower())
        base, marks = d[0], d[1:]
        tone = next((m for m in marks if m in _VNI_TONE), "")
        if ch.lower() == "đ":
            piece = "ñ"
        elif not marks:
            piece = base
        elif base == "i":
            piece = _VNI_I[tone]
        elif base == "y" and tone == "\u0323":
            piece = "î"
        elif "\u0302" in marks:
            piece = base + _VNI_CIRC_TONE[tone]
        elif "\u0306" in marks:
            piece = base + _VNI_BREVE_TONE[tone]
        elif "\u031b" in marks:
            piece = {"o": "ô", "u": "ö"}[base] + (_VNI_TONE[tone] if tone else "")
        else:
            piece = base + _VNI_TONE[tone]
        out.append(piece.upper() if upper else piece)
    return "".join(out)


def data_field(tag: str, ind: str, *pairs: str) -> Field:
    """data_field("245", "10", "a", "Title :", "b", "sub") — pairs of code, value."""
    subs = [Subfield(pairs[i], pairs[i + 1]) for i in range(0, len(pairs), 2)]
    return Field(tag=tag, indicators=Indicators(ind[0], ind[1]), subfields=subs)


def marc_record(*fields: Field, leader_type: str = "am", f008: str | None = None,
                control_001: str = "HG0001") -> pymarc.Record:
    record = pymarc.Record(force_utf8=True)
    record.leader = pymarc.Leader("00000n" + leader_type + " a2200000 a 4500")
    record.add_field(Field(tag="001", data=control_001))
    if f008 is not None:
        record.add_field(Field(tag="008", data=f008))
    for field in fields:
        record.add_field(field)
    return record


def iso2709(record: pymarc.Record, leader_09: str = "a") -> bytes:
    """ISO 2709 bytes with leader/09 as given (pymarc writes UTF-8 for "a", Latin-1 otherwise)."""
    record.force_utf8 = leader_09 == "a"
    record.to_unicode = leader_09 == "a"  # else pymarc forces leader/09 to "a" and writes UTF-8
    record.leader = pymarc.Leader(str(record.leader)[:9] + leader_09 + str(record.leader)[10:])
    data = record.as_marc()
    return data[:9] + leader_09.encode("ascii") + data[10:]


def marcxml(record: pymarc.Record, namespace: bool = True) -> bytes:
    return pymarc.record_to_xml(record, namespace=namespace)
