"""A Roman numeral in a title is searched as its number too: "lần thứ XIII" is found by `lần thứ 13`.

Vietnamese titles number congresses, centuries and volumes in Roman numerals ("Đại hội … lần thứ
XIII", "thế kỷ X", "Tập II"); librarians type Arabic ones.  The indexer adds each title holding one,
written with the number, to the folded title (`numbered`); the numeral itself stays searchable.

Only capitals count (I, V, X, L, C), and only in text that also has lower-case letters: "vi", "xi",
"li", "mi" are Vietnamese words, and an all-capitals title may spell one so ("KINH TẾ VI MÔ").  A lone
"C" or "L" is a letter ("Lập trình C", "L'amant"), and a lone "I" in a title in another language a word
(English "I", Italian "I promessi sposi").
"""

from __future__ import annotations

import re

_ROMAN_WORD_RE = re.compile(r"(?<!\w)[IVXLC]+(?!\w)")
_VALID_RE = re.compile(r"C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_LETTERS = frozenset({"C", "L"})


def roman_value(word: str) -> int | None:
    """The value of a well-formed Roman numeral in capitals up to 399 ("XIII" is 13), else None."""
    if not word or not _VALID_RE.fullmatch(word):
        return None
    values = [_VALUES[letter] for letter in word]
    return sum(-v if v < after else v for v, after in zip(values, [*values[1:], 0]))


def numbered(text: str, vietnamese: bool) -> str | None:
    """`text` with its Roman numerals written as numbers, or None when it holds none (see the module
    docstring); `vietnamese`: the record's language is Vietnamese or unknown, where "I" is no word."""
    if not _ROMAN_WORD_RE.search(text):
        return None
    if not any(ch.islower() for ch in text) and any(ch.isalpha() for ch in _ROMAN_WORD_RE.sub("", text)):
        return None  # all capitals: "VI" may be the word "vi"
    changed = False

    def number(match: re.Match[str]) -> str:
        nonlocal changed
        word = match.group(0)
        value = roman_value(word)
        if value is None or word in _LETTERS or (word == "I" and not vietnamese):
            return word
        changed = True
        return str(value)

    out = _ROMAN_WORD_RE.sub(number, text)
    return out if changed else None
