"""Whether two folded words are one word mistyped, or two words: what title and name comparison share.

A slip of the keys ("Snih" for "Sinh") is a typo; two Vietnamese syllables each typed with its marks
("tra", "trê") are two words; so are two numbers, Arabic or Roman.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import OSA

from dedupe.features import Features
from dedupe.syllables import syllable_marks

_NO_SPELLINGS: dict[str, str] = {}


class Spelled:
    """The words of one title only (`words_a` of `a`, `words_b` of `b`) that it types as a Vietnamese
    syllable, with their marks, when both titles are typed with marks: see `is_typo`.  Without marks on
    either side nothing says which word was meant, and the folded words are compared as before.
    Read only when two words are a typo apart once folded (few pairs): `get` reads the titles then."""

    __slots__ = ("_titles", "_words", "omissions_are_slips")

    def __init__(self, a: Features, b: Features, words_a: frozenset[str], words_b: frozenset[str],
                 omissions_are_slips: bool = False):
        self._titles = (a.typed_title, b.typed_title, words_a, words_b) if a.typed_title and b.typed_title else None
        self._words: dict[str, str] | None = None
        # With a shared ISBN, a syllable that is the other with a letter or two left out ("páp" for
        # "pháp", "ngưi" for "người") is a slip; one letter for another ("tra", "trê") is still a word.
        self.omissions_are_slips = omissions_are_slips

    def get(self) -> dict[str, str]:
        if self._words is None:
            self._words = {}
            if self._titles:
                typed_a, typed_b, words_a, words_b = self._titles
                marks_a, marks_b = syllable_marks(typed_a), syllable_marks(typed_b)
                self._words.update((word, marks_a[word]) for word in words_a - words_b if word in marks_a)
                self._words.update((word, marks_b[word]) for word in words_b - words_a if word in marks_b)
        return self._words


def is_typo(first: str, second: str, spelled: Spelled | None = None) -> bool:
    """True when folded `first` is `second` with a letter or two wrong (OSA distance 1 up to 4 letters, else 2).

    Never between numbers, Arabic or Roman (`_ROMAN_RE`).  Not when both are in `spelled` (`Spelled`): two Vietnamese syllables each typed with its marks
    are two words, "tra" and "trê" two fishes, "khỏe" and "khéo" healthy and skilful, as the given names
    "Hiếu" and "Hiền" are two people (`dedupe.author_similarity.name_similarity`).  A slip of the keys mostly makes no syllable
    ("Snih", "Taon", "Ánhh") and stays a typo; so does two letters swapped under the same marks ("của"
    typed "cảu").  Spellings of one word that folding keeps apart ("quý" and "quí"; "kỹ"/"kĩ" fold
    alike) are one word.  What this gives up is in tests/test_dedupe_syllables.py.
    """
    if first.isdigit() or second.isdigit() or (_ROMAN_RE.match(first) and _ROMAN_RE.match(second)):
        return False
    longest = max(len(first), len(second))
    allowed = 1 if longest <= 4 else 2
    if longest < 3 or OSA.distance(first, second, score_cutoff=allowed) > allowed:
        return False
    words = spelled.get() if spelled is not None else _NO_SPELLINGS
    return (first not in words or second not in words or _one_spelling(first, second, words)
            or (spelled.omissions_are_slips and _letters_left_out(first, second)))


# A Roman numeral is a number, never a typo of another: "khóa XII" and "khóa XIII" are two Party
# congresses, "thế kỷ XIX" and "thế kỷ XX" two centuries (review).  Folded, so lower case.
_ROMAN_RE = re.compile(r"c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$")


def _letters_left_out(first: str, second: str) -> bool:
    """Whether the shorter word is the longer one with letters left out, in order."""
    shorter, longer = sorted((first, second), key=len)
    if len(shorter) == len(longer):
        return False
    letters = iter(longer)
    return all(letter in letters for letter in shorter)


def _one_spelling(first: str, second: str, spelled: dict[str, str]) -> bool:
    if first.replace("y", "i") == second.replace("y", "i"):
        return True
    swapped = len(first) == len(second) and sorted(first) == sorted(second)
    return swapped and spelled[first] == spelled[second]
