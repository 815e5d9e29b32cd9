"""The material type of a MARC record: the leader's type, refined by what the record says besides.

The leader alone typed journal articles, theses and e-books as "book" (review): dedupe's
material guard then could not keep an article from the book of its title, nor an e-book from
the printed book (an e-book is "ebook", a text online; "electronic" stays the leader's computer
file), and a thesis in MARC was not one with the same thesis an oai_dc repository
types "thesis".
"""

from __future__ import annotations

from normalize.marcrecord import MarcRecord
from normalize.values import material_type as leader_material_type

# Leader/07: a component part of a monograph (a) or of a serial (b), an article with its host in 773.
_COMPONENT_PARTS = ("a", "b")
# 008/24-27 of books (and manuscripts), nature of contents: m is a thesis.
_THESIS_CONTENTS = "m"
# 008/23 of books, form of item: o online, s electronic.
_ELECTRONIC_FORMS = ("o", "s")
# 245 $h, the general material designation, as Vietnamese and English records write it.
_ELECTRONIC_DESIGNATIONS = ("tài liệu điện tử", "electronic resource")


def material_type(marc: MarcRecord) -> str:
    """article for a component part of text; thesis for a book or manuscript whose 008 says so or
    that has a dissertation note (502); ebook for a book whose 008/23 or 245 $h says it is electronic
    (a text online, not the leader's "electronic", a computer file: software, a dataset); else the
    leader's type.  A thesis or an article online stays a thesis or an article: the oai_dc
    reader types a repository's theses so."""
    if marc.leader[6:7] in ("a", "t") and marc.leader[7:8] in _COMPONENT_PARTS:
        return "article"
    kind = leader_material_type(marc.leader)
    f008 = marc.control("008")
    if kind in ("book", "manuscript") and (_THESIS_CONTENTS in f008[24:28] or marc.get("502")):
        return "thesis"
    if kind == "book" and (f008[23:24] in _ELECTRONIC_FORMS or _designated_electronic(marc)):
        return "ebook"
    return kind


def _designated_electronic(marc: MarcRecord) -> bool:
    return any(term in value.casefold() for field in marc.get("245") for value in field.get_all("h")
               for term in _ELECTRONIC_DESIGNATIONS)
