"""Name headings: personal, corporate and meeting names (100/110/111, 700/710/711).

`Record.authors` keeps the display form only (what dedupe compares as folded
word sets); `Record.names` adds kind, role, dates, relators, and the form in
the name's own script from a linked 880 field.
"""

from __future__ import annotations

from functools import lru_cache

from store.models import Name

from normalize import values
from normalize.alternate import Alternates
from normalize.marcrecord import Field, MarcRecord
from normalize.text import clean_field, clean_text

_KIND = {"00": "personal", "10": "corporate", "11": "meeting"}  # X00, X10, X11
# Subfields that make up the name itself; dates ($d) and relators ($e, $j, $4) are kept apart
# for people, while a meeting's number, date and place ($n $d $c) are part of its name.
_NAME_CODES = {"personal": ("a", "b", "c", "q"), "corporate": ("a", "b"), "meeting": ("a", "q", "e", "n", "d", "c")}
_RELATOR_CODES = {"personal": ("e", "4"), "corporate": ("e", "4"), "meeting": ("j", "4")}
_TAGS = ("100", "110", "111", "700", "710", "711")


@lru_cache(maxsize=8192)  # authors repeat across a catalogue
def display_name(field: Field, kind: str) -> str:
    """'Trần Văn Giàu'; 'Viện Sử học. Phòng Tư liệu'; 'Hội thảo Khoa học (3 : 2019 : Cần Thơ)'."""
    codes = _NAME_CODES[kind]
    if kind == "meeting":
        # "(3rd :" "2008 :" "Hanoi)" only make sense together: clean the whole.
        return values.display_name(clean_text(" ".join(v for c, v in field.subfields if c in codes)))
    parts = [values.display_name(clean_text(v)) for c, v in field.subfields if c in codes and v.strip()]
    sep = ". " if kind == "corporate" else " "
    return values.display_name(sep.join(p for p in parts if p)) if parts else ""


@lru_cache(maxsize=8192)
def _relators(field: Field, kind: str) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for code, value in field.subfields:
        if code in _RELATOR_CODES[kind]:
            for term in value.split(","):
                cleaned = clean_field(term)
                if cleaned:
                    out.setdefault(cleaned)
    return tuple(out)


def names(marc: MarcRecord, alternates: Alternates) -> list[Name]:
    """Every name heading in order: main entry first, then added entries."""
    out: list[Name] = []
    for field in marc.get(*_TAGS):
        kind = _KIND[field.tag[1:]]
        name = display_name(field, kind)
        if not name:
            continue
        dates = field.get("d") if kind == "personal" else None
        vernacular_field = alternates.linked(field)
        vernacular = display_name(vernacular_field, kind) if vernacular_field is not None else None
        out.append(Name(name=name, kind=kind, role="main" if field.tag[0] == "1" else "added",  # type: ignore[arg-type]
                        dates=clean_field(dates) or None if dates else None, relators=list(_relators(field, kind)),
                        vernacular=vernacular or None))
    return out


def authors(headings: list[Name]) -> list[str]:
    """Display names without repeats (case-insensitive), main entry first."""
    out: dict[str, str] = {}
    for heading in headings:
        out.setdefault(heading.name.casefold(), heading.name)
    return list(out.values())
