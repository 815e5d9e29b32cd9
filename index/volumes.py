"""A volume written the short way is searched as written out: "T.2" is "tập 2".

Catalogues write a volume (245 $n) as "Tập 2", "tập 2", "T.2" or "T.2.", and school libraries
as "T2"; a librarian types any of them.  The indexer writes the title, subtitle and part it
searches (`spelled_volumes`, `spelled_part`) and the query parser writes each word and phrase
(`spelled_volumes`) with "T.N" as "tập N", so every spelling finds every other: `toan 10 tập 1`
found nothing where the record said "T.1".  Displayed text keeps what the cataloguer wrote.

Only "T." before a number is read so, in any text; a bare "T2" only at the start of a part,
which names nothing but the volume ("T2" in a title may be a Monday, thứ Hai).  "Q.1" stays:
inside a title it is Quận 1, a district of Ho Chi Minh City (dedupe/parts.py reads it only
where a part begins).
"""

from __future__ import annotations

import re

# "T.2", "t. 2", "T.2." (ISBD's closing full stop); not "Pt.2", "S.T.2" or "T.2019" (no volume is a year).
_ABBREVIATED_RE = re.compile(r"(?<![\w.])[Tt]\.\s*(\d{1,3})(?!\d)")
_PART_START_RE = re.compile(r"^\s*[Tt]\s*(\d{1,2})(?!\d)")
_SPELLED = r"tập \1"
_NUMBER_RE = re.compile(r"\d+")


def spelled_volumes(text: str) -> str:
    """`text` with each "T.N" written "tập N"."""
    return _ABBREVIATED_RE.sub(_SPELLED, text) if "." in text else text


def spelled_part(part: str) -> str:
    """A 245 $n $p part with its volume written out: "T.2", "T2" and "Tập 2" all as "tập 2"."""
    return _PART_START_RE.sub(_SPELLED, spelled_volumes(part))


def volume_order(part: str | None) -> tuple[int, int, str]:
    """Sort key of a part: none first (a one-volume edition), then by its first number ("tập 2"
    before "Tập 10", however written), then by the part written out."""
    if not part:
        return (0, 0, "")
    spelled = spelled_part(part).casefold()
    number = _NUMBER_RE.search(spelled)
    return (1, int(number.group()) if number else 0, spelled)
