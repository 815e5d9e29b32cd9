"""What a word typed right before ":" names: a field, a field's Vietnamese name, or a slip of one.

`tittle:kieu`, `autor:du` and `tacgia:"Nguyễn Du"` searched "tittle", "autor" or "tacgia" as one more
required word and answered nothing, without a word of why, while every other slip of the syntax is a
400 that says what is wrong (review).  So a Vietnamese name of a field, as librarians call it on the
catalogue card, is that field (`tác giả:`, `tacgia:`, `nhan đề:`, `chủ đề:`, `nxb:`, `năm:2019`), and a
name a letter or two from a field's is a `QueryError` naming the fields.  Only a name with no space
after its ":" is read so: a title pasted with its colon ("Toán: tập 1", "Harry Potter: and the…")
is its words.
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

from index.schema import folded_text

# A field's Vietnamese name, folded and without spaces → the field it names.
ALIASES: dict[str, str] = {
    "tacgia": "author", "nhande": "title", "tuade": "title", "chude": "subject",
    "nxb": "publisher", "nhaxuatban": "publisher",
}
# Labels printed before a number, read as such (index.query_language): "issn" is no slip of "isbn".
LABELS = ("issn",)
# "Năm" (year) only with its mark: "nam" is also the south and a given name ("Việt Nam:2019" is two words).
YEAR_ALIAS = "năm"
# The names of the query language's help and error, in the order they are listed.
LISTED = "title:, author:, subject:, publisher:, isbn:, year: (tác giả:, nhan đề:, chủ đề:, nxb:, năm:)"
# At most this many words before the ":" make one name ("nhà xuất bản").
MAX_NAME_WORDS = 3
# Letters a name may differ by from a field's: one, two from six letters ("pubisher").
_EDITS_FROM_SIX = 2


def alias_field(words: list[str], value_start: str) -> str | None:
    """The field named by `words` (the name's words typed before ":", in order) with `value_start` the
    character after the ":", or None: a Vietnamese name followed directly by its value."""
    if not value_start or value_start.isspace():
        return None
    name = "".join(words).lower()
    if name == YEAR_ALIAS:
        return "year"
    return ALIASES.get(folded_text(name).replace(" ", ""))


def misspelt_field(name: str, fields: list[str]) -> str | None:
    """The field (of `fields`, or the Vietnamese names) that `name` is a slip of, or None."""
    folded = folded_text(name).lower()
    if folded in LABELS:
        return None
    for known in [*fields, *ALIASES]:
        edits = OSA.distance(folded, known)
        if 0 < edits <= (_EDITS_FROM_SIX if len(known) >= 6 else 1):
            return known
    return None
