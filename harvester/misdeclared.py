"""XML that declares a Latin encoding over bytes written in UTF-8, read as UTF-8.

Export templates and home-made OAI-PMH scripts write `<?xml version="1.0"
encoding="ISO-8859-1"?>` (or windows-1252, US-ASCII) whatever they then print,
and print UTF-8.  Obeying the declaration turns every Vietnamese letter into
mojibake ("Tiếng" becomes "Tiáº¿ng"), silently, in every record.  None of those
encodings can write Vietnamese, and text really in one of them is almost never
valid UTF-8 once it leaves ASCII ("Café" in Latin-1 is not), so bytes that are
valid UTF-8 with characters beyond ASCII are read as UTF-8: the declaration is
rewritten.  A UTF-8 byte order mark before such a declaration says the same.

A harvest says so in the library's run (`misdeclared_warning`, shown by `unioncat
status`), once per run: only the library can correct its server or export, and a
line in the log reached nobody who could.  The file modes, which have no run, log it.
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
    """`data` as `declared_over_utf8` gives it, logging the misdeclaration: for the file modes,
    where no run carries a warning to `unioncat status`."""
    data, declared = declared_over_utf8(data, final)
    if declared is not None:
        log_misdeclared(where, declared)
    return data


def log_misdeclared(where: str, declared: str) -> None:
    """Log that the document `where` declares `declared` over UTF-8 bytes (the file modes' warning on stderr)."""
    log.warning("%s declares encoding %r but is written in UTF-8; read as UTF-8 (ask whoever makes it to "
                "declare UTF-8)", where, declared)


def declared_over_utf8(data: bytes, final: bool = True) -> tuple[bytes, str | None]:
    """(`data` declaring UTF-8, the Latin encoding it declared) when `data` (a whole document, or its
    first block when not `final`) declares a Latin encoding but is UTF-8 beyond ASCII; else (`data`, None).

    Returns the declaration rather than logging it, so a harvest can tell the library (`misdeclared_warning`).
    """
    found = DECLARED_ENCODING_RE.match(data)
    if found is None or codec_name(found.group(1).decode("ascii")) not in _LATIN_CODECS or data.isascii():
        return data, None
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final)
    except UnicodeDecodeError:
        return data, None
    # Spaces after the value keep every later byte where it was (positions in messages stay true).
    padding = b" " * max(0, len(found.group(1)) - len(_UTF8))
    rewritten = data[:found.start(1)] + _UTF8 + data[found.end(1):found.end(1) + 1] + padding + data[found.end(1) + 1:]
    return rewritten, found.group(1).decode("ascii")


def misdeclared_warning(library: str, url: str, declared: str, maker: str) -> str:
    """The run's warning (shown by `unioncat status`) for a source whose XML declares `declared` over UTF-8
    bytes; `maker` is what writes the declaration ("OAI-PMH server", "MARCXML export"), which the library fixes."""
    return (f"warning: library {library!r} ({url}): its XML declares encoding=\"{declared}\" but is written in "
            f"UTF-8; its records were read as UTF-8. Ask the library to make its {maker} declare "
            f'encoding="UTF-8" (any other reader that obeys "{declared}" garbles every Vietnamese letter)')


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


def utf8_stream_despite_declaration(stream: BinaryIO, block_bytes: int) -> tuple[BinaryIO, bytes, str | None]:
    """`stream` (at its XML declaration), its first bytes and the Latin encoding it declared over UTF-8
    (None when it did not), as `declared_over_utf8` says; judged on its first block with a byte beyond
    ASCII (an export may begin with English books), read up to `MAX_ASCII_HEAD_BLOCKS` blocks for it."""
    first = stream.read(block_bytes)
    complete = len(first) < block_bytes
    for _ in range(MAX_ASCII_HEAD_BLOCKS):
        if complete or not first.isascii():
            break
        more = stream.read(block_bytes)
        first += more
        complete = len(more) < block_bytes
    head, declared = declared_over_utf8(first, final=complete)
    return _HeadReplaced(head, stream), head, declared


def codec_name(charset: str) -> str | None:
    """Python's name for an encoding label ("ISO-8859-1" → "iso8859-1"), None when unknown."""
    try:
        return codecs.lookup(charset).name
    except LookupError:
        return None
