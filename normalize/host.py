"""The host item of a component part (773): the journal or book an article was printed in."""

from __future__ import annotations

from store.models import HostItem

from normalize.marcrecord import Field, MarcRecord
from normalize.text import clean_field


def host_item(marc: MarcRecord) -> HostItem | None:
    """The first 773 that names its host, subfield by subfield ($a $t $d $g $x $z $w), and whether the
    host is a book (leader/07 a, a chapter; b is a serial's article: the material type is "article" both).

    It is what tells two articles of one title apart, printed in two journals or two issues.
    """
    for field in marc.get("773"):
        item = HostItem(main_entry=_joined(field, "a"), title=_joined(field, "t"), imprint=_joined(field, "d"),
                        related_parts=_values(field, "g"), issn=clean_field(field.get("x") or "") or None,
                        isbn=_values(field, "z"), control_numbers=_values(field, "w"),
                        in_book=marc.leader[7:8] == "a")
        if host_line(item):
            return item
    return None


def host_line(item: HostItem) -> str:
    """The host as one line to show and search: "Tạp chí Giáo dục, Số 480, tr. 45-48 (ISSN 2354-0753)";
    its main entry stands in for a title the 773 does not give."""
    pieces = [piece for piece in (item.title or item.main_entry, item.imprint) if piece] + item.related_parts
    return (", ".join(pieces) + (f" (ISSN {item.issn})" if item.issn else "")).strip()


def _values(field: Field, code: str) -> list[str]:
    return [piece for value in field.get_all(code) if (piece := clean_field(value))]


def _joined(field: Field, code: str) -> str | None:
    """A subfield MARC 21 does not repeat, as one value though a record repeats it (nothing dropped)."""
    return ", ".join(_values(field, code)) or None
