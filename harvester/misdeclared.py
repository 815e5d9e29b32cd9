"""XML that declares a Latin encoding over bytes written in UTF-8, read as UTF-8.

Export templates and home-made OAI-PMH scripts write `<?xml version="1.0"
encoding="ISO-8859-1"?>` (or windows-1252, US-ASCII) whatever they then print,
and print UTF-8.  Obeying the declaration turns every Vietnamese letter into
mojibake ("Tiếng" becomes "Tiáº¿ng"), silently, in every record.  None of those
encodings can write Vietnamese, and text really in one of them is almost never
valid UTF-8 once it leaves ASCII ("Café" in Latin-1 is not), so bytes that are
valid UTF-8 with characters beyond ASCII are read as UTF-8: the declaration is
rewritten, and a warning names the document.  A UTF-8 byte order mark before
such a declaration says the same.
"""

from __future__ import annotations

import codecs
import logging
from typing import BinaryIO

from harvester.strayutf8 import DECLARED_ENCODING_RE

log = logging.getLogger(__name__)

_LATIN_CODECS = {"iso8859-1", "cp1252", "ascii"}  # as codecs.lookup() names them
_UTF8 = b"UTF-8"
# Blocks of ASCII read before a stream's declaration is judged anyway (as declared).
MAX_ASCII_HEAD_BLOCKS = 64


def utf8_despite_declaration(data: bytes, where: str, final: bool = True) -> bytes:
    """`data` (a whole document, or its first block when not `final`) declaring UTF-8 when it
    declares a Latin encoding but is UTF-8 beyond ASCII; else `data` itself."""
    found = DECLARED_ENCODING_RE.match(data)
    if found is None or codec_name(found.group(1).decode("ascii")) not in _LATIN_CODECS or data.isascii():
        return data
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final)
    except UnicodeDecodeError:
        return data
    log.warning("%s declares encoding %r but is written in UTF-8; read as UTF-8 (ask whoever makes it to "
                "declare UTF-8)", where, found.group(1).decode("ascii"))
    # Spaces after the value keep every later byte where it was (positions in messages stay true).
    padding = b" " * max(0, len(found.group(1)) - len(_UTF8))
    return data[:found.start(1)] + _UTF8 + data[found.end(1):found.end(1) + 1] + padding + data[found.end(1) + 1:]


class _HeadReplaced:
    """A binary stream that gives `head` first, then the rest of `stream`."""

    def __init__(self, head: bytes, stream: BinaryIO):
        self._head = head
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        if not self._head:
            return self._stream.read(size)
        if size < 0:
            out, self._head = self._head + self._stream.read(), b""
            return out
        out, self._head = self._head[:size], self._head[size:]
        return out


def utf8_stream_despite_declaration(stream: BinaryIO, where: str, block_bytes: int) -> tuple[BinaryIO, bytes]:
    """`stream` (at its XML declaration) and its first bytes, declaring UTF-8 as `utf8_despite_declaration`
    says; judged on its first block with a byte beyond ASCII (an export may begin with English books),
    read up to `MAX_ASCII_HEAD_BLOCKS` blocks for it."""
    first = stream.read(block_bytes)
    complete = len(first) < block_bytes
    for _ in range(MAX_ASCII_HEAD_BLOCKS):
        if complete or not first.isascii():
            break
        more = stream.read(block_bytes)
        first += more
        complete = len(more) < block_bytes
    head = utf8_despite_declaration(first, where, final=complete)
    return _HeadReplaced(head, stream), head


def codec_name(charset: str) -> str | None:
    """Python's name for an encoding label ("ISO-8859-1" → "iso8859-1"), None when unknown."""
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None
