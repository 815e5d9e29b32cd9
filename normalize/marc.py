"""A light MARC record and the MARCXML reader that fills it (ISO 2709: normalize/iso2709.py).

pymarc's objects and its XML reader are slow for a nightly run over every record
of the province; normalize only needs tags, indicators and subfield pairs, so it
reads straight into tuples.  ISO 2709 decoding uses pymarc's MARC-8 table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from lxml import etree

from normalize.errors import RecordError

MARC_NS = "http://www.loc.gov/MARC21/slim"
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


# ---- MARCXML --------------------------------------------------------------------------

# XML 1.0 forbids C0 controls, but TCVN3 keeps capitals (Ụ, Ừ, Ữ ...) in bytes 0x01-0x17.
# They are moved to the Private Use Area for parsing and moved back afterwards, so the
# legacy repair still sees them.
_XML_CONTROL_RE = re.compile(rb"[\x01-\x08\x0b\x0c\x0e-\x1f]")
_PUA_BASE = 0xE000
# The harvester keeps such characters of OAI-PMH responses as Unicode "control
# pictures" (U+2400 + code, see harvester/oaixml.py); they are mapped back too.
_CONTROL_PICTURES_BASE = 0x2400
_CONTROL_PICTURE_UTF8 = b"\xe2\x90"
_FROM_PUA = {_PUA_BASE + c: chr(c) for c in range(0x20)} | {_CONTROL_PICTURES_BASE + c: chr(c) for c in range(1, 0x20)}
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, encoding="utf-8")


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _to_pua(match: re.Match[bytes]) -> bytes:
    return chr(_PUA_BASE + match.group(0)[0]).encode("utf-8")


_DATAFIELD = {f"{{{MARC_NS}}}datafield", "datafield"}
_CONTROLFIELD = {f"{{{MARC_NS}}}controlfield", "controlfield"}
_RECORD = {f"{{{MARC_NS}}}record", "record"}
_SUBFIELD = {f"{{{MARC_NS}}}subfield", "subfield"}
_LEADER = {f"{{{MARC_NS}}}leader", "leader"}


def parse_marcxml(payload: bytes) -> MarcRecord:
    """Read one MARCXML <record> (namespaced or not) into a MarcRecord."""
    repairs: list[str] = []
    had_controls = _XML_CONTROL_RE.search(payload) is not None or _CONTROL_PICTURE_UTF8 in payload
    if had_controls:
        payload = _XML_CONTROL_RE.sub(_to_pua, payload)
    try:
        root = etree.fromstring(payload, _PARSER)
    except etree.XMLSyntaxError as exc:
        root = None
        error = exc
        try:
            payload.decode("utf-8")
        except UnicodeDecodeError as bad:
            # Old exports write cp1252 (or raw TCVN3) bytes under a UTF-8 declaration.
            repairs.append(f"MARCXML was not UTF-8 (byte {bad.start}); read as cp1252")
            try:
                root = etree.fromstring(decode_cp1252(payload).encode("utf-8"), _PARSER)
            except etree.XMLSyntaxError as exc2:
                error = exc2
        if root is None:
            raise RecordError(f"MARCXML is not well-formed XML ({error}); "
                              "fix or re-export the record at the source") from error
    if root.tag not in _RECORD:
        found = root.find(f".//{{{MARC_NS}}}record")
        if found is None:
            found = root.find(".//record")
        if found is None:
            raise RecordError(f"no MARCXML <record> element (root element is <{_local(root.tag)}>); "
                              "check the library's metadata_prefix")
        root = found
    leader = ""
    fields: list[Field] = []
    for child in root:
        tag = child.tag
        if tag in _DATAFIELD:
            get = child.get
            subs = tuple((sf.get("code") or " ", sf.text or "") for sf in child if sf.tag in _SUBFIELD)
            fields.append(Field(get("tag") or "", get("ind1") or " ", get("ind2") or " ", subs))
        elif tag in _CONTROLFIELD:
            fields.append(Field(child.get("tag") or "", data=child.text or ""))
        elif tag in _LEADER:
            leader = child.text or ""
    if had_controls:
        fields = [_field_from_pua(f) for f in fields]
    return MarcRecord(leader=leader.ljust(LEADER_LEN)[:LEADER_LEN], fields=fields, repairs=repairs)


def _field_from_pua(f: Field) -> Field:
    return f._replace(subfields=tuple((c, v.translate(_FROM_PUA)) for c, v in f.subfields),
                      data=f.data.translate(_FROM_PUA))


# cp1252 leaves five bytes undefined; they are read as Latin-1 so nothing is lost.
_CP1252_FROM_LATIN1 = {b: bytes([b]).decode("cp1252") for b in range(0x80, 0xA0)
                       if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}


def decode_cp1252(data: bytes) -> str:
    """Bytes as cp1252, never failing: how legacy-font text reached most databases."""
    return data.decode("latin-1").translate(_CP1252_FROM_LATIN1)
