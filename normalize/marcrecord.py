"""The light MARC record every reader fills: tags, indicators and subfield pairs as tuples.

pymarc's objects are slow for a nightly run over every record of the province;
normalize only needs these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

LEADER_LEN = 24


class Field(NamedTuple):
    """One variable field; control fields (00X) have `data` and no subfields."""

    tag: str
    ind1: str = " "
    ind2: str = " "
    subfields: tuple[tuple[str, str], ...] = ()
    data: str = ""

    def get(self, code: str) -> str | None:
        for sub_code, value in self.subfields:
            if sub_code == code:
                return value
        return None

    def get_all(self, *codes: str) -> list[str]:
        return [value for sub_code, value in self.subfields if sub_code in codes]


@dataclass
class MarcRecord:
    leader: str
    fields: list[Field]
    encoding: str = "utf-8"
    repairs: list[str] = field(default_factory=list)
    _by_tag: dict[str, list[Field]] | None = None

    def get(self, *tags: str) -> list[Field]:
        if self._by_tag is None:
            by_tag: dict[str, list[Field]] = {}
            for f in self.fields:
                by_tag.setdefault(f.tag, []).append(f)
            self._by_tag = by_tag
        if len(tags) == 1:
            return self._by_tag.get(tags[0], [])
        # Grouped by tag in the order asked (main entry 100 before added entries 700).
        return [f for tag in tags for f in self._by_tag.get(tag, ())]

    def control(self, tag: str) -> str:
        found = self.get(tag)
        return found[0].data if found else ""

    def replace_fields(self, fields: list[Field]) -> None:
        self.fields = fields
        self._by_tag = None
