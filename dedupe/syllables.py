"""The marks each title word was typed with, where it is spelled as a Vietnamese syllable.

Folding makes many words one letter off another: "tra" (a catfish) and "trê" (another),
"khỏe" (healthy) and "khéo" (skilful).  Typed with marks, both are words of the language,
and a title one such word apart is another book.  A slip of the keyboard mostly makes no
syllable at all: "Snih" (no onset "sn"), "Taon" (no rhyme "aon"), "Ánhh", "nghành" ("ngh"
goes only before e, ê, i), "mat" (a syllable ending in c, ch, p, t takes a sắc or nặng tone).

The check is of the spelling, not of a dictionary (`store.syllables`, which normalize's
legacy-font test shares).  It says nothing of a word typed without marks in a text
without any (`dedupe.marks`): there the marks are unknown.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from dedupe.folding import FINAL_Y_RE, fast_fold
from store.syllables import is_syllable

_WORD_RE = re.compile(r"\w+")


@lru_cache(maxsize=1 << 14)  # read only for titles a typo apart once folded: few
def syllable_marks(typed: str) -> dict[str, str]:
    """Folded word (as dedupe.features folds title words) → its marks, for each word of `typed` (a title
    typed with marks) spelled as a syllable.  The marks are the tone and vowel marks in NFD order ("của"
    and its slip "cảu" have one hook above each); "đ" counts as a mark of its own.  A folded word typed once as no syllable ("Snih",
    "Potter", "2") is left out however else it is typed: nothing says which was meant."""
    found: dict[str, str] = {}
    other: set[str] = set()
    for word in _WORD_RE.findall(typed):
        folded, marks = _word_marks(word)
        if marks is None:
            other.add(folded)
        else:
            found.setdefault(folded, marks)
    return {word: marks for word, marks in found.items() if word not in other}


# A million records hold more distinct titles than `syllable_marks` keeps (a third of a 1M run's
# title comparisons missed it: 12 s), but far fewer distinct words: a word is read once.
@lru_cache(maxsize=1 << 17)
def _word_marks(word: str) -> tuple[str, str | None]:
    """The word folded as title words are, and its marks when it is spelled as a syllable (else None)."""
    return FINAL_Y_RE.sub(r"\1i", fast_fold(word)), (_marks(word) if is_syllable(word) else None)


def _marks(word: str) -> str:
    # "đ" is "d" with a mark of its own, as "ư" is "u": it stands in the marks as itself.
    return "".join(char for char in unicodedata.normalize("NFD", word) if unicodedata.combining(char) or char == "đ")


# The five tones' marks (huyền, sắc, ngã, hỏi, nặng); the other marks make another letter: â, ă, ê, ô, ơ, ư, đ.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def letter_and_tone_differ(marks: str, other: str) -> bool:
    """Whether two words' marks (`syllable_marks`) differ in a letter and in the tone both: "Mưa" and
    "Mùa".  A slip mostly misses one mark: a tone ("Truyên" for "Truyện"), or a vowel's ("sâch")."""
    tone, other_tone = _split(marks), _split(other)
    return tone[0] != other_tone[0] and tone[1] != other_tone[1]


def _split(marks: str) -> tuple[str, str]:
    """(tone marks, letter marks) of a word's marks."""
    return ("".join(mark for mark in marks if mark in _TONE_MARKS),
            "".join(sorted(mark for mark in marks if mark not in _TONE_MARKS)))
