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
from typing import Any

from index.schema import WORD_RE

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


def volumes_in_order(hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The hits with the volumes of one set (one title, the authors' words and year) together, in volume order, where
    the first of them stood: by relevance the best of them, by year among that year's hits.

    The volumes of one set score nearly alike, and their holding counts decided: "Toán học cao cấp" gave
    T.3, tập 2, tập 1, and `kinh van hoa` sorted by year (all 2012) Tập 3, T.1, T.2 (review).
    Within one page; a set split over two pages keeps the pages' order.
    """
    sets: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for hit in hits:
        # The authors' words in any order: one catalogue writes "Aoyama, Gosho", the next "Aoyama Gosho".
        authors = sorted(word for author in hit["authors"] or () for word in WORD_RE.findall(author.casefold()))
        key = (hit["title"], *authors, hit["year"]) if hit.get("part") else (hit["id"],)
        sets.setdefault(key, []).append(hit)
    return [hit for volumes in sets.values() for hit in sorted(volumes, key=lambda one: volume_order(one.get("part")))]
