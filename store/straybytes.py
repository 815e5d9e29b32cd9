"""How a byte that is not UTF-8 travels from the harvester to normalize inside UTF-8 text.

A UTF-8 page or MARCXML file can hold a few bytes of another encoding (a TCVN3,
VNI or Windows-1258 fragment pasted into a database).  Which encoding they are
can only be told from the text around them, which is normalize's job
(normalize/eightbit.py, normalize/legacy.py); the harvester cannot import
normalize.  So the harvester keeps each such byte as one private-use code point,
U+F700 + byte (U+F780-U+F7FF), and normalize turns each run of them back into
its bytes and reads them.  The range is clear of normalize/marc.py's U+E000-U+E01F
(control characters while parsing) and of harvester/xmlrepair.py's control pictures.
"""

from __future__ import annotations

import re

STRAY_BYTE_BASE = 0xF700  # byte 0x80-0xFF ↔ U+F780-U+F7FF
# U+F780-U+F7BF and U+F7C0-U+F7FF in UTF-8 start with these two bytes: a payload holding
# neither holds no stray byte, which substring searches tell without decoding it.
STRAY_BYTE_UTF8_PREFIXES = (b"\xef\x9e", b"\xef\x9f")
STRAY_RUN_RE = re.compile("[\uf780-\uf7ff]+")
_STRAY_BYTE_CHARS = {byte: chr(STRAY_BYTE_BASE + byte) for byte in range(0x80, 0x100)}
_STRAY_BYTE_UTF8 = {byte: char.encode("utf-8") for byte, char in _STRAY_BYTE_CHARS.items()}


def may_hold_stray_bytes(payload: bytes) -> bool:
    """False when the UTF-8 `payload` surely holds no stray-byte code point (the cheap test before any
    per-field work)."""
    # A one-byte search is a memchr, some fifty times faster than a two-byte one; 0xEF leads only
    # U+F000-U+FFFF in UTF-8 (no Vietnamese letter), so most payloads stop there.
    if b"\xef" not in payload:
        return False
    first, second = STRAY_BYTE_UTF8_PREFIXES
    return first in payload or second in payload


def stray_byte_utf8(byte: int) -> bytes:
    """The UTF-8 of the code point that stands for `byte` (0x80-0xFF)."""
    return _STRAY_BYTE_UTF8[byte]


def stray_bytes_of(run: str) -> bytes:
    """The bytes a run of stray-byte code points (a match of STRAY_RUN_RE) stands for."""
    return bytes(ord(char) - STRAY_BYTE_BASE for char in run)


# Python's decoder keeps each byte it cannot read as a lone surrogate (U+DC80-U+DCFF).
_ESCAPED_BYTE_RE = re.compile("[\udc80-\udcff]")


def decode_keeping_stray_bytes(data: bytes) -> str:
    """`data` as UTF-8, each byte that is not UTF-8 kept as the code point that stands for it."""
    return _ESCAPED_BYTE_RE.sub(lambda escaped: chr(STRAY_BYTE_BASE + ord(escaped.group()) - 0xDC00),
                                data.decode("utf-8", "surrogateescape"))


def with_stray_bytes(text: str) -> str | bytes:
    """`text` as it was read: its UTF-8 with each stray-byte code point as the byte it stands for, or
    `text` itself when it holds none (a library's OPAC knows a 001 'E\\xffF' by those bytes)."""
    if not STRAY_RUN_RE.search(text):
        return text
    pieces, done = [], 0
    for run in STRAY_RUN_RE.finditer(text):
        pieces += [text[done:run.start()].encode("utf-8"), stray_bytes_of(run.group())]
        done = run.end()
    return b"".join([*pieces, text[done:].encode("utf-8")])
