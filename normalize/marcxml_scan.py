"""A fast reader for the one MARCXML shape harvesters store, with lxml as the judge.

Harvested payloads are `etree.tostring` of one `<record>`: the same elements,
attribute order and quoting every time.  Building lxml's element proxies costs
more than all of the MARC mapping, so this module reads that shape with one
regular expression and gives up (returns None) on anything else: a prefix, a
comment, CDATA, a character reference, single quotes, a carriage return
(which XML would normalise), an empty or self-closed element, a tag or
subfield code that MARC 21 does not allow, a record over a megabyte.  The
caller then parses with lxml, which also decides whether the XML is
well-formed and names the bad tags and codes; a record read here needs no
such note.  Tests check that both readers give the same fields on every
fixture record and on generated ones.
"""

from __future__ import annotations

import re
from operator import itemgetter

from normalize.marcrecord import Field

_WS = "[ \t\n]*+"
_ATTR = '[^"<&\t\n\r]'
# MARC 21 tags and subfield codes (normalize/structure.py): only these are read here.
_TAG = "[0-9A-Za-z]{3}"
_CODE = "[0-9a-z]"
_HEAD_RE = re.compile(r'<record(?: xmlns="http://www\.loc\.gov/MARC21/slim")?>')


def _field_pattern(group: str) -> str:
    """A datafield, controlfield or leader; `group` is "(" for capturing groups, "(?:" for none."""
    g = group
    subfields = rf'(?:{_WS}<subfield code="{_CODE}">[^<]*+</subfield>)++'
    return (rf'<datafield tag="{g}{_TAG})" ind1="{g}{_ATTR})" ind2="{g}{_ATTR})">{g}{subfields}){_WS}</datafield>'
            rf'|<controlfield tag="{g}{_TAG})">{g}[^<]*+)</controlfield>'
            rf"|{g}<leader>){g}[^<]*+)</leader>")


# The whole body of the record must be these elements and whitespace, nothing else.
# findall skips what does not match, so each match also captures itself with the
# whitespace before it: the matches cover the body exactly when their lengths add up
# to it.  One pass of C, no Python loop per element and no second regex over the record.
_FIELD_RE = re.compile(f"({_WS}(?:{_field_pattern('(')}))")
_SUBFIELD_RE = re.compile(rf'<subfield code="({_CODE})">([^<]*+)</subfield>')
_ELEMENT = itemgetter(0)  # a match's own text, whitespace before it included
_ENTITY_RE = re.compile(r"&(lt|gt|amp|quot|apos);")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}

# Ten times what ISO 2709 allows a record.  The scan's captures hold a text node three times over
# (the element, its body, the subfield), lxml's tree once: a larger record, a freak, is read by lxml.
SCAN_MAX_BYTES = 1_000_000

ScanResult = tuple[str, list[Field], dict[str, list[Field]]]


class _Unreadable(Exception):
    pass


def _text(value: str) -> str:
    if "&" not in value:
        return value
    if "&" in _ENTITY_RE.sub("", value):
        raise _Unreadable  # a character reference or an unknown entity: lxml decides
    return _ENTITY_RE.sub(lambda m: _ENTITIES[m.group(1)], value)


def scan_marcxml(payload: bytes) -> ScanResult | None:
    """Leader, fields and fields by tag of a plain harvested <record>, or None to use lxml.

    Call it only on payloads without C0 control bytes (those go through lxml's
    Private Use Area path in normalize/marc.py).
    """
    if not payload.startswith(b"<record") or len(payload) > SCAN_MAX_BYTES:
        return None
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\r" in text or "]]>" in text or "\ufffe" in text or "\uffff" in text:
        return None  # what XML forbids or rewrites in text, and what only lxml can judge
    head = _HEAD_RE.match(text)
    end = text.rfind("</record>")
    if head is None or end < 0 or text[end + 9:].strip(" \t\n"):
        return None
    try:
        return _scan(text, head.end(), end)
    except _Unreadable:
        return None


def _scan(text: str, pos: int, end: int) -> ScanResult:
    found = _FIELD_RE.findall(text, pos, end)
    body_end = end
    while body_end > pos and text[body_end - 1] in " \t\n":
        body_end -= 1
    if sum(map(len, map(_ELEMENT, found))) != body_end - pos:
        raise _Unreadable
    escaped = "&" in text
    leader = ""
    fields: list[Field] = []
    by_tag: dict[str, list[Field]] = {}
    new = tuple.__new__  # Field(...) with keywords costs a microsecond per field
    for _, tag, ind1, ind2, body, control_tag, control_text, leader_mark, leader_text in found:
        if body:
            subs = _SUBFIELD_RE.findall(body)
            if escaped:
                subs = [(code, _text(value)) for code, value in subs]
            field = new(Field, (tag, ind1, ind2, tuple(subs), ""))
        elif leader_mark:
            leader = _text(leader_text) if escaped else leader_text
            continue
        else:
            field = new(Field, (control_tag, " ", " ", (), _text(control_text) if escaped else control_text))
        fields.append(field)
        same_tag = by_tag.get(field[0])
        if same_tag is None:
            by_tag[field[0]] = [field]
        else:
            same_tag.append(field)
    return leader, fields, by_tag
