"""Map a MarcRecord to a Record: the field rules of DESIGN.md's "MARC facts".

Legacy-font repair runs first, per field, so every later rule sees Unicode.
"""

from __future__ import annotations

import re
from functools import lru_cache

from config import LibraryConfig
from store import Record, record_id
from store.classes import class_entry
from store.models import Name
from store.names import direct_order

from normalize import legacy, names, values
from normalize.alternate import Alternates
from normalize.errors import RecordError
from normalize.holdings import holdings_from_marc
from normalize.host import host_item, host_line
from normalize.imprint import publication, publication_year, publisher_part
from normalize.isbn import misdigited_note, parse_isbns, split_issns
from normalize.language import record_language, typed_language
from normalize.links import online_links
from normalize.marcrecord import Field, MarcRecord
from normalize.material import material_type
from normalize.proper_names import Names, record_names, statement_names
from normalize.text import clean_field, clean_note, clean_text, cleanup_reasons, recase_title, strip_isbd

_SUBDIVISIONS = ("v", "x", "y", "z")
# Subfields that make up the heading itself, before the " -- " subdivisions.
_SUBJECT_MAIN = {
    "600": ("a", "b", "c", "d", "q", "t"), "610": ("a", "b", "t"), "611": ("a", "c", "d", "n", "t"),
    "650": ("a", "b"), "651": ("a",),
}
_OCLC_RE = re.compile(r"^\(OCoLC\)\s*(?:ocm|ocn|on)?0*(\d+)$", re.IGNORECASE)


def repair_legacy_fields(marc: MarcRecord) -> list[str]:
    """Convert TCVN3/VNI subfields in place; one repair note per converted field.

    The record's fields decide its one encoding together (`legacy.record_encoding`): a
    short field alone may read as both ("Kinh teá"), or as neither ("Huúnh Minh Mai").
    """
    notes: list[str] = []
    # One test over the whole record first: most records carry no legacy character at
    # all, and detection needs one (the newline joining fields is never evidence).
    if not legacy.has_evidence(marc.text()) or typed_language(marc) in legacy.NOT_LEGACY_LANGUAGES:
        return notes
    fields = marc.fields
    joined = [" ".join(v for _, v in field.subfields) for field in fields]
    found = [() if text.isascii() and text.isprintable() else legacy.readings(text) for text in joined]
    encoding = legacy.record_encoding(found)
    if encoding is None:
        return notes
    converted_fields: set[int] = set()
    for i, field in enumerate(fields):
        if encoding not in dict(found[i]):
            continue
        codes: list[str] = []
        subs: list[tuple[str, str]] = []
        for code, value in field.subfields:
            # The field as a whole reads as `encoding`; a subfield such as "Vò Thanh" (VNI for
            # "Vị Thanh") reads as valid Vietnamese alone, so each subfield converts
            # unless its conversion would produce a non-Vietnamese word.
            converted = legacy.convert(value, encoding)
            if converted != value and legacy.reads_as_vietnamese(converted):
                codes.append(code)
                value = converted
            subs.append((code, value))
        if codes:
            fields[i] = field._replace(subfields=tuple(subs))
            converted_fields.add(i)
            notes.append(f"{field.tag}${'$'.join(dict.fromkeys(codes))}: {encoding} → Unicode")
    if notes:
        notes += _repair_in_context(fields, encoding, legacy.holds_unicode(joined), converted_fields)
        marc.replace_fields(fields)
    return notes


def cleanup_notes(marc: MarcRecord) -> list[str]:
    """One note per field whose text needs more than spacing fixed (clean_text does the fixing)."""
    if not cleanup_reasons(marc.text()):
        return []  # the common case: one check over the whole record
    notes: list[str] = []
    for field in marc.fields:
        codes: dict[str, list[str]] = {}
        for code, value in field.subfields:
            for reason in cleanup_reasons(value):
                codes.setdefault(reason, []).append(code)
        notes += [f"{field.tag}${'$'.join(dict.fromkeys(found))}: {reason}" for reason, found in codes.items()]
    return notes


def _repair_in_context(fields: list[Field], encoding: legacy.Legacy, record_has_unicode: bool,
                       done: set[int]) -> list[str]:
    """Second pass: short fields of a record whose other fields were in `encoding` (`legacy.convert_in_context`),
    but not those the first pass converted (`done`): "Cô Tô" from "C« T«", read as TCVN3 again, is "Cụ Tụ"."""
    notes: list[str] = []
    for i, field in enumerate(fields):
        if i in done:
            continue
        codes: list[str] = []
        subs: list[tuple[str, str]] = []
        for code, value in field.subfields:
            converted = legacy.convert_in_context(value, encoding, record_has_unicode)
            if converted is not None:
                codes.append(code)
                value = converted
            subs.append((code, value))
        if codes:
            fields[i] = field._replace(subfields=tuple(subs))
            notes.append(f"{field.tag}${'$'.join(dict.fromkeys(codes))}: {encoding} → Unicode (record context)")
    return notes


def _sub(field: Field, code: str) -> str | None:
    value = field.get(code)
    if value is None:
        return None
    return clean_field(value) or None


def _joined(field: Field, codes: tuple[str, ...], sep: str = " ") -> str | None:
    if sep == " ":
        return clean_field(sep.join(v for c, v in field.subfields if c in codes)) or None
    # Pieces joined with ". " lose their own ISBD endings first ("Tập 1." + "Thời cổ đại"); a piece
    # that keeps its period ("Rowling, J. K.") takes no second one.
    out = ""
    for piece in (p for c, v in field.subfields if c in codes if (p := clean_field(v))):
        out += (" " if out.endswith(".") else sep) + piece if out else piece
    return out or None


# The title subfields of a uniform title (240, 130, and 630 as a subject): $h, the medium, is left out.
_UNIFORM_TITLE_CODES = ("a", "d", "f", "g", "k", "l", "m", "n", "o", "p", "r", "s", "t")


def _title_joined(field: Field, codes: tuple[str, ...] = _UNIFORM_TITLE_CODES) -> str | None:
    """A uniform title's subfields in order, keeping the cataloguer's punctuation between them
    ("Symphonies," "no. 5," "C minor" → "Symphonies, no. 5, C minor"); a piece that ends without
    any gets a period ("Truyện Kiều" "$l English" → "Truyện Kiều. English")."""
    out = ""
    for code, value in field.subfields:
        piece = clean_text(value) if code in codes else ""
        if piece:
            out += ("" if not out else " " if out.endswith((".", ",", ":", ";", "=")) else ". ") + piece
    return strip_isbd(out) or None


def _title(marc: MarcRecord, alternates: Alternates) -> tuple[str, Field | None]:
    # A record whose only title is in another script (880 for 245) keeps that title.
    for field in marc.get("245") + alternates.for_tag("245"):
        for code in ("a", "k"):
            value = _sub(field, code)
            if value:
                return value, field
    for tag in ("240", "130", "246"):
        for field in marc.get(tag):
            value = _sub(field, "a")
            if value:
                return value, None
    raise RecordError("no title: 245 $a is missing or empty (and no 240/130/246 or 880 to fall back on); "
                      "add the title in the library system")


# MARC 21's non-sort markers in Unicode (NSB, NSE): "\x98The \x9cHobbit" sorts as "Hobbit".
NONSORT_BEGIN, NONSORT_END = "\u0098", "\u009c"


def _sort_title(title: str, field: Field | None, repairs: list[str]) -> str | None:
    """Title without the leading article that 245 ind2, or NSB/NSE around it, says to skip, for sorting only.

    An indicator that would cut into a word or skip one that is no article (a
    Vietnamese title has none: ind2 4 on "Lịch sử" would file it under "ch sử")
    is a cataloguing slip: it is ignored and noted in `repairs`.
    """
    if field is None:
        return None
    marked = _after_nonsort_markers(field.get("a") or "")
    if marked is not None:
        # Display drops the markers (clean_text); the title keeps its case, however recased.
        return title[len(title) - len(marked):] if title.casefold().endswith(marked.casefold()) else marked
    if not field.ind2.isdigit() or field.ind2 == "0":
        return None
    count = int(field.ind2)
    if not values.skips_an_article(title, count):
        repairs.append(f"245 ind2 {count} would skip {title[:count]!r}, not an article; ignored")
        return None
    return title[count:].lstrip(" '\"[(") or None


def _after_nonsort_markers(value: str) -> str | None:
    """What follows a leading NSB ... NSE span, cleaned; None when the value starts with none."""
    head = value.lstrip(" \"'[(")
    if not head.startswith(NONSORT_BEGIN) or NONSORT_END not in head:
        return None
    return clean_field(head[head.index(NONSORT_END) + 1:]).lstrip(" \"'[(") or None


def _alternate_titles(alternates: Alternates, title: str) -> list[str]:
    """Titles in another script: linked 880s of 245, 240, 130 and 246 ("a : b")."""
    out: dict[str, None] = {}
    for field in alternates.for_tag("245", "240", "130", "246"):
        main = _sub(field, "a")
        if not main:
            continue
        remainder = _sub(field, "b") if field.tag == "245" else None
        text = f"{main} : {remainder}" if remainder else main
        if text != title:
            out.setdefault(text)
    return list(out)


def _title_names(marc: MarcRecord, headings: list[Name], responsibility: str | None) -> Names:
    """The names this record gives that its title may hold: its name headings, the persons, bodies and
    works its subjects are (600/610/611 $a and $t, 630 $a), each inverted name in direct order too
    ("Potter, Harry" is "Harry Potter"), and the persons its statement of responsibility names (245 $c)."""
    names = [heading.name for heading in headings]
    names += [values.display_name(value) for field in marc.get("600", "610", "611", "630")
              for code in ("a", "t") if (value := _sub(field, code))]
    names += [direct for name in names if (direct := direct_order(name))]
    return record_names(names + statement_names(responsibility or ""))


def _other_titles(marc: MarcRecord, title: str) -> list[str]:
    """The varying forms of the title (246 $a, ": $b"), each once, not the title itself: a cover or
    spine title, an original or parallel title a reader may search by ("philosopher's stone")."""
    out: dict[str, str] = {}
    for field in marc.get("246"):
        main = _sub(field, "a")
        if not main:
            continue
        remainder = _sub(field, "b")
        text = f"{main} : {remainder}" if remainder else main
        if text.casefold() != title.casefold():
            out.setdefault(text.casefold(), text)
    return list(out.values())


# Headings, schemes and publishers repeat from record to record: the per-field rules
# below are cached on the field itself (a tuple of strings), in bounded caches.
@lru_cache(maxsize=8192)
def _headings(field: Field) -> tuple[str, ...]:
    """The subject heading(s) of one 6XX field: "main -- subdivision -- ..."; 653 gives each term of each $a."""
    if field.tag == "653":
        return tuple(term for value in field.get_all("a") for keyword in values.keywords(value)
                     for term in _comma_listed_terms(keyword, field.ind2))
    # 630 is a uniform title used as a subject: its heading is read as 240's is.
    main = _title_joined(field) if field.tag == "630" else _joined(field, _SUBJECT_MAIN[field.tag])
    pieces = [main] if main else []
    pieces += [clean_field(v) for c, v in field.subfields if c in _SUBDIVISIONS and v.strip()]
    heading = " -- ".join(p for p in pieces if p)
    return (heading,) if heading else ()


# 653 ind2 1, 2, 3: a personal, corporate or meeting name, whose commas are its own.
_NAME_TERM_653 = ("1", "2", "3")


def _comma_listed_terms(keyword: str, ind2: str) -> list[str]:
    """The terms of a 653 keyword typed as a list ("Lịch sử, Việt Nam, Hậu Giang"): each belongs in its
    own $a (MARC 21 653).  A name's commas stay, and so does a piece that starts with a digit
    ("Hồ Chí Minh, 1890-1969", "Việt Nam, 1945-1975": dates and periods belong to the term before them)."""
    pieces = [clean_field(piece) for piece in keyword.split(",")]
    if ind2 in _NAME_TERM_653 or len(pieces) < 2 or any(not p or p[0].isdigit() for p in pieces):
        return [keyword]
    return pieces


def _subjects(marc: MarcRecord) -> list[str]:
    out: dict[str, None] = {}
    for field in marc.get("600", "610", "611", "630", "650", "651", "653"):
        for heading in _headings(field):
            out.setdefault(heading)
    return list(out)


_DDC_SERIES_MARK_RE = re.compile(r"\d{3}(?:\.\d+)? s")


@lru_cache(maxsize=4096)
def _class_numbers(field: Field) -> tuple[str, ...]:
    """'DDC 959.704', 'UDC 94(597)', 'LCC DS735', or '<$2 scheme> <number>' for 084."""
    out: list[str] = []
    for value in field.get_all("a"):
        value = clean_text(value).rstrip(" /")
        if not value:
            continue
        if field.tag == "082":
            number = value.replace("/", "").replace("'", "")
            # Older LC records mark a number given for the whole series with a trailing " s".
            out.append(class_entry("DDC", number[:-2] if _DDC_SERIES_MARK_RE.fullmatch(number) else number))
        elif field.tag == "080":
            out.append(class_entry("UDC", value))
        elif field.tag == "050":
            out.append(class_entry("LCC", value))
        else:
            out.append(class_entry(clean_text(field.get("2") or "") or "local", value))
    return tuple(out)


def _classification(marc: MarcRecord) -> list[str]:
    out: dict[str, None] = {}
    for field in marc.get("082", "080", "084", "050"):
        for number in _class_numbers(field):
            out.setdefault(number)
    return list(out)


def _isbns(marc: MarcRecord, repairs: list[str]) -> tuple[list[str], list[str]]:
    """(valid ISBN-13s of 020 $a, the other ISBNs of 020 $a and $z); a misdigited one is noted in `repairs`."""
    valid: list[str] = []
    invalid: list[str] = []
    for field in marc.get("020"):
        for code, value in field.subfields:
            if code not in ("a", "z"):
                continue
            parsed = parse_isbns(value)
            for isbn in parsed.valid:
                # $z is a cancelled/invalid ISBN by definition: never matched on.
                target = valid if code == "a" else invalid
                if isbn not in target:
                    target.append(isbn)
            invalid += [i for i in parsed.invalid + parsed.misdigited if i not in invalid]
            repairs += [misdigited_note(f"020 ${code}", digits) for digits in parsed.misdigited]
    # The same number typed in $a and again in $z is the record's ISBN, not also a misprint.
    return valid, [isbn for isbn in invalid if isbn not in valid]


def _other_ids(marc: MarcRecord) -> list[str]:
    out: dict[str, None] = {}
    for field in marc.get("010"):
        for value in field.get_all("a"):
            lccn = values.normalize_lccn(clean_text(value))
            if lccn:
                out.setdefault(f"(DLC){lccn}")
    for field in marc.get("035"):
        for value in field.get_all("a"):
            value = clean_text(value)
            match = _OCLC_RE.match(value)
            if match:
                value = f"(OCoLC){match.group(1)}"
            if value:
                out.setdefault(value)
    return list(out)


def _series(marc: MarcRecord) -> list[str]:
    out: dict[str, str] = {}
    # 440 (series statement and added entry in one) was made obsolete in 2008 but fills old records.
    for field in marc.get("490", "440", "800", "810", "811", "830"):
        # 800/810/811 are name/title entries: the series is the title ($t $n $p), the name only
        # when no title was given, so "Harry Potter ; v. 2" from 490 and 800 is one series.
        title_codes = {"490": ("a",), "830": ("a",), "440": ("a", "n", "p")}.get(field.tag, ("t", "n", "p"))
        name = _joined(field, title_codes, ". " if field.tag != "490" else " ") or _joined(field, ("a",))
        number = _sub(field, "v")
        if name:
            text = f"{name} ; {number}" if number else name
            out.setdefault(text.casefold(), text)
    return list(out.values())


# The note subfields read: 502's $b degree, $c granting body, $d year of a dissertation note given in parts.
_NOTE_CODES = {"502": ("a", "b", "c", "d", "g", "o"), "505": ("a", "g", "r", "t")}


def _notes(marc: MarcRecord) -> list[str]:
    out: dict[str, None] = {}
    for field in marc.get("500", "502", "505", "520"):
        codes = _NOTE_CODES.get(field.tag, ("a", "b"))
        text = clean_note(" ".join(v for c, v in field.subfields if c in codes))
        if text:
            out.setdefault(text)
    return list(out)


def record_from_marc(marc: MarcRecord, library_id: str, local_id: str, source_format: str,
                     library: LibraryConfig | None = None) -> Record:
    """The Record of one MARC record; RecordError when it has no title."""
    repairs = list(marc.repairs) + repair_legacy_fields(marc)
    repairs += cleanup_notes(marc)
    alternates = Alternates(marc)
    title, title_field = _title(marc, alternates)
    headings = names.names(marc, alternates)
    subtitle = part = responsibility = None
    if title_field is not None:
        subtitle = _sub(title_field, "b")
        part = _joined(title_field, ("n", "p"), ". ")
        responsibility = _sub(title_field, "c")
    # $l names the language of a translation: "Truyện Kiều. English" is not the original.
    uniform = next((v for f in marc.get("240", "130") if (v := _title_joined(f))), None)
    # The record's own names, which an ALL-CAPS title may spell: read only for such a title.
    known = _title_names(marc, headings, responsibility) if title.isupper() or (subtitle or "").isupper() else None
    recased = recase_title(title, known)
    if recased != title:
        repairs.append("245$a: all capitals → sentence case")
    pub = publication(marc)
    isbn, invalid_isbn = _isbns(marc, repairs)
    rid = record_id(library_id, local_id)
    holdings, holdings_note = holdings_from_marc(marc, library_id, rid, library, local_id)
    if holdings_note:
        repairs.append(holdings_note)
    extent = next((v for f in marc.get("300") for v in f.get_all("a")), "")
    edition = next((v for f in marc.get("250") if (v := _sub(f, "a"))), None)
    host = host_item(marc)
    issn, invalid_issn = split_issns([clean_field(v) for f in marc.get("022") for v in f.get_all("a")])
    # Validation stays on: with pydantic 2.14 it runs in Rust and costs less than
    # Record.model_construct, which fills defaults in Python (3.8 µs against 7.6 µs).
    return Record(
        id=rid, library=library_id, local_id=local_id,
        title=recased, sort_title=_sort_title(recased, title_field, repairs),
        subtitle=recase_title(subtitle, known) if subtitle else None,
        part=part, responsibility=responsibility, uniform_title=uniform,
        authors=names.authors(headings), year=publication_year(marc, pub),
        publisher=publisher_part(pub, "b"), place=publisher_part(pub, "a"),
        edition=edition, pages=values.pages_from_extent(extent),
        isbn=isbn, invalid_isbn=invalid_isbn, issn=issn, invalid_issn=invalid_issn,
        other_ids=_other_ids(marc), language=record_language(marc, f"{title} {subtitle or ''}", repairs),
        subjects=_subjects(marc),
        classification=_classification(marc), material_type=material_type(marc),
        host=host_line(host) if host else None, host_item=host,
        links=online_links(marc),
        series=_series(marc), notes=_notes(marc),
        alternate_titles=_alternate_titles(alternates, title) if alternates else [], names=headings,
        other_titles=_other_titles(marc, title),
        holdings=holdings,
        source_format=source_format, encoding=marc.encoding, repairs=repairs,
    )
