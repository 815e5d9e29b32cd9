"""A light MARC record and the MARCXML reader that fills it (ISO 2709: normalize/iso2709.py).

pymarc's objects and its XML reader are slow for a nightly run over every record
of the province; normalize only needs tags, indicators and subfield pairs, so it
reads straight into tuples.  ISO 2709 decoding uses pymarc's MARC-8 table.
"""

from __future__ import annotations

import re

from lxml import etree

from store.straybytes import may_hold_stray_bytes

from normalize.eightbit import decode_8bit, decode_cp1252, read_stray_bytes, stray_bytes_note
from normalize.errors import RecordError
from normalize.limits import cut_long_fields
from normalize.marcrecord import LEADER_LEN, Field, MarcRecord
from normalize.marcxml_scan import scan_marcxml
from normalize.structure import leader_problems, marcxml_problems
from store.xmlns import MARC_NS, MARCXCHANGE_NS

__all__ = ["LEADER_LEN", "MARC_NS", "Field", "MarcRecord", "decode_cp1252", "parse_marcxml"]

# A MarcXchange record's `format` attribute says which MARC it is in ("MARC21", or danMARC2,
# UNIMARC ... which this mapping cannot read).
_NAMESPACES = (MARC_NS, MARCXCHANGE_NS)


# ---- MARCXML --------------------------------------------------------------------------

# XML 1.0 forbids C0 controls, but TCVN3 keeps capitals (Ụ, Ừ, Ữ ...) in bytes 0x01-0x17.
# They are moved to the Private Use Area for parsing and moved back afterwards, so the
# legacy repair still sees them.
_XML_CONTROL_RE = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1f]")
_XML_CONTROL_BYTES = bytes([*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_PUA_BASE = 0xE000
# The harvester keeps such characters of OAI-PMH responses as Unicode "control
# pictures" (U+2400 + code, see harvester/xmlrepair.py); they are mapped back too.
_CONTROL_PICTURES_BASE = 0x2400
_CONTROL_PICTURE_UTF8 = b"\xe2\x90"
_FROM_PUA = {_PUA_BASE + c: chr(c) for c in range(0x20)} | {_CONTROL_PICTURES_BASE + c: chr(c) for c in range(1, 0x20)}
# huge_tree: a field over 10 MB (a long summary) is data the harvester read, not a broken record.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, encoding="utf-8")


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _to_pua(match: re.Match[bytes]) -> bytes:
    return chr(_PUA_BASE + match.group(0)[0]).encode("utf-8")


_DATAFIELD, _CONTROLFIELD, _RECORD, _SUBFIELD, _LEADER = (
    {name, *(f"{{{ns}}}{name}" for ns in _NAMESPACES)}
    for name in ("datafield", "controlfield", "record", "subfield", "leader"))


def parse_marcxml(payload: bytes) -> MarcRecord:
    """Read one MARCXML <record> (namespaced or not) into a MarcRecord, its absurdly long fields cut."""
    marc = _parse_marcxml(payload)
    marc.repairs += cut_long_fields(marc, len(payload))
    if may_hold_stray_bytes(payload):  # a memchr: most records end here
        _read_stray_bytes(marc)
    return marc


def _read_stray_bytes(marc: MarcRecord) -> None:
    """Read the bytes the harvester kept as code points (store/straybytes.py), field by field, before
    legacy repair sees the fields; one note per field."""
    fields = list(marc.fields)
    notes: list[str] = []
    for i, field in enumerate(fields):
        read = read_stray_bytes([value for _, value in field.subfields] + [field.data])
        if read is None:
            continue
        texts, encoding, count = read
        fields[i] = field._replace(subfields=tuple((code, text) for (code, _), text in zip(field.subfields, texts)),
                                   data=texts[-1])
        codes = [code for (code, value), text in zip(field.subfields, texts) if value != text]
        notes.append(stray_bytes_note(field.tag + "".join(f"${code}" for code in dict.fromkeys(codes)), encoding, count))
    if notes:
        marc.replace_fields(fields)
        marc.repairs += notes


def _parse_marcxml(payload: bytes) -> MarcRecord:
    repairs: list[str] = []
    encoding = "utf-8"
    # bytes.translate is a single C pass, several times faster than a regex search here.
    had_controls = (_CONTROL_PICTURE_UTF8 in payload
                    or len(payload.translate(None, _XML_CONTROL_BYTES)) != len(payload))
    if had_controls:
        payload = _XML_CONTROL_RE.sub(_to_pua, payload)
    else:
        scanned = scan_marcxml(payload)
        if scanned is not None:
            leader, fields, by_tag = scanned
            # The scanner reads only tags and codes MARC 21 allows: the leader is all to check.
            return MarcRecord(leader=leader.ljust(LEADER_LEN)[:LEADER_LEN], fields=fields,
                              repairs=leader_problems(leader), _by_tag=by_tag)
    try:
        root = etree.fromstring(payload, _PARSER)
    except etree.XMLSyntaxError as exc:
        root = None
        error = exc
        try:
            payload.decode("utf-8")
        except UnicodeDecodeError as bad:
            # Old exports write cp1252, cp1258 (or raw TCVN3) bytes under a UTF-8 declaration.
            text, encoding = decode_8bit(payload, _character_data)
            repairs.append(f"MARCXML was not UTF-8 (byte {bad.start}); read as {encoding}")
            try:
                root = etree.fromstring(text.encode("utf-8"), _PARSER)
            except etree.XMLSyntaxError as exc2:
                error = exc2
        if root is None:
            raise RecordError(f"MARCXML is not well-formed XML ({error}); "
                              "fix or re-export the record at the source") from error
    if root.tag not in _RECORD:
        found = None
        for path in [f".//{{{ns}}}record" for ns in _NAMESPACES] + [".//record"]:
            found = root.find(path)
            if found is not None:
                break
        if found is None:
            namespace = etree.QName(root).namespace
            # "<record>" alone contradicted "no <record>" when only the namespace was wrong.
            where = f" in namespace {namespace!r}" if namespace else " in no namespace"
            raise RecordError(f"no MARCXML <record> element (root element is <{_local(root.tag)}>{where}; "
                              f"MARCXML's is {MARC_NS!r}); check the library's metadata_prefix")
        root = found
    record_format = root.get("format") if root.tag == f"{{{MARCXCHANGE_NS}}}record" else None
    if record_format and record_format.replace(" ", "").upper() not in ("MARC21", "MARC-21"):
        raise RecordError(f"MarcXchange record in format {record_format!r}, not MARC 21; unioncat reads MARC 21 "
                          "only: export the library's records as MARC 21 (ISO 2709 or MARCXML)")
    leader, fields, by_tag = _walk(root)
    repairs += marcxml_problems(payload, leader, fields)
    if had_controls:
        fields = [_field_from_pua(f) for f in fields]
        by_tag = None
    return MarcRecord(leader=leader.ljust(LEADER_LEN)[:LEADER_LEN], fields=fields, encoding=encoding,
                      repairs=repairs, _by_tag=by_tag)


_new_field = tuple.__new__  # Field(...) with keywords costs a microsecond per field; this does not


def _walk(root: etree._Element) -> tuple[str, list[Field], dict[str, list[Field]]]:
    """Leader, fields and the fields by tag, in one pass over the <record>'s children.

    This loop runs for every field of every record each night, so it avoids the
    per-element work that lxml makes expensive (attribute dicts, repeated lookups).
    """
    leader = ""
    fields: list[Field] = []
    by_tag: dict[str, list[Field]] = {}
    for child in root:
        tag = child.tag
        if tag in _DATAFIELD:
            get = child.get
            subs = tuple([(sf.get("code") or " ", sf.text or "") for sf in child if sf.tag in _SUBFIELD])
            field = _new_field(Field, (get("tag") or "", get("ind1") or " ", get("ind2") or " ", subs, ""))
        elif tag in _CONTROLFIELD:
            field = _new_field(Field, (child.get("tag") or "", " ", " ", (), child.text or ""))
        else:
            if tag in _LEADER:
                leader = child.text or ""
            continue
        fields.append(field)
        found = by_tag.get(field[0])
        if found is None:
            by_tag[field[0]] = [field]
        else:
            found.append(field)
    return leader, fields, by_tag


def _field_from_pua(f: Field) -> Field:
    return f._replace(subfields=tuple((c, v.translate(_FROM_PUA)) for c, v in f.subfields),
                      data=f.data.translate(_FROM_PUA))


_MARKUP_RE = re.compile(r"<[^>]*>")


def _character_data(xml_text: str) -> list[str]:
    """The text between tags, for choosing how to read a non-UTF-8 payload."""
    return [piece for piece in _MARKUP_RE.split(xml_text) if piece.strip()]
