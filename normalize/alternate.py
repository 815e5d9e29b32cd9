"""880 alternate graphic representation: a field repeated in another script, linked by $6.

A regular field carries `$6 880-01`; its 880 partner carries `$6 245-01/$1`
(linked tag, occurrence number, script code).  Occurrence `00` means the 880 has
no partner: it still says which field it stands for.  Library of Congress records
of Chinese, Japanese, Korean, Russian or Arabic books romanize 245/100 and keep
the original script in 880s.
"""

from __future__ import annotations

from normalize.marcrecord import Field, MarcRecord

_UNLINKED = "00"


def _linkage(value: str) -> tuple[str, str] | None:
    """('245', '01') from '245-01/$1' or '880-01'; None when the value is not a linkage."""
    value = value.strip()
    tag, dash, rest = value[:3], value[3:4], value[4:]
    occurrence = rest.split("/", 1)[0].strip()
    if not (tag.isdigit() and dash == "-" and occurrence.isdigit()):
        return None
    return tag, occurrence


class Alternates:
    """The 880 fields of one record, each turned back into the field it stands for."""

    def __init__(self, marc: MarcRecord):
        self.linked_to: dict[tuple[str, str], Field] = {}
        self.unlinked: dict[str, list[Field]] = {}
        for field in marc.get("880"):
            link = _linkage(field.get("6") or "")
            if link is None:
                continue
            tag, occurrence = link
            as_tag = field._replace(tag=tag, subfields=tuple((c, v) for c, v in field.subfields if c != "6"))
            if occurrence == _UNLINKED:
                self.unlinked.setdefault(tag, []).append(as_tag)
            else:
                self.linked_to.setdefault((tag, occurrence), as_tag)

    def __bool__(self) -> bool:
        return bool(self.linked_to or self.unlinked)

    def linked(self, field: Field) -> Field | None:
        """The 880 partner of a regular field (by its `$6 880-NN`), as that field's tag."""
        if not self.linked_to:
            return None
        for code, value in field.subfields:
            if code == "6":
                link = _linkage(value)
                if link is not None and link[0] == "880":
                    return self.linked_to.get((field.tag, link[1]))
        return None

    def for_tag(self, *tags: str) -> list[Field]:
        """Every 880 standing for one of `tags`, linked ones in occurrence order first."""
        if not (self.linked_to or self.unlinked):
            return []  # most records have no 880
        linked = sorted((occ, f) for (tag, occ), f in self.linked_to.items() if tag in tags)
        return [f for _, f in linked] + [f for tag in tags for f in self.unlinked.get(tag, [])]
