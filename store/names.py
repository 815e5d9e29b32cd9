"""A personal name in inverted order ("Hugo, Victor") is searched in direct order too ("Victor Hugo").

MARC headings invert a Western name, surname first behind a comma, and catalogues that
type names by hand write it directly: `author:"Hugo, Victor"` found only the first and
`author:"Victor Hugo"` only the second.  The indexer adds each inverted name's direct
order to the authors it searches, and the query parser searches a quoted name with a
comma both as typed and in direct order (`direct_order`), so each finds the other.

The union record's work key (`store.text.work_key`) reads a name in direct order too, so
"Saint-Exupéry, Antoine de" and "Antoine de Saint-Exupéry" name one author of one work.

Vietnamese names are surname first whichever way they are written (DESIGN.md): "Nguyễn,
Du" (the Library of Congress's heading) is Nguyễn Du, never "Du Nguyễn", so a name with a
Vietnamese letter or a Vietnamese surname before its comma is left alone.  Dates after a
comma ("Nguyễn Du, 1765-1820", "Hugo, Victor, 1802-1885") are no part of the name.
"""

from __future__ import annotations

import re

from store.text import fold

# Letters Vietnamese has and Western European languages do not: ă â đ ê ô ơ ư and the
# tone-marked vowels of U+1EA0-U+1EF9.
_VIETNAMESE_LETTER_RE = re.compile("[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9]")
# The common Vietnamese surnames, folded: written without marks ("Nguyen, Van A") they show no Vietnamese letter.
_VIETNAMESE_SURNAMES = frozenset("""nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly dinh
    doan lam luong mai cao trinh truong ha ta chu quach lu thai vuong kieu luu trieu thach khuc dam diep giang
    khong lieu nghiem phung quan tang tieu ton ung bach banh dao ngu quang tong""".split())
# Dates and numbers ending a heading: "1765-1820", "1802-1885.", "b. 1950", "?-1820", "thế kỷ 15".
_DATES_RE = re.compile(r"^(?:b\.|d\.|fl\.|ca\.|sinh|mất)?\s*[\d?][\d?\s\-–.]*$", re.IGNORECASE)
# The inverted names this reads: a surname of up to three words, forenames of up to four.
MAX_SURNAME_WORDS = 3
MAX_FORENAME_WORDS = 4


def direct_order(name: str) -> str | None:
    """ "Hugo, Victor" → "Victor Hugo"; None for a name not inverted, a Vietnamese name, or one
    whose part after the comma is dates ("Nguyễn Du, 1765-1820")."""
    parts = [part.strip() for part in name.split(",")]
    while len(parts) > 1 and _DATES_RE.match(parts[-1]):
        parts.pop()
    if len(parts) != 2 or not parts[0] or not parts[1]:
        return None
    surname, forenames = parts
    if len(surname.split()) > MAX_SURNAME_WORDS or len(forenames.split()) > MAX_FORENAME_WORDS:
        return None  # a corporate name with a comma, "Hội đồng …, tư tưởng Hồ Chí Minh"
    if not forenames[0].isalpha() or _VIETNAMESE_LETTER_RE.search(name) or fold(surname) in _VIETNAMESE_SURNAMES:
        return None
    return f"{forenames} {surname}"
