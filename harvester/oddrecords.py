"""Ids and leaders holding control characters or bytes that are not UTF-8: kept, and named in the run.

The harvester stores such a record as it came (harvester/xmlrepair.py keeps a control
character as its picture U+24xx, harvester/strayutf8.py a stray byte as U+F7xx), so
the rest of the library is harvested; these warnings tell the library which records
to correct, by id and by where each was read.
"""

from __future__ import annotations

from lxml import etree

from harvester.strayutf8 import MAX_RECORDS_NAMED
from harvester.xmlrepair import CONTROL_PICTURES_BASE, CONTROL_PICTURES_RE
from store.straybytes import STRAY_BYTE_BASE

__all__ = ["CONTROL_PICTURES_RE", "control_ids_report", "leader_oddities", "odd_leaders_report",
           "wrong_lengths_report", "xml_leader_oddities"]


def _shown(char: str) -> str:
    """A character no leader may hold, as the byte it was read from where that is known."""
    code = ord(char)
    if CONTROL_PICTURES_BASE <= code < CONTROL_PICTURES_BASE + 0x20:
        code -= CONTROL_PICTURES_BASE
    elif STRAY_BYTE_BASE + 0x80 <= code <= STRAY_BYTE_BASE + 0xFF:
        code -= STRAY_BYTE_BASE
    return f"0x{code:02X}" if code < 0x100 else f"U+{code:04X}"


def leader_oddities(leader: str) -> str | None:
    """The leader positions holding what no MARC leader may (anything but printable ASCII), or None.

    `leader` is the text of a MARCXML <leader> or an ISO 2709 leader read as Latin-1 (a byte a character)."""
    odd = [f"leader/{position:02d} {_shown(char)}" for position, char in enumerate(leader) if not " " <= char <= "~"]
    return ", ".join(odd) or None


def xml_leader_oddities(record: etree._Element) -> str | None:
    """leader_oddities of the MARC leader within `record` (a MARCXML <record>, or an OAI-PMH one holding it)."""
    leader = record.findtext("{*}leader")
    if leader is None:  # an OAI-PMH <record>: the MARCXML record is in its <metadata>
        leader = record.findtext("{*}metadata/{*}record/{*}leader")
    return leader_oddities(leader) if leader else None


def _report(where_by_id: dict[str, str], holding: str, advice: str) -> str:
    named = [f"{local_id!r} ({where})" for local_id, where in where_by_id.items()]
    more = f" and {len(named) - MAX_RECORDS_NAMED} more" if len(named) > MAX_RECORDS_NAMED else ""
    return (f"{len(named)} record{'s' if len(named) != 1 else ''} with {holding}: "
            f"{', '.join(named[:MAX_RECORDS_NAMED])}{more}; {advice}")


def control_ids_report(where_by_id: dict[str, str]) -> str:
    """What a warning says of ids that held control characters, each with where it was read."""
    return _report(where_by_id, "control characters in their id, stored with each as U+24xx",
                   "check those records' id (001, or the OAI identifier) at the library")


def odd_leaders_report(where_by_id: dict[str, str]) -> str:
    """What a warning says of leaders holding control characters or bytes that are not ASCII, each with
    where it was read and the positions."""
    return _report(where_by_id, "a leader holding what no MARC leader may (control characters, bytes that are "
                   "not ASCII), read as it is", "check those records' leader at the library")


def wrong_lengths_report(where_by_id: dict[str, str]) -> str:
    """What a warning says of ISO 2709 records kept although their leader's record length is wrong, each
    with where it was read and both lengths."""
    return _report(where_by_id, "a wrong record length in the leader, read up to the record terminator (0x1D)",
                   "the library's system writes the length wrong in its export: have it corrected there")
