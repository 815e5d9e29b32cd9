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
from normalize.text import clean_field, clean_text, strip_isbd

_KIND = {"00": "personal", "10": "corporate", "11": "meeting"}  # X00, X10, X11
# Subfields that make up the name itself; dates ($d) and relators ($e, $j, $4) are kept apart
# for people, while a meeting's number, date and place ($n $d $c) are part of its name, also
# for a meeting entered under a corporate name ("Đảng Cộng sản Việt Nam. Đại hội ... (lần thứ 12 : 2016)").
_NAME_CODES = {"personal": ("a", "b", "c", "q"), "corporate": ("a", "b", "n", "d", "c"),
               "meeting": ("a", "q", "e", "n", "d", "c")}
_MEETING_PARTS = ("n", "d", "c")
_RELATOR_CODES = {"personal": ("e", "4"), "corporate": ("e", "4"), "meeting": ("j", "4")}
_TAGS = ("100", "110", "111", "700", "710", "711")


@lru_cache(maxsize=8192)  # authors repeat across a catalogue
def display_name(field: Field, kind: str) -> str:
    """'Trần Văn Giàu'; 'John Paul II, Pope'; 'Viện Sử học. Phòng Tư liệu';
    'Đảng Cộng sản Việt Nam. Đại hội đại biểu toàn quốc (lần thứ 12 : 2016 : Hà Nội)';
    'Hội thảo Khoa học (3 : 2019 : Cần Thơ)'."""
    codes = _NAME_CODES[kind]
    if kind == "meeting":
        # "(3rd :" "2008 :" "Hanoi)" only make sense together: clean the whole.
        return values.display_name(clean_text(" ".join(v for c, v in field.subfields if c in codes)))
    out = previous = ""
    for code, value in field.subfields:
        if code == "t":
            break  # a name/title heading: what follows $t belongs to the title
        text = clean_text(value) if code in codes else ""
        if not text:
            continue
        if kind == "corporate" and code in _MEETING_PARTS:
            piece, sep = text, " "  # "(lần thứ 12 :" keeps its colon: the whole is cleaned at the end
        else:
            # A unit ($b) follows its parent after ". "; a person's $b $c $q keep the comma typed before
            # them ("John Paul" "II," "Pope," → "John Paul II, Pope").
            piece = values.display_name(text)
            sep = ". " if kind == "corporate" else ", " if previous.endswith(",") else " "
        if piece:
            out = f"{strip_isbd(out) if sep == '. ' else out}{sep}{piece}" if out else piece
            previous = text
    return values.display_name(out) if out else ""


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
        name, typed_roles = values.split_typed_role(display_name(field, kind))
        if kind == "personal":
            name = values.without_academic_title(name)
        if not name:
            continue
        dates = field.get("d") if kind == "personal" else None
        vernacular_field = alternates.linked(field)
        vernacular = display_name(vernacular_field, kind) if vernacular_field is not None else None
        relators = list(dict.fromkeys(_relators(field, kind) + tuple(typed_roles)))
        out.append(Name(name=name, kind=kind, role="main" if field.tag[0] == "1" else "added",  # type: ignore[arg-type]
                        dates=clean_field(dates) or None if dates else None, relators=relators,
                        vernacular=vernacular or None))
    return out


def authors(headings: list[Name]) -> list[str]:
    """Display names without repeats (case-insensitive), main entry first."""
    out: dict[str, str] = {}
    for heading in headings:
        out.setdefault(heading.name.casefold(), heading.name)
    return list(out.values())
