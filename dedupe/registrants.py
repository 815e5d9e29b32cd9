"""Who issued an ISBN: its registration group and, in Vietnam's groups, its publisher's prefix.

Two different valid ISBNs under one title, author and year are taken for one book when
everything else agrees (`match.DIFFERENT_ISBN_TITLE_MIN`): a publisher that numbers a
reprint anew, or types a set's number for a volume's, still issued both.  Two numbers
issued by two registrants are two books whatever the record says: another country's
edition (978-0 beside 978-604), or another Vietnamese house (978-604-0 beside 978-604-2).

Where a registrant's number begins is told by the ranges the International ISBN Agency
publishes (https://www.isbn-international.org/range_file_generation): every group's length
is known, and the registrants' lengths are kept here only for Vietnam's two groups (the
agency's table for other countries changes yearly and says little for this catalogue).
Numbers in an unassigned range tell nothing, so they never part two records.
"""

from __future__ import annotations

from functools import lru_cache

# (last seven digits of a range, length of the element it begins), in order: after "978", digits up
# to 5999999 begin a one-digit group ("978-0", "978-5"), up to 6499999 a three-digit one ("978-604").
# Length 0 is a range not yet assigned.
_GROUP_LENGTHS = {
    "978": ((5999999, 1), (6499999, 3), (6599999, 2), (6999999, 0), (7999999, 1), (9499999, 2), (9899999, 3),
            (9989999, 4), (9999999, 5)),
    "979": ((999999, 0), (1299999, 2), (7999999, 0), (8999999, 1), (9999999, 0)),
}
# Vietnam's publishers' prefixes: "978-604-0" (Giáo dục Việt Nam), "978-604-57", ...
_REGISTRANT_LENGTHS = {
    "978604": ((2999999, 1), (3999999, 3), (4699999, 2), (4979999, 3), (4999999, 4), (8999999, 2), (9799999, 3),
               (9999999, 4)),
    "978632": ((1199999, 2), (5999999, 0), (6799999, 3), (9999999, 0)),
}
_ELEMENT_DIGITS = 7


def _element_length(ranges: tuple[tuple[int, int], ...], digits: str) -> int:
    """Length of the element `digits` begins (0: an unassigned range), padded to seven digits."""
    value = int(digits[:_ELEMENT_DIGITS].ljust(_ELEMENT_DIGITS, "0"))
    return next(length for last, length in ranges if value <= last)


@lru_cache(maxsize=1 << 14)
def registrant(isbn13: str) -> str:
    """The prefix that names who issued a valid ISBN-13: "978604-0", "9780" (a group alone outside
    Vietnam's), or "" when its group or registrant range is not assigned."""
    prefix, rest = isbn13[:3], isbn13[3:12]
    group_length = _element_length(_GROUP_LENGTHS.get(prefix, ((9999999, 0),)), rest)
    if not group_length:
        return ""
    group = prefix + rest[:group_length]
    ranges = _REGISTRANT_LENGTHS.get(group)
    if ranges is None:
        return group
    length = _element_length(ranges, rest[group_length:])
    return f"{group}-{rest[group_length:group_length + length]}" if length else ""


def other_registrants(first: frozenset[str], second: frozenset[str]) -> bool:
    """Whether two records' ISBNs were issued by two registrants, none of one by the other's."""
    mine = {registrant(isbn) for isbn in first} - {""}
    theirs = {registrant(isbn) for isbn in second} - {""}
    return bool(mine and theirs) and mine.isdisjoint(theirs)
