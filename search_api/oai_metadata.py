"""A union record as MARCXML and as Dublin Core, the two forms the OAI-PMH feed offers.

MARCXML is what union catalogues above ours (the national one) load; each holding a
library's record lists (a copy: Koha's 952 item, or an 852) is an 852 field.  The record is
written from the union record's fields, with ISBD punctuation as Vietnamese MARC 21 practice
keeps it in the data; what the union record does not know (cataloguing level, country of
publication) is coded as unknown rather than guessed.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from store.classes import class_parts
from store.feed import unix_seconds, vietnam_day
from store.xmlns import DC_NS, MARC_NS, OAI_DC_NS

MARC_SCHEMA = "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

# Material type → leader/06 (type of record), leader/07 (bibliographic level): normalize's mapping reversed.
_LEADER_TYPE: dict[str, tuple[str, str]] = {
    "book": ("a", "m"), "thesis": ("a", "m"), "serial": ("a", "s"), "article": ("a", "b"), "manuscript": ("t", "m"),
    "score": ("c", "m"), "music": ("j", "m"), "map": ("e", "m"), "video": ("g", "m"), "sound": ("i", "m"),
    "visual": ("k", "m"), "ebook": ("a", "m"), "electronic": ("m", "m"), "kit": ("o", "m"), "mixed": ("p", "c"), "object": ("r", "m"),
}
# Material type → DCMI Type Vocabulary term for dc:type.
_DCMI_TYPE: dict[str, str] = {
    "book": "Text", "ebook": "Text", "thesis": "Text", "serial": "Text", "article": "Text", "manuscript": "Text", "score": "Text", "map": "Image",
    "visual": "StillImage", "video": "MovingImage", "music": "Sound", "sound": "Sound",
    "electronic": "Dataset", "kit": "Collection", "mixed": "Collection", "object": "PhysicalObject",
}
_CLASSIFICATION_TAGS = {"DDC": ("082", "04"), "UDC": ("080", "  "), "LCC": ("050", " 4")}
_NAME_TAGS = {"personal": ("100", "700"), "corporate": ("110", "710"), "meeting": ("111", "711")}
# What XML 1.0 cannot carry, escaped or not: C0 controls but tab, LF and CR; U+FFFE, U+FFFF.
_NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str, replacement: str = "") -> str:
    """`value` without the characters XML 1.0 forbids (lxml refuses them: the whole response was a 500).

    In catalogue data they are debris of a legacy encoding and are dropped; a request's argument
    gets U+FFFD instead, so that it stays a value no record or verb has.
    """
    return _NOT_XML_RE.sub(replacement, value)


def marcxml(data: dict[str, Any], datestamp: str, created: str, record_url: str,
            former_ids: tuple[str, ...] = ()) -> etree._Element:
    """The union record (its JSON form) as one MARCXML <record>; `datestamp`: its last change (005),
    `created`: when it came into the catalogue (008/00-05), both ISO 8601 UTC; `former_ids`: the union
    records merged into it, whose 001 they were (035 $z, canceled control number)."""
    record = etree.Element(f"{{{MARC_NS}}}record", nsmap={"marc": MARC_NS, "xsi": XSI_NS})
    record.set(f"{{{XSI_NS}}}schemaLocation", f"{MARC_NS} {MARC_SCHEMA}")
    kind, level = _LEADER_TYPE.get(data.get("material_type") or "book", ("a", "m"))
    if level == "b" and _in_a_book(data.get("host_item") or {}):
        level = "a"  # a chapter: a monographic component part
    # Encoding level u (unknown) and cataloguing form u: a merged record claims no standard of its own.
    etree.SubElement(record, f"{{{MARC_NS}}}leader").text = f"00000n{kind}{level} a2200000uu 4500"
    _control(record, "001", data["id"])
    _control(record, "005", datestamp.replace("-", "").replace(":", "").replace("T", "").rstrip("Z") + ".0")
    _control(record, "008", _field_008(data, created))
    for isbn in data.get("isbn") or ():
        _datafield(record, "020", "  ", [("a", isbn)])
    for isbn in data.get("invalid_isbn") or ():
        _datafield(record, "020", "  ", [("z", isbn)])
    for issn in data.get("issn") or ():
        _datafield(record, "022", "  ", [("a", issn)])
    for issn in data.get("invalid_issn") or ():
        _datafield(record, "022", "  ", [("y", issn)])
    for other in data.get("other_ids") or ():
        _datafield(record, "035", "  ", [("a", other)])
    for former in former_ids:  # the harvester got a deletion for it: this says where its record went
        _datafield(record, "035", "  ", [("z", former)])
    for value in data.get("classification") or ():
        scheme, number = class_parts(value)
        tag, indicators = _CLASSIFICATION_TAGS.get(scheme, ("084", "  "))
        extra = [("2", scheme)] if tag == "084" and scheme not in ("local", "") else []
        _datafield(record, tag, indicators, [("a", number), *extra])
    names = _names(data)
    main = next((n for n in names if n.get("role") == "main"), None)
    if main is not None:
        _name(record, main, 0)
    if data.get("uniform_title"):
        _datafield(record, "240" if main else "130", "10" if main else "0 ", [("a", data["uniform_title"])])
    _datafield(record, "245", ("1" if main else "0") + "0", _title_subfields(data))
    for title in (*(data.get("alternate_titles") or ()), *(data.get("other_titles") or ())):
        _datafield(record, "246", "3 ", [("a", title)])
    if data.get("edition"):
        _datafield(record, "250", "  ", [("a", data["edition"])])
    imprint = [(code, value) for code, value in (("a", data.get("place")), ("b", data.get("publisher")),
                                                 ("c", str(data["year"]) if data.get("year") else None)) if value]
    if imprint:
        _datafield(record, "264", " 1", _punctuated(imprint, {"b": " :", "c": ","}))
    if data.get("pages"):
        _datafield(record, "300", "  ", [("a", f"{data['pages']} tr.")])
    for series in data.get("series") or ():
        _datafield(record, "490", "0 ", [("a", series)])
    for note in data.get("notes") or ():
        _datafield(record, "500", "  ", [("a", note)])
    for subject in data.get("subjects") or ():
        head, *subdivisions = [part.strip() for part in subject.split("--") if part.strip()] or [subject]
        _datafield(record, "650", " 4", [("a", head), *(("x", part) for part in subdivisions)])
    for name in names:
        if name is not main:
            _name(record, name, 1)
    # A union record merged before MERGE_RULES_VERSION 30 has `host` alone: the next dedupe run (a full one,
    # for that version) gives it the parts, and a new datestamp, so a harvester receives its 773 then.
    if data.get("host_item"):
        _datafield(record, "773", "0 ", _host_subfields(data["host_item"]))
    for holding in data.get("holdings") or ():
        _datafield(record, "852", "  ", [(code, holding.get(key)) for code, key in (
            ("a", "library_name"), ("b", "location"), ("h", "call_number"), ("p", "barcode"), ("u", "opac_url"))
            if holding.get(key)])
    for link in data.get("links") or ():  # the resource itself online (an e-book, a thesis's full text)
        _datafield(record, "856", "40", [(code, value) for code, value in (("u", link.get("url")),
                                                                          ("y", link.get("label"))) if value])
    _datafield(record, "856", "42", [("u", record_url), ("y", "Mục lục liên hợp")])
    return record


def oai_dc(data: dict[str, Any], record_url: str, former_identifiers: tuple[str, ...] = ()) -> etree._Element:
    """The union record as simple Dublin Core; what it does not know is left out.  `former_identifiers`:
    the OAI identifiers of the records merged into it, dc:identifier because they described this same
    resource (dc:relation would name another one), and the harvester holds them, listed as deleted."""
    dc = etree.Element(f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS})
    dc.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")
    title = data["title"] + (f" : {data['subtitle']}" if data.get("subtitle") else "") + \
        (f". {data['part']}" if data.get("part") else "")
    values = [("title", title), *(("creator", a) for a in data.get("authors") or ()),
              *(("subject", s) for s in data.get("subjects") or ()),
              *(("description", n) for n in data.get("notes") or ()),
              ("publisher", data.get("publisher")), ("date", str(data["year"]) if data.get("year") else None),
              ("type", _DCMI_TYPE.get(data.get("material_type") or "")), ("language", data.get("language")),
              *(("identifier", f"URN:ISBN:{isbn}") for isbn in data.get("isbn") or ()),
              *(("identifier", f"URN:ISSN:{issn}") for issn in data.get("issn") or ()),
              *(("identifier", link.get("url")) for link in data.get("links") or ()),
              ("source", data.get("host")),  # an article's journal and issue
              ("identifier", record_url), *(("identifier", former) for former in former_identifiers)]
    for name, value in values:
        if value:
            etree.SubElement(dc, f"{{{DC_NS}}}{name}").text = xml_text(value)
    return dc


def _names(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The name headings; a union record from before `names` existed has only display forms."""
    names = data.get("names") or []
    if names:
        return names
    return [{"name": author, "kind": "personal", "role": "main" if i == 0 else "added"}
            for i, author in enumerate(data.get("authors") or ())]


def _name(record: etree._Element, name: dict[str, Any], added: int) -> None:
    kind = name.get("kind") or "personal"
    tag = _NAME_TAGS.get(kind, _NAME_TAGS["personal"])[added]
    # Personal names: ind1 1 for an inverted "Hugo, Victor", 0 for a direct order (Vietnamese "Nguyễn Du").
    first = ("1" if ", " in name["name"] else "0") if kind == "personal" else "2"
    subfields = [("a", name["name"])]
    if name.get("dates"):
        subfields.append(("d", name["dates"]))
    for relator in name.get("relators") or ():
        is_code = len(relator) == 3 and relator.isascii() and relator.isalpha() and relator.islower()
        subfields.append(("4" if is_code else "e", relator))
    _datafield(record, tag, first + " ", subfields)


def _host_subfields(host: dict[str, Any]) -> list[tuple[str, str]]:
    """773 Host Item Entry as MARC 21 has it (https://www.loc.gov/marc/bibliographic/bd773.html): $a main
    entry, $t title, $d imprint, $g related parts (volume, issue, pages), $x ISSN, $z ISBN, $w the host's
    record; first indicator 0, display the note ("In: …")."""
    subfields = [("a", host.get("main_entry")), ("t", host.get("title")), ("d", host.get("imprint")),
                 *(("g", part) for part in host.get("related_parts") or ()), ("x", host.get("issn")),
                 *(("z", isbn) for isbn in host.get("isbn") or ()),
                 *(("w", number) for number in host.get("control_numbers") or ())]
    return [(code, value) for code, value in subfields if value]


def _title_subfields(data: dict[str, Any]) -> list[tuple[str, str]]:
    subfields = [("a", data["title"])]
    if data.get("subtitle"):
        subfields.append(("b", data["subtitle"]))
    if data.get("part"):
        subfields.append(("n", data["part"]))
    if data.get("responsibility"):
        subfields.append(("c", data["responsibility"]))
    return _punctuated(subfields, {"b": " :", "n": ".", "c": " /"})


def _punctuated(subfields: list[tuple[str, str]], before: dict[str, str]) -> list[tuple[str, str]]:
    """ISBD punctuation at the end of each subfield, as the next subfield's code asks ("Title :" $b …)."""
    out = []
    for index, (code, value) in enumerate(subfields):
        following = subfields[index + 1][0] if index + 1 < len(subfields) else None
        out.append((code, value + before.get(following, "") if following else value))
    return out


def _in_a_book(host: dict) -> bool:
    """Whether a component part's host is a book, not a serial: its member said so (leader/07 a), or it
    names an ISBN and no ISSN.  Normalize reads both leader/07 values a and b (monographic and serial
    component parts) as an article."""
    return bool(host.get("in_book")) or (bool(host.get("isbn")) and not host.get("issn"))


def _field_008(data: dict[str, Any], created: str) -> str:
    """40 characters: date entered (the day in Vietnam, as the record page says), date type and
    date 1, place unknown (xx), language; the rest "no attempt" (|)."""
    entered = vietnam_day(unix_seconds(created)).replace("-", "")[2:]
    year = str(data["year"]) if data.get("year") and 0 < data["year"] < 10000 else None
    dates = f"s{year.zfill(4)}    " if year else "nuuuuuuuu"
    language = (data.get("language") or "und")[:3].ljust(3)
    form = "o" if data.get("material_type") == "ebook" else "|"  # 23, form of item: online, as normalize read it
    return f"{entered}{dates}xx {'|' * 5}{form}{'|' * 11}{language} d"


def _control(record: etree._Element, tag: str, value: str) -> None:
    etree.SubElement(record, f"{{{MARC_NS}}}controlfield", tag=tag).text = xml_text(value)


def _datafield(record: etree._Element, tag: str, indicators: str, subfields: list[tuple[str, str]]) -> None:
    if not subfields:
        return
    field = etree.SubElement(record, f"{{{MARC_NS}}}datafield", tag=tag, ind1=indicators[0], ind2=indicators[1])
    for code, value in subfields:
        etree.SubElement(field, f"{{{MARC_NS}}}subfield", code=code).text = xml_text(value)
