"""Numbers in a folded title written as other copies of the book write them.

A title's numbers tell books apart (`match.hard_guard` compares them), so a number
written in a word the comparison reads as letters is no number there: "HK1" and "HK2"
(học kì 1 and 2, the school term) were one letter apart, a typo, and merged (review).
"""

from __future__ import annotations

import re

from dedupe.parts import number_value

# "HK1", "HK 2", "hk.1", "HKI", "Học kỳ II", "học kì hai": the term of the school year, folded.
_SCHOOL_TERM_RE = re.compile(r"(?<!\w)(?:hk|hoc k[iy])\s*\.?\s*(\d{1,2}|i{1,3}|mot|hai)(?!\w)")


def _school_term(match: re.Match[str]) -> str:
    return f"hoc ki {number_value(match.group(1))}"


def numbers_written_out(folded: str) -> str:
    """Folded title text with its school term as "hoc ki N"."""
    if "hk" in folded or "hoc k" in folded:
        folded = _SCHOOL_TERM_RE.sub(_school_term, folded)
    return folded
