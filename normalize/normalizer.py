"""normalize_raw: one RawRecord in, one Record or Rejected out, never an exception."""

from __future__ import annotations

from lxml import etree
from pydantic import ValidationError

from config import LibraryConfig
from store import RawRecord, RawRow, Record, Rejected

from normalize.dc import record_from_dc
from normalize.errors import RecordError
from normalize.from_marc import record_from_marc
from normalize.iso2709 import parse_iso2709
from normalize.marc import parse_marcxml

STAGE = "normalize"

# (library, local_id, format, payload, source): a RawRecord's fields, cheap to pickle.
RawItem = tuple[str, str, str, bytes, str]


def raw_item(raw: RawRecord | RawRow) -> RawItem:
    """The fields normalize needs of a raw record, from the model or from a store row alike."""
    return raw.library, raw.local_id, raw.format, raw.payload, raw.source


def _normalize(library_id: str, local_id: str, fmt: str, payload: bytes, library: LibraryConfig | None) -> Record:
    if fmt == "marcxml":
        return record_from_marc(parse_marcxml(payload), library_id, local_id, "marcxml", library)
    if fmt == "iso2709":
        return record_from_marc(parse_iso2709(payload), library_id, local_id, "iso2709", library)
    if fmt == "oai_dc":
        return record_from_dc(payload, library_id, local_id, library)
    raise RecordError(f"unknown raw format {fmt!r}; expected marcxml, iso2709 or oai_dc")


def normalize_raw(raw: RawRecord, library: LibraryConfig | None = None) -> Record | Rejected:
    """Normalize one raw record; a record that cannot be read becomes a Rejected with the reason."""
    return normalize_item(raw_item(raw), library)


def normalize_item(item: RawItem, library: LibraryConfig | None = None) -> Record | Rejected:
    """normalize_raw on a RawRecord's fields, as workers get them: no model to build per record."""
    library_id, local_id, fmt, payload, source = item
    if not payload:
        return _reject(item, "empty payload: the harvester stored no bytes for this record; harvest it again")
    try:
        return _normalize(library_id, local_id, fmt, payload, library)
    except RecordError as exc:
        return _reject(item, str(exc))
    # A bad record is data, not a crash: anything its bytes can provoke in the parsers
    # becomes a reject that names the problem, so one record never stops a nightly run.
    except (etree.LxmlError, ValidationError, UnicodeError, ValueError, IndexError, KeyError,
            TypeError, RecursionError) as exc:
        return _reject(item, f"could not read the {fmt} record ({type(exc).__name__}: {exc}); "
                             "check the record at the source")


def _reject(item: RawItem, reason: str) -> Rejected:
    library_id, local_id, _, _, source = item
    return Rejected(library=library_id, local_id=local_id, stage=STAGE, reason=reason, source=source)
