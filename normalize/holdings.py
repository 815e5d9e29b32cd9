"""Holdings from MARC: Koha's 952, the standard 852, and other per-library tags.

Every record is held by the library that sent it, so a record without a holdings
field still gets one holding (call number from 090 or 082 when present).  A Koha
item marked lost or withdrawn is no copy to send a reader to: it is left out and
counted in a repair note, and a record whose every item is gone is rejected.
"""

from __future__ import annotations

from config import LibraryConfig
from store import Holding
from store.straybytes import with_stray_bytes

from normalize.errors import RecordError
from normalize.marc import Field, MarcRecord
from normalize.text import clean_text

DEFAULT_HOLDINGS_TAGS = ("852", "952")


def _joined(field: Field, *codes: str) -> str | None:
    parts = [v for c, v in field.subfields if c in codes]
    if not parts:
        return None
    return clean_text(parts[0] if len(parts) == 1 else " ".join(parts)) or None


def _from_952(field: Field) -> tuple[str | None, str | None, str | None]:
    """Koha items: $a home branch / $b holding branch, $c shelving location, $o call number, $p barcode."""
    found: dict[str, str] = {}  # each code's values joined with spaces
    for code, value in field.subfields:  # one pass: items are the most numerous fields
        if code in _952_CODES:
            found[code] = f"{found[code]} {value}" if code in found else value
    branch = _cleaned(found.get("a")) or _cleaned(found.get("b"))
    shelf = _cleaned(found.get("c"))
    location = (branch if shelf is None or shelf == branch else f"{branch}, {shelf}" if branch else shelf)
    return _cleaned(found.get("o")), location, _cleaned(found.get("p"))


_952_CODES = frozenset("abcop")


def _lost_or_withdrawn(field: Field) -> bool:
    """Koha's $1 itemlost (1 lost, 2 long overdue, 3 lost and paid for, 4 missing) or $0 withdrawn
    set: anything but empty or "0"."""
    return any(code in ("0", "1") and value.strip() not in ("", "0") for code, value in field.subfields)


def _cleaned(value: str | None) -> str | None:
    return (clean_text(value) or None) if value else None


def _from_852(field: Field) -> list[tuple[str | None, str | None, str | None]]:
    """MARC 852: $b location (+ $c shelving), $k $h $i $m call number, $p barcode.

    Vietnamese MARC 21 (Libol, the National Library's guide) has no $p: each copy's
    accession number (số đăng ký cá biệt, on the copy's label) is a $j, repeated in one
    field per location.  Each $j is then a copy, with that number as its barcode.
    """
    # Prefix, classification, item part, suffix: in that order whatever order the subfields came in.
    call_number = " ".join(part for code in "khim" if (part := _joined(field, code))) or None
    location = ", ".join(x for x in (_joined(field, "b"), _joined(field, "c")) if x) or None
    barcode = _joined(field, "p")
    accessions = [number for value in field.get_all("j") if (number := clean_text(value))] if barcode is None else []
    return [(call_number, location, number) for number in accessions or [barcode]]


def fallback_call_number(marc: MarcRecord) -> str | None:
    """Local call number 090 $a $b, else DDC 082 $a $b (how Vietnamese libraries shelve)."""
    for tag in ("090", "082"):
        for field in marc.get(tag):
            value = _joined(field, "a", "b")
            if value:
                return value.replace("/", "")
    return None


def opac_id(local_id: str, control_001: str = "", by_oai_identifier: bool = False) -> str | bytes:
    """The number a library's OPAC knows a record by: its 001, else the local part of an OAI
    identifier ("oai:tv-tinh:TVT000001" → "TVT000001"), else the local id; as bytes when it holds
    bytes that are not UTF-8, which the OPAC knows as they are (with_stray_bytes).  `by_oai_identifier`
    (a template with `{oai_id}`, LibraryConfig.opac_by_oai_identifier): the OAI identifier's last part
    first, Koha's biblionumber ("oai:koha:57", "KOHA-OAI-TEST:57" → "57"), whatever the 001 says."""
    if by_oai_identifier and ":" in local_id:
        return with_stray_bytes(local_id.rsplit(":", 1)[1])
    if control_001.strip():
        return with_stray_bytes(control_001.strip())
    if local_id.startswith("oai:") and local_id.count(":") >= 2:
        return with_stray_bytes(local_id.split(":", 2)[2])
    return with_stray_bytes(local_id)


def _opac_number(marc: MarcRecord, library: LibraryConfig) -> str:
    """The record's own number in the library's OPAC: the 001, or for `{oai_id}` in a MARC file the
    biblionumber Koha's exports keep in 999 $c (their 001 may be the national library's)."""
    if library.opac_by_koha_biblionumber:
        for field in marc.get("999"):
            if (biblionumber := (field.get("c") or "").strip()):
                return biblionumber
    return marc.control("001")


def holdings_from_marc(marc: MarcRecord, library_id: str, record_id: str,
                       library: LibraryConfig | None, local_id: str) -> tuple[list[Holding], str | None]:
    """The holdings and a repair note naming the lost or withdrawn items left out.

    RecordError when every item is lost or withdrawn and no other holding is left:
    the library has no copy, and a library-level holding would send a reader to it.
    """
    tags = library.holdings_tags if library is not None else DEFAULT_HOLDINGS_TAGS
    # The OPAC knows its records by their own number (001), not by an OAI identifier
    # ("oai:tv-tinh:TVT000001"), which is the local id of OAI-harvested records.
    opac_url = (library.opac_link(opac_id(local_id, _opac_number(marc, library), library.opac_by_oai_identifier))
                if library is not None else None)
    holdings: list[Holding] = []
    items = gone = 0
    for field in marc.get(*tags):
        if not field.subfields:
            continue
        if field.tag == "952":
            items += 1
            if _lost_or_withdrawn(field):
                gone += 1
                continue
        # Other configured tags follow the 852 layout, the MARC standard.
        for call_number, location, barcode in [_from_952(field)] if field.tag == "952" else _from_852(field):
            # An item without its own call number is shelved by the record's (090/082).
            holdings.append(Holding(library=library_id, call_number=call_number or fallback_call_number(marc),
                                    location=location, barcode=barcode, record_id=record_id, opac_url=opac_url))
    if gone and not holdings:
        raise RecordError(f"every item (952, {gone}) is lost ($1) or withdrawn ($0): the library holds no copy; "
                          "the record comes back when an item is available again, or delete it in the library system")
    if not holdings:
        holdings.append(Holding(library=library_id, call_number=fallback_call_number(marc),
                                record_id=record_id, opac_url=opac_url))
    note = f"952: {gone} of {items} items lost ($1) or withdrawn ($0), not offered as holdings" if gone else None
    return holdings, note
