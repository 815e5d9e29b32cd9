"""ISBN parsing: find ISBNs in a messy 020 $a, validate check digits, convert to ISBN-13.

Catalogue data writes "978-604-1-23456-7 (bìa mềm) : 25000đ", runs two ISBNs
together, or mistypes a digit.  Only ISBNs whose check digit is right are used for
matching; the others are kept apart (`Record.invalid_isbn`) so a typo never merges
two different books.
"""

from __future__ import annotations

import re
from operator import mul
from typing import NamedTuple

# A run of digits with hyphens or single spaces inside, ending in a digit or X.
_RUN_RE = re.compile(r"\d[\d\- ]*[\dXx]|\d")
_ISSN_RE = re.compile(r"\d{4}(?: ?- ?)?\d{3}[\dXx]")
# Hyphens as word processors and publishers' sites type them (‐ ‑ ‒ – — −), spaces that are
# not U+0020, and invisible characters inside a number: read as "-", " " and nothing, so
# "978–604–…" or "978\u00a0604 …" is still the ISBN it is, not silently no ISBN at all.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"
_ODD_SPACES = "\u00a0\u2007\u2009\u202f\u3000"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_PLAIN_DIGITS = str.maketrans(dict.fromkeys(_DASHES, "-") | dict.fromkeys(_ODD_SPACES, " ")
                              | dict.fromkeys(_INVISIBLE, None))


def plain_number(text: str) -> str:
    """`text` with odd hyphens and spaces made plain and invisible characters dropped."""
    return text if text.isascii() else text.translate(_PLAIN_DIGITS)


# Digits of a number one digit short of or over an ISBN-10 or -13 ("978604111222"): a slip of the
# typist, kept (searchable, never matched on) rather than dropped as no ISBN at all.
_MISDIGITED_LENGTHS = (9, 11, 12, 14)


class IsbnParse(NamedTuple):
    valid: list[str]  # ISBN-13, check digit verified
    invalid: list[str]  # 10 or 13 characters that failed the check
    misdigited: list[str]  # the digits of a number with one digit too few or too many for an ISBN


def isbn10_check_digit(first9: str) -> str:
    total = sum(map(mul, range(10, 1, -1), map(int, first9)))  # weights 10 down to 2
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def isbn13_check_digit(first12: str) -> str:
    total = sum(map(int, first12[0::2])) + 3 * sum(map(int, first12[1::2]))
    return str((10 - total % 10) % 10)


def is_valid_isbn10(value: str) -> bool:
    return (len(value) == 10 and value[:9].isdigit() and value[9] in "0123456789X"
            and isbn10_check_digit(value[:9]) == value[9])


def is_valid_isbn13(value: str) -> bool:
    return (len(value) == 13 and value.isdigit() and value[:3] in ("978", "979")
            and isbn13_check_digit(value[:12]) == value[12])


def to_isbn13(value: str) -> str | None:
    """ISBN-13 of a valid ISBN-10 or ISBN-13 (digits only), else None."""
    value = value.upper()
    if is_valid_isbn13(value):
        return value
    if is_valid_isbn10(value):
        body = "978" + value[:9]
        return body + isbn13_check_digit(body)
    return None


def _split_candidates(digits: str) -> list[str]:
    """Cut a run of digits into ISBN-sized pieces: 10/13, or two run together."""
    if len(digits) in (10, 13):
        return [digits]
    for first in (13, 10):
        rest = digits[first:]
        if len(rest) in (10, 13) and digits[:first][-1:] != "X":
            head, tail = digits[:first], rest
            if to_isbn13(head) or to_isbn13(tail) or len(digits) in (20, 26):
                return [head, tail]
    return []


def _run_pieces(run: str) -> list[str]:
    """The ISBN candidates of one run of digits, hyphens and single spaces.

    A space may sit inside an ISBN ("978 604 1 23456 7") or between an ISBN and
    another number ("978-604-1-23456-7 1200000đ", a price): only whole space-
    delimited parts are joined, the fewest that give a valid ISBN, else the fewest
    that give ISBN-sized pieces; a part that joins into nothing (the price) is
    dropped, never cut into made-up ISBNs.
    """
    if " " not in run:  # nearly every run: one number, hyphenated or not
        return _split_candidates(run.replace("-", "").upper())
    parts = [part.replace("-", "").upper() for part in run.split()]
    pieces: list[str] = []
    start = 0
    while start < len(parts):
        first_sized: tuple[int, list[str]] | None = None
        joined = ""
        for end in range(start, len(parts)):
            joined += parts[end]
            if len(joined) > 26:  # two ISBN-13s run together is the longest we cut
                break
            candidates = _split_candidates(joined)
            if candidates and all(to_isbn13(c) for c in candidates):
                first_sized = (end, candidates)
                break
            if candidates and first_sized is None:
                first_sized = (end, candidates)
        if first_sized is None:
            start += 1
            continue
        end, candidates = first_sized
        pieces += candidates
        start = end + 1
    return pieces


def parse_isbns(text: str) -> IsbnParse:
    """Every ISBN in a 020 $a-like string, valid ones as ISBN-13."""
    valid: list[str] = []
    invalid: list[str] = []
    misdigited: list[str] = []
    for match in _RUN_RE.finditer(plain_number(text)):
        pieces = _run_pieces(match.group(0))
        digits = re.sub(r"[\- ]", "", match.group(0)).upper()
        if not pieces and len(digits) in _MISDIGITED_LENGTHS and digits[:-1].isdigit() and digits not in misdigited:
            misdigited.append(digits)
        for piece in pieces:
            if "X" in piece[:-1]:
                continue
            isbn13 = to_isbn13(piece)
            if isbn13 is not None:
                if isbn13 not in valid:
                    valid.append(isbn13)
            elif piece not in invalid:
                invalid.append(piece)
    return IsbnParse(valid, invalid, misdigited)


def misdigited_note(where: str, digits: str) -> str:
    """The repair note of a number `parse_isbns` found misdigited, `where` naming the field."""
    return (f"{where}: {digits} has {len(digits)} digits, not an ISBN's 10 or 13 (one missing or extra?); "
            "kept among the invalid ISBNs, never matched on; correct it in the library system")


def is_valid_issn(value: str) -> bool:
    digits = value.replace("-", "").replace(" ", "").upper()
    if len(digits) != 8 or not digits[:7].isdigit() or digits[7] not in "0123456789X":
        return False
    total = sum((8 - i) * int(d) for i, d in enumerate(digits[:7]))
    check = (11 - total % 11) % 11
    return digits[7] == ("X" if check == 10 else str(check))


def split_issns(values: list[str]) -> tuple[list[str], list[str]]:
    """(valid ISSNs as NNNN-NNNC, the other non-empty values as typed) of 022 $a values."""
    valid: list[str] = []
    invalid: list[str] = []
    for value in values:
        issn = parse_issn(value)
        target, item = (valid, issn) if issn is not None else (invalid, value.strip())
        if item and item not in target:
            target.append(item)
    return valid, invalid


def parse_issn(text: str) -> str | None:
    """A valid ISSN as NNNN-NNNC, or None."""
    match = _ISSN_RE.search(plain_number(text))
    if match and is_valid_issn(match.group(0)):
        digits = match.group(0).replace("-", "").replace(" ", "").upper()
        return f"{digits[:4]}-{digits[4:]}"
    return None
