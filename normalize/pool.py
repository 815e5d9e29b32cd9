"""Normalize on every core: worker processes turn batches of raw payloads into stored form.

The parent (run_normalize) reads raw records from the store and writes results;
workers only parse and map.  What crosses the process boundary is kept small:
plain tuples going out, and for each Record its JSON line coming back
(`StoredRecord`), so the parent never re-validates or re-serialises a Record.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, NamedTuple

from config import LibraryConfig
from store import Record, Rejected

from normalize.limits import cut_warnings
from normalize.normalizer import RawItem, normalize_item

if TYPE_CHECKING:  # run.py imports this module
    from normalize.run import _Batch

# What Record.model_dump_json calls, minus its keyword handling and the decode to str
# (3.5 µs of a record's 170): the store takes the UTF-8 bytes as they are.
_record_json = Record.__pydantic_serializer__.to_json


class StoredRecord(NamedTuple):
    """A normalized Record already serialised by a worker.

    It has the attributes `CatalogStore.save_normalized` reads from a Record
    (`id`, `library`, `local_id`, `model_dump_json()`), so the parent stores the
    worker's JSON as it is.
    """

    id: str
    library: str
    local_id: str
    json: bytes  # UTF-8; the store saves it as text

    def model_dump_json(self) -> bytes:
        return self.json


class ChunkResult(NamedTuple):
    records: list[StoredRecord]
    rejects: list[Rejected]
    converted_legacy: int  # fields whose TCVN3/VNI text was converted
    warnings: list[str]  # fields cut for their size (normalize/limits.py), for the operator


def legacy_fields(record: Record) -> int:
    """How many fields of `record` were converted from TCVN3 or VNI."""
    return sum(1 for note in record.repairs if note.endswith("→ Unicode") and ("TCVN3" in note or "VNI" in note))


def normalize_batch(batch: _Batch, libraries: dict[str, LibraryConfig]) -> ChunkResult:
    """normalize_chunk of a batch's items (`run._Batch`): the work `map_in_workers` spreads."""
    return normalize_chunk(batch.items, libraries)


def normalize_chunk(items: list[RawItem], libraries: dict[str, LibraryConfig]) -> ChunkResult:
    """Normalize one batch: in a worker, or in the parent when the batch is small."""
    records: list[StoredRecord] = []
    rejects: list[Rejected] = []
    warnings: list[str] = []
    converted = 0
    # Records hold no reference cycles; the collector's passes over a growing batch
    # of fresh tuples cost about a fifth of the run, and find nothing.
    enabled = gc.isenabled()
    gc.disable()
    try:
        for item in items:
            result = normalize_item(item, libraries.get(item[0]))
            if isinstance(result, Rejected):
                rejects.append(result)
            else:
                records.append(StoredRecord(result.id, result.library, result.local_id, _record_json(result)))
                converted += legacy_fields(result)
                warnings += cut_warnings(result, item[4])
    finally:
        if enabled:
            gc.enable()
    return ChunkResult(records, rejects, converted, warnings)
