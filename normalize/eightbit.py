"""Reading 8-bit payloads that are not UTF-8: cp1252 (Western) or cp1258 (Windows Vietnamese).

cp1258 writes Vietnamese as a base letter followed by a combining tone mark
("Nguyễn" is N g u y ê U+0303 n), with ă, â, ê, ô, ơ, ư and đ as single bytes.
Read as cp1252 it turns into "NguyêÞn"; read as cp1258 it is Vietnamese once
composed to NFC.  Raw TCVN3 and VNI bytes, by contrast, must be read as cp1252
before legacy repair (normalize/legacy.py).  Both readings are tried and the one
that looks more like Vietnamese wins; cp1252 on ties (French, German, English).
"""

from __future__ import annotations

import unicodedata

from normalize.legacy import reading_score

# cp1252 leaves five bytes undefined; they are read as Latin-1 so nothing is lost.
_CP1252_FROM_LATIN1 = {b: bytes([b]).decode("cp1252") for b in range(0x80, 0xA0)
                       if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}


def decode_cp1252(data: bytes) -> str:
    """Bytes as cp1252, never failing: how legacy-font text reached most databases."""
    return data.decode("latin-1").translate(_CP1252_FROM_LATIN1)


def decode_cp1258(data: bytes) -> str | None:
    """Bytes as cp1258, composed to NFC; None when a byte is undefined in cp1258."""
    try:
        return unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        return None


def decode_8bit(data: bytes, texts_of=lambda text: [text]) -> tuple[str, str]:
    """(text, "cp1252" or "cp1258"): the more Vietnamese-looking reading of non-UTF-8 bytes.

    `texts_of` picks the text to score from a decoded candidate (for XML, the
    character data rather than the markup).
    """
    as_1252 = decode_cp1252(data)
    as_1258 = decode_cp1258(data)
    if as_1258 is None or as_1258 == as_1252:
        return as_1252, "cp1252"
    if reading_score(texts_of(as_1258)) > reading_score(texts_of(as_1252)):
        return as_1258, "cp1258"
    return as_1252, "cp1252"
