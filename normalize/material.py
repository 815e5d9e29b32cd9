"""The material type of a MARC record: the leader's type, refined by what the record says besides.

The leader alone typed journal articles and theses as "book" (review): dedupe's material
guard then could not keep an article from the book of its title, and a thesis in MARC was
not one with the same thesis an oai_dc repository types "thesis".
"""

from __future__ import annotations

from normalize.marcrecord import MarcRecord
from normalize.values import material_type as leader_material_type

# Leader/07: a component part of a monograph (a) or of a serial (b), an article with its host in 773.
_COMPONENT_PARTS = ("a", "b")
# 008/24-27 of books (and manuscripts), nature of contents: m is a thesis.
_THESIS_CONTENTS = "m"


def material_type(marc: MarcRecord) -> str:
    """article for a component part of text; thesis for a book or manuscript whose 008 says so or
    that has a dissertation note (502); else the leader's type."""
    if marc.leader[6:7] in ("a", "t") and marc.leader[7:8] in _COMPONENT_PARTS:
        return "article"
    kind = leader_material_type(marc.leader)
    if kind in ("book", "manuscript") and (_THESIS_CONTENTS in marc.control("008")[24:28] or marc.get("502")):
        return "thesis"
    return kind
