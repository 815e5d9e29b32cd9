"""The material type of a MARC record: the leader's type, refined by what the record says besides.

The leader alone typed journal articles as "book" (review): dedupe's material guard then
could not keep an article from the book of its title.
"""

from __future__ import annotations

from normalize.marcrecord import MarcRecord
from normalize.values import material_type as leader_material_type

# Leader/07: a component part of a monograph (a) or of a serial (b), an article with its host in 773.
_COMPONENT_PARTS = ("a", "b")


def material_type(marc: MarcRecord) -> str:
    """article for a component part of text; else the leader's type."""
    if marc.leader[6:7] in ("a", "t") and marc.leader[7:8] in _COMPONENT_PARTS:
        return "article"
    return leader_material_type(marc.leader)
