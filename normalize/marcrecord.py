"""The light MARC record every reader fills: tags, indicators and subfield pairs as tuples.

pymarc's objects are slow for a nightly run over every record of the province;
normalize only needs these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from store.iso2709 import LEADER_LEN

__all__ = ["LEADER_LEN", "Field", "MarcRecord"]


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
    _text: str | None = field(default=None, compare=False, repr=False)  # a cache of text()

    def get(self, *tags: str) -> list[Field]:
        by_tag = self._by_tag
        if by_tag is None:
            by_tag = self._by_tag = {}
            for f in self.fields:
                by_tag.setdefault(f.tag, []).append(f)
        if len(tags) == 1:
            return by_tag.get(tags[0], [])
        # Grouped by tag in the order asked (main entry 100 before added entries 700).
        return [f for tag in tags for f in by_tag.get(tag, ())]

    def text(self) -> str:
        """Every subfield value, one per line: for checks over the whole record at once.

        A newline never joins two values into one word, one character sequence
        or one NFC segment, so such a check fails exactly when it fails on some value.
        """
        if self._text is None:
            self._text = "\n".join([value for f in self.fields for _, value in f.subfields])
        return self._text

    def control(self, tag: str) -> str:
        found = self.get(tag)
        return found[0].data if found else ""

    def replace_fields(self, fields: list[Field]) -> None:
        self.fields = fields
        self._by_tag = None
        self._text = None
