"""Bytes that are not UTF-8 in a document that is (or says it is) UTF-8, kept instead of failing it.

A Vietnamese provider (a PHP front end over an old database) pastes a fragment
typed in another encoding into an otherwise UTF-8 page: Windows-1258
("Nguy\\xea\\xden", "\\xf0" for "đ"), or TCVN3 or VNI font text ("Nh\\xf7ng" for
"Những").  libxml2 refuses the whole document ("Invalid bytes in character
encoding"), so one record's bytes stopped every other record of the library, every night.

The rule, for each invalid sequence as Python's UTF-8 decoder delimits it: keep
the bytes, normalize reads them.

- a byte on its own becomes the private-use code point that stands for it
  (store/straybytes.py, U+F700 + byte).  Which encoding it is can only be told from
  the text around it: read as cp1258 a TCVN3 fragment turns partly into combining
  marks and stays garbled for good, while normalize tries cp1252 and cp1258 on the
  whole field and then its TCVN3/VNI repair, as it does for a payload that is not
  UTF-8 at all.  A fixed guess here was wrong for the likeliest fonts.
- a UTF-8 lead byte with some of its continuation bytes (a character cut short by
  a column length limit) becomes U+FFFD: it is broken UTF-8, not a legacy byte.

Only the bytes that do not decode change, so a valid UTF-8 page is never touched;
a document that declares another encoding is left to the parser.
"""

from __future__ import annotations

import codecs
import re

from store.straybytes import stray_byte_utf8

# U+FFFD, the replacement character: a byte (or a cut character) with no reading.
REPLACEMENT = "\ufffd".encode()
DECLARED_ENCODING_RE = re.compile(rb"\A(?:\xef\xbb\xbf)?[ \t\r\n]*<\?xml[ \t\r\n][^?>]*\bencoding[ \t\r\n]*="
                                   rb"[ \t\r\n]*[\"']([A-Za-z0-9._-]*)")


def declares_utf8(head: bytes) -> bool:
    """True when the document starting with `head` is UTF-8 by its XML declaration (or, having none,
    by XML's default)."""
    found = DECLARED_ENCODING_RE.match(head)
    return found is None or found.group(1).lower() in (b"utf-8", b"utf8")


def _readings(invalid: bytes) -> bytes:
    """The rule above for a run of bytes that are not UTF-8, sequence by sequence."""
    out = []
    start = 0
    while start < len(invalid):
        try:
            codecs.utf_8_decode(invalid[start:], "strict", True)
        except UnicodeDecodeError as bad:
            cut = invalid[start + bad.start:start + bad.end]
            out += [invalid[start:start + bad.start], stray_byte_utf8(cut[0]) if len(cut) == 1 else REPLACEMENT]
            start += bad.end
        else:  # not reached: a run holds no valid character
            out.append(invalid[start:])
            break
    return b"".join(out)


def _cut_character(data: bytes) -> int:
    """How many bytes at the end of `data` begin a UTF-8 character without finishing it."""
    for length in (3, 2, 1):
        tail = data[-length:]
        if len(tail) == length and tail[0] >= 0xC2:
            try:
                if codecs.utf_8_decode(tail, "strict", False)[1] == 0:
                    return length
            except UnicodeDecodeError:
                pass
    return 0


# Python's decoder keeps each byte it cannot read as a lone surrogate (U+DC80-U+DCFF).
_ESCAPED_RUN_RE = re.compile("[\udc80-\udcff]+")


def read_stray_bytes(data: bytes, final: bool = True) -> tuple[bytes, list[tuple[int, int]], int]:
    """(`data` with its bytes that are not UTF-8 kept by the rule above, (where each run of them starts in
    the result, how many bytes it replaced), how many bytes at the end were left out of the result).

    With `final` false, `data` is one block of a stream: a character its end cuts is
    left out (its bytes are `data`'s last ones), to be read with the next block.
    One decoding pass: re-decoding the rest after each bad byte made a page in cp1258 take minutes.
    """
    left_out = 0 if final else _cut_character(data)
    if left_out:
        data = data[:-left_out]
    try:
        data.decode("utf-8")
        return data, [], left_out
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", "surrogateescape")
    pieces: list[bytes] = []
    readings: list[tuple[int, int]] = []
    written = 0
    done = 0
    for run in _ESCAPED_RUN_RE.finditer(text):
        good = text[done:run.start()].encode("utf-8")
        invalid = run.group().encode("utf-8", "surrogateescape")
        reading = _readings(invalid)
        written += len(good)
        readings.append((written, len(invalid)))
        written += len(reading)
        pieces += [good, reading]
        done = run.end()
    pieces.append(text[done:].encode("utf-8"))
    return b"".join(pieces), readings, left_out


MAX_RECORDS_NAMED = 20  # a whole file in a legacy encoding would otherwise give one line per record


def shown_id(identifier: str) -> str:
    """`identifier` as repr shows it, each stray byte as the \\xNN it was ('E\\xffF', not 'E\\uf7ffF')."""
    return re.sub(r"\\uf7([89a-f][0-9a-f])", r"\\x\1", repr(identifier))


def stray_bytes_report(by_record: dict[str, int]) -> str:
    """What a warning says of stray bytes found, by record identifier ("" for bytes outside any record)."""
    named = [f"{shown_id(identifier)} ({count} byte{'s' if count > 1 else ''})"
             for identifier, count in by_record.items() if identifier]
    more = f" and {len(named) - MAX_RECORDS_NAMED} more records" if len(named) > MAX_RECORDS_NAMED else ""
    outside = f"; {by_record['']} outside any record" if by_record.get("") else ""
    return (f"{sum(by_record.values())} bytes that are not UTF-8 (kept for normalize to read as cp1252 or "
            "Windows-1258 and repair as TCVN3/VNI; U+FFFD for a cut UTF-8 character) in "
            f"{len(named)} record{'s' if len(named) != 1 else ''}: "
            f"{', '.join(named[:MAX_RECORDS_NAMED])}{more}{outside}; check those records' text at the library "
            "and have its export write UTF-8")
