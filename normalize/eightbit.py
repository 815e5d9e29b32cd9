"""Reading 8-bit payloads that are not UTF-8: cp1252 (Western) or cp1258 (Windows Vietnamese).

cp1258 writes Vietnamese as a base letter followed by a combining tone mark
("Nguyễn" is N g u y ê U+0303 n), with ă, â, ê, ô, ơ, ư and đ as single bytes.
Read as cp1252 it turns into "NguyêÞn"; read as cp1258 it is Vietnamese once
composed to NFC.  Raw TCVN3 and VNI bytes, by contrast, must be read as cp1252
before legacy repair (normalize/legacy.py).  Both readings are tried and the one
that looks more like Vietnamese wins; cp1252 on ties (French, German, English).

The same choice reads the stray bytes the harvester kept inside UTF-8 text
(store/straybytes.py), field by field: `read_stray_bytes`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from store.straybytes import STRAY_RUN_RE, stray_bytes_of

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


def decode_8bit(data: bytes, texts_of: Callable[[str], list[str]] = lambda text: [text]) -> tuple[str, str]:
    """(text, "cp1252" or "cp1258"): the more Vietnamese-looking reading of non-UTF-8 bytes.

    `texts_of` picks the text to score from a decoded candidate (for XML, the
    character data rather than the markup).
    """
    as_1252 = decode_cp1252(data)
    as_1258 = decode_cp1258(data)
    if _prefer_cp1258(texts_of(as_1252), None if as_1258 is None else texts_of(as_1258)):
        return as_1258, "cp1258"  # type: ignore[return-value]
    return as_1252, "cp1252"


def _prefer_cp1258(as_1252: list[str], as_1258: list[str] | None) -> bool:
    """True when the cp1258 reading exists, differs and reads as more Vietnamese (cp1252 wins ties)."""
    return as_1258 is not None and as_1258 != as_1252 and reading_score(as_1258) > reading_score(as_1252)


def read_stray_bytes(values: list[str]) -> tuple[list[str], str, int] | None:
    """(`values` with each run of stray-byte code points read, "cp1252" or "cp1258", how many bytes),
    or None when no value holds one.

    `values` are one field's (its subfields, or one oai_dc element): the reading is
    chosen for the field as a whole, as `decode_8bit` chooses for a payload, so the
    field can go through legacy TCVN3/VNI repair afterwards like any other.
    """
    count = sum(len(run) for value in values for run in STRAY_RUN_RE.findall(value))
    if not count:
        return None
    as_1252 = [STRAY_RUN_RE.sub(_run_as_cp1252, value) for value in values]
    try:
        # NFC over the whole value: a cp1258 tone byte composes with a letter before the run.
        as_1258: list[str] | None = [unicodedata.normalize("NFC", STRAY_RUN_RE.sub(_run_as_cp1258, value))
                                     for value in values]
    except UnicodeDecodeError:  # a byte cp1258 leaves undefined
        as_1258 = None
    if _prefer_cp1258(as_1252, as_1258):
        return as_1258, "cp1258", count  # type: ignore[return-value]
    return as_1252, "cp1252", count


def stray_bytes_note(where: str, encoding: str, count: int) -> str:
    """The repair note of a field whose stray bytes `read_stray_bytes` read."""
    bytes_were = "1 byte that was" if count == 1 else f"{count} bytes that were"
    return f"{where}: {bytes_were} not UTF-8 read as {encoding}"


def _run_as_cp1252(run: re.Match[str]) -> str:
    return decode_cp1252(stray_bytes_of(run.group()))


def _run_as_cp1258(run: re.Match[str]) -> str:
    return stray_bytes_of(run.group()).decode("cp1258")
