"""Map one <oai_dc:dc> element to a Record.

Dublin Core says little; what it does not say stays empty (no guessed year,
publisher or material type).
"""

from __future__ import annotations

import re

from lxml import etree

from config import LibraryConfig
from store import Holding, Record, record_id
from store.straybytes import may_hold_stray_bytes
from store.xmlns import DC_NS

from normalize import legacy, values
from normalize.errors import RecordError
from normalize.holdings import opac_id
from normalize.isbn import misdigited_note, parse_isbns, plain_number, to_isbn13
from normalize.limits import cut_at_word, cut_note, cut_text
from normalize.eightbit import decode_8bit, read_stray_bytes, stray_bytes_note
from normalize.text import clean_field, clean_note, recase_title

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, encoding="utf-8")  # as marc.py
_DC_TYPES = {
    "text": "book", "book": "book", "sách": "book", "still image": "visual", "stillimage": "visual",
    "image": "visual", "sound": "sound", "moving image": "video", "movingimage": "video",
    "software": "electronic", "dataset": "electronic", "interactiveresource": "electronic",
    "physical object": "object", "physicalobject": "object", "collection": "mixed",
    "map": "map", "cartographic": "map", "serial": "serial", "journal": "serial", "periodical": "serial",
    "musical score": "score", "score": "score", "manuscript": "manuscript",
    # DSpace's types and the Vietnamese words repositories and Koha users type.
    "thesis": "thesis", "dissertation": "thesis", "luận văn": "thesis", "luận án": "thesis", "khóa luận": "thesis",
    "khoá luận": "thesis", "giáo trình": "book", "tài liệu": "book", "tạp chí": "serial", "báo": "serial",
    "bản đồ": "map", "hình ảnh": "visual", "ảnh": "visual", "âm thanh": "sound", "phim": "video",
}
# "Luận văn thạc sĩ", "Luận án tiến sĩ": a type word, then what kind of one.
_DC_TYPE_HEADS = tuple(name for name in _DC_TYPES if " " in name and not name.isascii())


# An extent that counts maps or atlases ("1 bản đồ", "1 tập bản đồ (32 tr.)", "2 maps"), what MARC
# catalogues as cartographic (leader/06 e, as the same map's MARC copies in the demo are); not
# maps among a book's other details ("200 tr. : bản đồ"), which come after the " : ".
_MAP_EXTENT_RE = re.compile(r"^\s*(?:\d+|một)?\s*(?:tập\s+)?(?:bản\s+đồ|maps?|atlas(?:es)?|atlat)\b", re.IGNORECASE)


def _material_type(types: list[str], formats: list[str]) -> str:
    """The material type the dc:types name; a specific one ("Thesis") over DCMI's general "Text".

    A map is cartographic whatever general type it is given: Koha writes DCMI "Image" for a map,
    and the same map catalogued in MARC is a map, so "Image" would split it from its MARC copies.
    """
    kinds = [kind for value in types if (kind := _DC_TYPES.get(_type_key(value)))]
    if "map" in kinds or any(_MAP_EXTENT_RE.match(value) for value in formats):
        return "map"
    return next((kind for kind in kinds if kind != "book"), kinds[0] if kinds else "unknown")


def _type_key(value: str) -> str:
    key = value.lower()
    return next((head for head in _DC_TYPE_HEADS if key.startswith(head + " ")), key)


def _elements(payload: bytes) -> tuple[dict[str, list[str]], list[str]]:
    repairs: list[str] = []
    try:
        payload.decode("utf-8")
    except UnicodeDecodeError:
        text, encoding = decode_8bit(payload)
        payload = text.encode("utf-8")
        repairs.append(f"oai_dc was not UTF-8; read as {encoding}")
    try:
        root = etree.fromstring(payload, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise RecordError(f"oai_dc is not well-formed XML ({exc}); fix or re-export the record at the source") from exc
    found: dict[str, list[str]] = {}
    elements = list(root.iter(f"{{{DC_NS}}}*"))
    if not elements and (elements := _dc_named_elements(root)):
        namespace = etree.QName(elements[0]).namespace
        repairs.append(f"Dublin Core elements in {f'namespace {namespace}' if namespace else 'no namespace'}, "
                       f"not {DC_NS}; read as Dublin Core")
    languages = {values.language_code(e.text or "") for e in elements if etree.QName(e).localname == "language"}
    nordic = bool(languages & legacy.NOT_LEGACY_LANGUAGES)  # see legacy.NOT_LEGACY_LANGUAGES
    stray = may_hold_stray_bytes(payload)  # bytes the harvester kept (store/straybytes.py)
    texts: list[tuple[str, str]] = []
    for element in elements:
        text = "".join(element.itertext())
        name = etree.QName(element).localname
        if (short := cut_text(text)) is not text:  # before the costly steps: normalize/limits.py
            repairs.append(cut_note(f"dc:{name}", len(text), len(short), cut_at_word(text, short)))
            text = short
        if stray and (read := read_stray_bytes([text])):
            [text], stray_encoding, count = read
            repairs.append(stray_bytes_note(f"dc:{name}", stray_encoding, count))
        texts.append((name, text))
    # One font a record, as in MARC (normalize/from_marc.py: repair_legacy_fields).
    field_readings = [() if nordic else legacy.readings(text) for _, text in texts]
    encoding = legacy.record_encoding(field_readings)
    has_unicode = legacy.holds_unicode(text for _, text in texts)
    for (name, text), reads in zip(texts, field_readings):
        fixed, how = _repair_legacy(text, encoding, reads, has_unicode)
        if how is not None:
            repairs.append(f"dc:{name}: {encoding} → Unicode{how}")
        cleaned = clean_note(fixed) if name == "description" else clean_field(fixed)
        if cleaned:
            found.setdefault(name, []).append(cleaned)
    return found, repairs


# The fifteen elements of Dublin Core 1.1; dcterms repeats them under its own namespace.
_DC_NAMES = frozenset({"title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
                       "format", "identifier", "source", "language", "relation", "coverage", "rights"})


def _dc_named_elements(root: etree._Element) -> list[etree._Element]:
    """The elements under `root` named as Dublin Core's fifteen but in another namespace (none, oai_dc's,
    dcterms), as home-made providers write them: read as what their names say, not rejected as titleless."""
    return [child for child in root.iter() if child is not root and isinstance(child.tag, str)
            and etree.QName(child).localname in _DC_NAMES]


def _repair_legacy(text: str, encoding: legacy.Legacy | None, reads: legacy.Readings,
                   record_has_unicode: bool) -> tuple[str, str | None]:
    """`text` (which `reads` as `legacy.readings` gave) converted from the record's legacy `encoding`,
    and how the note should say it was."""
    if encoding is None:
        return text, None
    if encoding in dict(reads):
        return legacy.convert(text, encoding), ""
    converted = legacy.convert_in_context(text, encoding, record_has_unicode)
    return (text, None) if converted is None else (converted, " (record context)")


# An unlabelled identifier is an ISBN only when the whole value is one, perhaps with the
# qualifier 020 $a carries after it ("9786040000002 (bìa mềm)", "... : 45000đ").
_QUALIFIER_RE = re.compile(r"\s*[(:;].*$")


def _isbns(identifiers: list[str], repairs: list[str]) -> tuple[list[str], list[str]]:
    """(valid ISBN-13s, other ISBNs) of dc:identifier; a misdigited one labelled ISBN is noted in `repairs`."""
    valid: list[str] = []
    invalid: list[str] = []
    for value in identifiers:
        if "ISBN" in value.upper():
            parsed = parse_isbns(value)
            valid += [i for i in parsed.valid if i not in valid]
            invalid += [i for i in parsed.invalid + parsed.misdigited if i not in invalid]
            repairs += [misdigited_note("dc:identifier", digits) for digits in parsed.misdigited]
            continue
        compact = plain_number(_QUALIFIER_RE.sub("", value)).replace("-", "").replace(" ", "").upper()
        if len(compact) in (10, 13) and (isbn := to_isbn13(compact)) and isbn not in valid:
            valid.append(isbn)
    return valid, invalid


# A repository's timestamp (DSpace's dc.date.accessioned/available), not a date a cataloguer typed.
_TIMESTAMP_RE = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d")


def _year(dates: list[str]) -> tuple[int | None, str | None]:
    """(year, repair note): the first year a cataloguer typed ("1998", "2015-03", "c2015").

    DSpace writes dc.date.accessioned and dc.date.available, full timestamps of when
    the item entered the repository, before dc.date.issued; they are passed over.
    When only timestamps are given the year stays empty, with a note: the deposit
    date is not the publication date, and dedupe compares years exactly.
    """
    typed = [value for value in dates if not _TIMESTAMP_RE.match(value)]
    year = next((y for value in typed if (y := values.year_from_text(value))), None)
    if year is None and len(typed) < len(dates):
        return None, "dc:date: only repository timestamps, no publication date; year left empty"
    return year, None


# Koha's MARC21slim2OAIDC.xsl writes the whole 100/700 as dc:creator: the name, then its
# dates and relator after a comma ("Hugo, Victor, 1802-1885, author.").
_NAME_DATES_RE = re.compile(r",\s*(?:(?:b|d|fl|ca)\.\s*)?\d{3,4}\b.*$")


def _creator(value: str) -> str:
    """The display name of a dc:creator, as the MARC path gives it (no dates, no relator)."""
    name = values.split_typed_role(values.display_name(_NAME_DATES_RE.sub("", value)))[0]
    return values.without_academic_title(name)


_TRAILING_YEAR_RE = re.compile(r",\s*\[?c?\d{4}\??\]?\.?\s*$")


def _imprint(publishers: list[str]) -> tuple[str | None, str | None]:
    """(publisher, place) from the first dc:publisher that names a publisher.

    Koha's XSLT writes 260 $a $b as one dc:publisher, "Tp. Hồ Chí Minh : Nxb. Trẻ,":
    ISBD's " : " parts the place from the publisher (and " ; " a second place).
    """
    for value in publishers:
        place, colon, name = value.partition(" : ")
        if not colon:
            place, name = "", value
        # "H. : Giáo dục, 2019": a typed imprint may end with its year ($c), which is dc:date's.
        name = clean_field(_TRAILING_YEAR_RE.sub("", re.split(r" [:;] ", name)[0]))
        place = clean_field(place)
        if name and not values.unknown_publisher(name):
            return name, place if place and not values.unknown_publisher(place) else None
    return None, None


def record_from_dc(payload: bytes, library_id: str, local_id: str,
                   library: LibraryConfig | None = None) -> Record:
    """The Record of one oai_dc payload; RecordError when it has no dc:title."""
    dc, repairs = _elements(payload)
    titles = dc.get("title", [])
    if not titles:
        raise RecordError("no dc:title in the oai_dc record; add the title in the library system")
    title, _, subtitle = titles[0].partition(" : ")
    recased = recase_title(title.strip())
    if recased != title.strip():
        repairs.append("dc:title: all capitals → sentence case")
    isbn, invalid_isbn = _isbns(dc.get("identifier", []), repairs)
    language = next((code for v in dc.get("language", []) if (code := values.language_code(v))), None)
    year, year_note = _year(dc.get("date", []))
    if year_note:
        repairs.append(year_note)
    publisher, place = _imprint(dc.get("publisher", []))
    kind = _material_type(dc.get("type", []), dc.get("format", []))
    rid = record_id(library_id, local_id)
    opac_url = library.opac_link(opac_id(local_id, "", library.opac_by_oai_identifier)) if library is not None else None
    return Record(
        id=rid, library=library_id, local_id=local_id, title=recased,
        subtitle=subtitle.strip() or None, authors=list(dict.fromkeys(_creator(a) for a in dc.get("creator", []))),
        year=year, publisher=publisher, place=place,
        isbn=isbn, invalid_isbn=invalid_isbn,
        language=language, material_type=kind,
        subjects=list(dict.fromkeys(term for value in dc.get("subject", []) for term in values.keywords(value))),
        notes=list(dict.fromkeys(dc.get("description", []))),
        holdings=[Holding(library=library_id, record_id=rid, opac_url=opac_url)],
        source_format="oai_dc", encoding="utf-8", repairs=repairs,
    )
