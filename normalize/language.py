"""The language of a MARC record: 041 $a, else 008/35-37, with Koha's default "eng" read
against the title."""

from __future__ import annotations

import re
import unicodedata

from normalize import values
from normalize.marcrecord import MarcRecord
from store.syllables import is_syllable

# Breve, circumflex, horn (ă â ê ô ơ ư) and the five tones, as NFD writes them; đ has none.
_VIETNAMESE_MARKS = frozenset("\u0306\u0302\u031b\u0300\u0301\u0303\u0309\u0323đĐ")
_LETTER_WORD_RE = re.compile(r"[^\W\d_]+")


def _marked_syllable(word: str) -> bool:
    """A word spelled as one Vietnamese syllable with a Vietnamese mark or đ: "Sách", "Việt", "đi";
    not "Saigon", "café" or "résumé", which no Vietnamese syllable spells."""
    return not _VIETNAMESE_MARKS.isdisjoint(unicodedata.normalize("NFD", word)) and is_syllable(word)


def written_in_vietnamese(title: str) -> bool:
    """Two words or more of `title`, and half its words at least, are marked Vietnamese syllables.

    One borrowed name ("Phở: a cookbook") is not enough, nor a marked name in an English title
    ("Hồ Chí Minh: a life": two of five words); numbers are no words ("Sách tiếng Việt 6")."""
    found = _LETTER_WORD_RE.findall(title)
    marked = sum(1 for word in found if _marked_syllable(word))
    return marked >= 2 and marked * 2 >= len(found)


def typed_language(marc: MarcRecord) -> str | None:
    """The first language of 041 $a, else 008/35-37: the language as catalogued."""
    return _language_041(marc) or values.language_from_008(marc.control("008"))


def _language_041(marc: MarcRecord) -> str | None:
    return next((code for field in marc.get("041") for value in field.get_all("a")
                 if (code := values.language_code(value))), None)


def record_language(marc: MarcRecord, title: str, repairs: list[str]) -> str | None:
    """The first language of 041 $a, else 008/35-37; "vie" for an 008 "eng" over a Vietnamese title.

    041 wins where the two differ: a cataloguer types 041 on purpose, while 008 is often
    Koha's default template left as it came ("... eng d"), which made Vietnamese books
    with `041 $a vie` English, filtered out of language=vie and split from their copies.
    With no 041, an 008 "eng" is read as that default when the title (245 $a $b) is written in
    Vietnamese (`written_in_vietnamese`): the record is "vie", noted in `repairs`.  An English
    title with a Vietnamese name in it stays "eng"; an 008 with no language ("und", "|||") stays
    without one, as no template wrote a wrong one there.
    """
    typed = _language_041(marc)
    if typed:
        return typed
    coded = values.language_from_008(marc.control("008"))
    if coded == "eng" and written_in_vietnamese(title):
        repairs.append("008/35-37: eng (Koha's default) with a Vietnamese title and no 041 → vie")
        return "vie"
    return coded
