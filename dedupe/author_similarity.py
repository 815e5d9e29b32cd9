"""How alike two authors' names are (folded words, surname first), and two records' authors.

Vietnamese names are compared as syllables: two whole syllables are two names ("Phạm", "Phan"),
never one mistyped, and a given name is no initial of another.
"""

from __future__ import annotations

import re
from functools import lru_cache

from dedupe.names import lower_body
from dedupe.typos import is_typo

# A name that is another with a word more at its end scores at most this: another given name or body.
OTHER_GIVEN_NAME_MAX = 50.0


def author_score(first: tuple[tuple[str, ...], ...], second: tuple[tuple[str, ...], ...]) -> float:
    """Best name similarity 0-100 between any author of one record and any of the other.

    Names are compared as sets of words (surname-first Vietnamese names are never
    inverted); an initial matches a word it begins ("J. K. Rowling" = "Rowling,
    Joanne K.").  Shared common words alone ("Nguyễn Văn") are not enough.
    """
    best = 0.0
    for name in first[:3]:
        for other in second[:3]:
            best = max(best, name_similarity(name, other))
            if best >= 100.0:
                return best
    return best


def authors_or_statement_score(first: tuple[tuple[str, ...], ...], first_stated: tuple[tuple[str, ...], ...],
                               second: tuple[tuple[str, ...], ...], second_stated: tuple[tuple[str, ...], ...],
                               minimum: float) -> float:
    """`author_score`, or where it is under `minimum`, how alike one record's authors are to a name the
    other's statement of responsibility gives (`Features.responsible`): a textbook is entered under
    "Bộ Giáo dục và Đào tạo" in one library and under its chủ biên in another, whose 245 $c names both."""
    score = author_score(first, second)
    if score >= minimum or not (first_stated or second_stated):
        return score
    return max(score, author_score(first, second_stated), author_score(first_stated, second))


def name_similarity(first: tuple[str, ...], second: tuple[str, ...]) -> float:
    """Share of words (of the longer name) matched exactly, as an initial ("N.", "Ng."), or with one typo.

    The given name of a Vietnamese name comes last and is never abbreviated: no initial
    stands for it, so "Nguyễn T. Hà" is not "Nguyễn Hà Thanh" (T. is a middle name).
    Nor is a letter off a given name a typo: "Hiếu" and "Hiền", "Trung" and "Trang" are
    other people.  Both names must be Vietnamese-shaped: "Ánhh" is no syllable, so a typo.
    A word more at the end is another given name, or another body: "Huyện ủy Châu Thành A".
    """
    if first == second or set(first) == set(second) or lower_body(first, second):
        return 100.0
    shorter, longer = sorted((list(first), list(second)), key=len)
    unused = list(longer)
    rest = []
    for word in shorter:
        if word in unused:
            unused.remove(word)
        else:
            rest.append(word)
    matched = len(shorter) - len(rest)
    vietnamese = bool(rest) and vietnamese_shaped(first) and vietnamese_shaped(second)
    given = {shorter[-1], longer[-1]} if vietnamese else _NO_WORDS
    for word in rest:
        for position, candidate in enumerate(unused):
            if (_initial_of(word, candidate) and max(word, candidate, key=len) not in given) or (
                    len(word) >= 4 and word not in given and candidate not in given and is_typo(word, candidate)
                    and not (vietnamese and _two_syllables(word, candidate))):
                matched += 1
                del unused[position]
                break
    score = 100.0 * matched / len(longer)
    if longer[-1] in unused and shorter[-1] in longer and vietnamese_shaped(first) and vietnamese_shaped(second):
        # The longer the name (a corporate one spelled out), the less one word weighed: "Phòng Giáo dục
        # và Đào tạo huyện Châu Thành" and "... Châu Thành A" matched 9 words of 10 (review).
        return min(score, OTHER_GIVEN_NAME_MAX)
    return score


# Every Vietnamese syllable has a vowel: a word of consonants only ("Ng.", "Th.", "Tr.") is an
# abbreviation, like a one-letter initial.  "Hồ" or "Đỗ" is a surname, never short for Hoàng or Đoàn.
_VOWELS = frozenset("aeiouy")


# A folded Vietnamese syllable (onset, one to three vowels, coda) or an abbreviation of one ("t", "ng").
_VIETNAMESE_WORD_RE = re.compile(
    r"(?:(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?|[^aeiouy]{1,3})")


_NO_WORDS: frozenset[str] = frozenset()


@lru_cache(maxsize=1 << 14)
def vietnamese_shaped(name: tuple[str, ...]) -> bool:
    """Every word a Vietnamese syllable: surname first, given name last.  "Rowling, Joanne K."
    and "J. K. Rowling" are not, so their initials still match any word."""
    return len(name) >= 2 and all(_VIETNAMESE_WORD_RE.fullmatch(word) for word in name)


def _two_syllables(word: str, other: str) -> bool:
    """Whether both words are whole Vietnamese syllables, so two words of a name, not one with a typo:
    "Phạm" and "Phan" are two surnames, "phòng" and "công" two bodies ("Bộ Quốc phòng" and "Bộ Công an");
    a slip of the keys mostly makes no syllable ("Nguyn")."""
    return not (_VOWELS.isdisjoint(word) or _VOWELS.isdisjoint(other)) and \
        bool(_VIETNAMESE_WORD_RE.fullmatch(word) and _VIETNAMESE_WORD_RE.fullmatch(other))


def _initial_of(first: str, second: str) -> bool:
    return _abbreviates(first, second) or _abbreviates(second, first)


def _abbreviates(short: str, word: str) -> bool:
    return (len(short) < len(word) and word.startswith(short)
            and (len(short) == 1 or _VOWELS.isdisjoint(short)))
