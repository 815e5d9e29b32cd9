"""Numbers in a folded title written as other copies of the book write them.

A title's numbers tell books apart (`match.hard_guard` compares them), so a number
written in a word the comparison reads as letters is no number there: "HK1" and "HK2"
(học kì 1 and 2, the school term) were one letter apart, a typo, and merged; "lần thứ
XIII" was another title than "lần thứ 13" (review).
"""

from __future__ import annotations

import re

from dedupe.parts import number_value

# "HK1", "HK 2", "hk.1", "HKI", "Học kỳ II", "học kì hai": the term of the school year, folded.
_SCHOOL_TERM_RE = re.compile(r"(?<!\w)(?:hk|hoc k[iy])\s*\.?\s*(\d{1,2}|i{1,3}|mot|hai)(?!\w)")
# A Roman numeral where titles count congresses and centuries ("lần thứ XIII", "thế kỷ XX"), up to 39.
# Only there: elsewhere "vi", "xi" are words ("vi sinh", "xi măng").
_COUNTED_ROMAN_RE = re.compile(r"(?<!\w)(lan thu|the k[iy]) (x{0,3}(?:ix|iv|v?i{0,3}))(?!\w)")
# "Hội nghị lần thứ 4" is "lần thứ tư": an ordinal after "thứ" is compared as the word Vietnamese
# says it with, which a title typed without marks ("lan thu tu") spells too (review).
_ORDINAL_WORDS = {"1": "nhat", "2": "hai", "3": "ba", "4": "tu", "5": "nam", "6": "sau", "7": "bay", "8": "tam",
                  "9": "chin", "10": "muoi"}
_ORDINAL_RE = re.compile(r"(?<!\w)thu (10|[1-9])(?!\w)")


def _school_term(match: re.Match[str]) -> str:
    return f"hoc ki {number_value(match.group(1))}"


def _counted(match: re.Match[str]) -> str:
    value = number_value(match.group(2))
    return match.group(0) if value is None else f"{match.group(1)} {value}"


def numbers_written_out(folded: str) -> str:
    """Folded title text with its school term as "hoc ki N", a Roman numeral after "lần thứ" or
    "thế kỷ" as its number, and then an ordinal after "thứ" up to 10 as its word ("thu tu")."""
    if "hk" in folded or "hoc k" in folded:
        folded = _SCHOOL_TERM_RE.sub(_school_term, folded)
    if "thu " in folded or "the k" in folded:
        folded = _COUNTED_ROMAN_RE.sub(_counted, folded)
        folded = _ORDINAL_RE.sub(lambda match: f"thu {_ORDINAL_WORDS[match.group(1)]}", folded)
    return folded
