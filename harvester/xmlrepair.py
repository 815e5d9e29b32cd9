"""Repairs of XML that real servers and exports send broken in ways that carry no meaning.

Tried only after a strict parse failed (harvester/oaixml.py), so a well-formed
document is never touched: forbidden control characters, noncharacters,
misplaced XML declarations, HTML's named entities, bare ampersands and, in a UTF-8 document, bytes
that are not UTF-8 (harvester/strayutf8.py); CDATA sections are escaped first, so none of it reaches
into their text.  `RepairingReader` applies all but the
declarations to a stream (a large MARCXML file), block by block.
"""

from __future__ import annotations

import itertools
import re
from collections import deque
from html.entities import html5
from typing import BinaryIO

from harvester.strayutf8 import declares_utf8, read_stray_bytes

# Characters XML 1.0 forbids even as references.  TCVN3 puts Vietnamese capitals
# (Ú Ụ Ừ ...) in 0x01-0x17, so deleting them would lose letters: they are kept
# as the matching Unicode "control pictures" (U+2400 + code), which normalize
# can map back before converting the legacy encoding.
_BAD_BYTES_RE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BAD_REF_RE = re.compile(rb"&#(x0*[0-8bBcCeEfF]|x0*1[0-9a-fA-F]|0*[0-8]|0*1[124-9]|0*2[0-9]|0*3[01]);")
CONTROL_PICTURES_BASE = 0x2400


def _as_control_picture(match: re.Match[bytes]) -> bytes:
    text = match.group(0)
    if text.startswith(b"&#"):
        body = text[2:-1]
        code = int(body[1:], 16) if body[:1] in (b"x", b"X") else int(body)
    else:
        code = text[0]
    return b"&#x%X;" % (CONTROL_PICTURES_BASE + code)


# Characters XML forbids, in text already decoded (an ISO 2709 001).
_FORBIDDEN_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What the repairs above leave where such a character stood.
CONTROL_PICTURES_RE = re.compile("[\u2400-\u241f]")


def as_control_pictures(text: str) -> str:
    """`text` with each character XML forbids as its control picture, as a repaired XML document keeps it:
    an 001 'A\\x01B' is the same id 'A\u2401B' whether the library exports ISO 2709 or MARCXML."""
    return _FORBIDDEN_CONTROL_RE.sub(lambda control: chr(CONTROL_PICTURES_BASE + ord(control.group())), text)


# The noncharacters U+FFFE and U+FFFF (raw in UTF-8, or as references) and surrogate
# references are forbidden too; they carry nothing, so they become U+FFFD.
_BAD_NONCHARACTER_RE = re.compile(rb"\xef\xbf[\xbe\xbf]|&#(?:x0*(?:[fF]{3}[eEfF]|[dD][89a-fA-F][0-9a-fA-F]{2})"
                                  rb"|0*(?:6553[45]|5529[6-9]|55[3-9]\d\d|56\d{3}|57[0-2]\d\d|573[0-3]\d|5734[0-3]));")


def repair_invalid_characters(data: bytes) -> tuple[bytes, int]:
    """Replace XML-forbidden characters (control characters by control-picture references,
    noncharacters and surrogates by U+FFFD); return the count."""
    data, raw_count = _BAD_BYTES_RE.subn(_as_control_picture, data)
    data, ref_count = _BAD_REF_RE.subn(_as_control_picture, data)
    data, other_count = _BAD_NONCHARACTER_RE.subn(b"&#xFFFD;", data)
    return data, raw_count + ref_count + other_count


# A line end (or a second BOM) before `<?xml`, printed by a PHP include or a JSP page, and an
# XML declaration in the middle of a document, from a server that pastes each stored record
# with its own `<?xml ...?>` into <metadata>, make a document that is not well-formed.  Both
# carry nothing (a response is UTF-8), so they are dropped.
_BEFORE_DECLARATION_RE = re.compile(rb"\A(?:\xef\xbb\xbf|[ \t\r\n])+(?=<\?xml[ \t\r\n])")
_DECLARATION_RE = re.compile(rb"<\?xml[ \t\r\n][^?>]*\?>")


def bytes_before_declaration(data: bytes) -> int:
    """How many bytes (line ends, spaces, BOMs) stand before the XML declaration `data` starts with."""
    found = _BEFORE_DECLARATION_RE.match(data)
    return found.end() if found else 0


def drop_misplaced_declarations(data: bytes) -> bytes:
    """`data` without what stands before its XML declaration and without declarations further in."""
    data = data[bytes_before_declaration(data):]
    first = _DECLARATION_RE.match(data)
    start = first.end() if first else 0
    return data[:start] + _DECLARATION_RE.sub(b"", data[start:])


# A provider that pastes catalogue text from a web form writes HTML's named entities (`&nbsp;`,
# `&eacute;`); XML defines only five, so without a DTD the page is not well-formed.  The
# name says exactly which character was meant: it becomes a numeric reference.
_NAMED_ENTITY_RE = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_XML_ENTITIES = {b"amp", b"lt", b"gt", b"quot", b"apos"}


def _as_numeric_reference(match: re.Match[bytes]) -> bytes:
    name = match.group(1)
    text = None if name in _XML_ENTITIES else html5.get(f"{name.decode('ascii')};")
    return match.group(0) if text is None else b"".join(b"&#x%X;" % ord(ch) for ch in text)


def replace_html_entities(data: bytes) -> bytes:
    """`data` with HTML's named entities as numeric references; XML's own five and unknown names kept."""
    return _NAMED_ENTITY_RE.sub(_as_numeric_reference, data)


# Koha and hand-made exports write "Giáo dục & Đào tạo" with a bare `&`, which XML reads as the start of a
# reference: the record is not well-formed.  A `&` that starts no reference can only mean the character.
# (`RepairingReader` holds back the last `&` near a block's end: one before it that reaches the end starts
# no reference either, as no reference holds a second `&`.)
_BARE_AMPERSAND_RE = re.compile(rb"&(?!(?:[A-Za-z_:][\w.:-]*|#[0-9]+|#x[0-9A-Fa-f]+);)")


def repair_bare_ampersands(data: bytes) -> tuple[bytes, int]:
    """`data` with each `&` that starts no entity or character reference as `&amp;`; and how many."""
    return _BARE_AMPERSAND_RE.subn(b"&amp;", data)


# Some exporters write each subfield as <![CDATA[...]]>, where `&` and `&nbsp;` are text, not references:
# the repairs above would write them as `&amp;` and `&#xA0;` into that text.  Each section becomes the
# same characters escaped (nothing a parser could tell apart) before they run.
_CDATA_RE = re.compile(rb"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
_CDATA_START = b"<![CDATA["


def _escaped(match: re.Match[bytes]) -> bytes:
    return match.group(1).replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")


def escape_cdata(data: bytes) -> bytes:
    """`data` with each whole CDATA section written as escaped character data."""
    return _CDATA_RE.sub(_escaped, data) if _CDATA_START in data else data


def open_cdata_at(data: bytes) -> int | None:
    """Where a CDATA section (or what may be the start of one) that `data` does not close begins, else None."""
    start = data.rfind(_CDATA_START)
    if start >= 0 and data.find(b"]]>", start) < 0:
        return start
    last = data.rfind(b"<", max(0, len(data) - len(_CDATA_START)))
    return last if last >= 0 and _CDATA_START.startswith(data[last:]) else None


def repair_document(data: bytes) -> tuple[bytes, int] | None:
    """`data` repaired for a second strict parse, with the count of characters replaced (forbidden
    characters, and bytes that are not UTF-8 in a UTF-8 document); None when there is nothing to repair.
    Bare ampersands become `&amp;` too, uncounted: they are the text's own `&`, nothing was lost."""
    repaired, _ampersands = repair_bare_ampersands(replace_html_entities(escape_cdata(
        drop_misplaced_declarations(data))))
    repaired, count = repair_invalid_characters(repaired)
    if declares_utf8(repaired):
        repaired, readings, _left_out = read_stray_bytes(repaired)
        count += len(readings)
    return None if repaired == data else (repaired, count)


# A reference (`&#x1;`, `&eacute;`) or a raw noncharacter (EF BF BE) cut by a block's end is repaired
# with the next block: the bytes from the last `&` or 0xEF this near the end wait for it (the longest
# HTML entity, `&CounterClockwiseContourIntegral;`, is 33 bytes: one that starts before them is whole).
_REPAIR_CARRY_BYTES = 32
_MAX_CDATA_HELD_BYTES = 1 << 20


class RepairingReader:
    """A binary stream read through the repairs that work block by block, for XML parsed as a stream.

    A MARCXML file is too large to repair whole the way a page is.  HTML entities
    become references; bare ampersands become `&amp;`, counted in `bare_ampersands`;
    forbidden characters are counted in `repaired`; in a UTF-8
    document (`utf8`), bytes that are not UTF-8 are kept as harvester/strayutf8.py
    says and counted in `stray_bytes`.  Only for ASCII-compatible encodings.

    Which record holds those bytes: a read that hands them out starts at the first
    of them, and iterparse reads only once it has given out every event of what it
    read before; so after a record's end event, `claim_stray_bytes()` is how many
    the record holds (bytes before the first record go to it, bytes after the last
    are left unclaimed).
    """

    def __init__(self, stream: BinaryIO, block_bytes: int = 1 << 20, utf8: bool = True):
        self.stream = stream
        self.block_bytes = block_bytes
        self.utf8 = utf8
        self.repaired = 0
        self.bare_ampersands = 0
        self.stray_bytes = 0
        self._unclaimed = 0
        self._carry = b""
        self._ready = b""
        self._ready_at = 0  # what of `_ready` was already returned (slicing it each read would copy it)
        self._ready_start = 0  # where `_ready` starts in the repaired stream
        # (where in the repaired stream, how many bytes): runs of stray bytes no record end separates.
        self._stray_runs: deque[list[int]] = deque()
        self._ended = False

    def claim_stray_bytes(self) -> int:
        """Stray bytes handed out since the last claim: those of the record the parser just ended."""
        claimed, self._unclaimed = self._unclaimed, 0
        return claimed

    def _fill(self) -> None:
        block = self.stream.read(self.block_bytes)
        data = self._carry + block
        cut = len(data)
        if block:
            tail = max(0, len(data) - _REPAIR_CARRY_BYTES)
            held = max(data.rfind(b"&", tail), data.rfind(b"\xef", tail))
            cut = held if held >= 0 else cut
            if (cdata := open_cdata_at(data[:cut])) is not None and cut - cdata <= _MAX_CDATA_HELD_BYTES:
                cut = cdata  # a CDATA section is escaped whole, with the blocks it needs (one never closed: not)
        else:
            self._ended = True
        repaired, ampersands = repair_bare_ampersands(replace_html_entities(escape_cdata(data[:cut])))
        repaired, count = repair_invalid_characters(repaired)
        self.repaired += count
        self.bare_ampersands += ampersands
        self._carry = data[cut:]
        if self.utf8:
            whole, (repaired, readings, left_out) = repaired, read_stray_bytes(repaired, final=self._ended)
            if left_out:  # a character cut by the block's end: read with the next block
                self._carry = whole[-left_out:] + self._carry
            self._note_stray_runs(repaired, readings)
        self._ready_start += self._ready_at
        self._ready = self._ready[self._ready_at:] + repaired
        self._ready_at = 0

    def _note_stray_runs(self, repaired: bytes, readings: list[tuple[int, int]]) -> None:
        block_start = self._ready_start + len(self._ready)
        previous = None
        for at, count in readings:
            self.stray_bytes += count
            # "record>" ends every record element (`</record>`, `</marc:record>`): a new run after one.
            if previous is None or b"record>" in repaired[previous:at]:
                self._stray_runs.append([block_start + at, 0])
            self._stray_runs[-1][1] += count
            previous = at

    def read(self, size: int = -1) -> bytes:
        while not self._ended and (size < 0 or len(self._ready) - self._ready_at < size) and not self._run_ahead():
            self._fill()
        start = self._ready_start + self._ready_at
        end = self._ready_start + (len(self._ready) if size < 0 else min(len(self._ready), self._ready_at + size))
        if size >= 0:
            # Runs before `start` were handed out already, so the next to start after it is one of the first two.
            end = min([end] + [at for at, _count in itertools.islice(self._stray_runs, 2) if at > start][:1])
        while self._stray_runs and self._stray_runs[0][0] < end:
            self._unclaimed += self._stray_runs.popleft()[1]
        out = self._ready[self._ready_at:end - self._ready_start]
        self._ready_at += len(out)
        return out

    def _run_ahead(self) -> bool:
        """True when a run of stray bytes starts after the next read's start: that read stops there anyway."""
        return bool(self._stray_runs) and self._stray_runs[-1][0] > self._ready_start + self._ready_at
