"""The host item of a component part (773): the journal or book an article was printed in."""

from __future__ import annotations

from normalize.marcrecord import MarcRecord
from normalize.text import clean_field

# 773 $t title ($a its main entry when no title), $d place, publisher and date, $g issue and pages.
_HOST_PARTS = ("t", "d", "g")


def host_item(marc: MarcRecord) -> str | None:
    """The first 773 as one line to show and search: "Tạp chí Giáo dục, Số 480, tr. 45-48 (ISSN 2354-0753)".

    It is what tells two articles of one title apart, printed in two journals or two issues.
    """
    for field in marc.get("773"):
        pieces = [piece for code in _HOST_PARTS for value in field.get_all(code) if (piece := clean_field(value))]
        if not field.get_all("t"):
            pieces[:0] = [piece for value in field.get_all("a") if (piece := clean_field(value))]
        issn = clean_field(field.get("x") or "")
        text = ", ".join(pieces) + (f" (ISSN {issn})" if issn else "")
        if text:
            return text.strip()
    return None
