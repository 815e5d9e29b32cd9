"""normalize_raw: one RawRecord in, one Record or Rejected out, never an exception."""

from __future__ import annotations

from lxml import etree
from pydantic import ValidationError

from config import LibraryConfig
from store import RawRecord, Record, Rejected

from normalize.dc import record_from_dc
from normalize.errors import RecordError
from normalize.from_marc import record_from_marc
from normalize.iso2709 import parse_iso2709
from normalize.marc import parse_marcxml

STAGE = "normalize"


def _normalize(raw: RawRecord, library: LibraryConfig | None) -> Record:
    if raw.format == "marcxml":
        return record_from_marc(parse_marcxml(raw.payload), raw.library, raw.local_id, "marcxml", library)
    if raw.format == "iso2709":
        return record_from_marc(parse_iso2709(raw.payload), raw.library, raw.local_id, "iso2709", library)
    if raw.format == "oai_dc":
        return record_from_dc(raw.payload, raw.library, raw.local_id, library)
    raise RecordError(f"unknown raw format {raw.format!r}; expected marcxml, iso2709 or oai_dc")


def normalize_raw(raw: RawRecord, library: LibraryConfig | None = None) -> Record | Rejected:
    """Normalize one raw record; a record that cannot be read becomes a Rejected with the reason."""
    if not raw.payload:
        return _reject(raw, "empty payload: the harvester stored no bytes for this record; harvest it again")
    try:
        return _normalize(raw, library)
    except RecordError as exc:
        return _reject(raw, str(exc))
    # A bad record is data, not a crash: anything its bytes can provoke in the parsers
    # becomes a reject that names the problem, so one record never stops a nightly run.
    except (etree.LxmlError, ValidationError, UnicodeError, ValueError, IndexError, KeyError,
            TypeError, RecursionError) as exc:
        return _reject(raw, f"could not read the {raw.format} record ({type(exc).__name__}: {exc}); "
                            "check the record at the source")


def _reject(raw: RawRecord, reason: str) -> Rejected:
    return Rejected(library=raw.library, local_id=raw.local_id, stage=STAGE, reason=reason, source=raw.source)
