"""run_normalize: the incremental normalize stage over the catalog store."""

from __future__ import annotations

from pydantic import BaseModel

from config import LibraryConfig
from store import CatalogStore, Record, Rejected

from normalize.normalizer import STAGE, normalize_raw

MAX_REPORTED_REJECTS = 100


class NormalizeSummary(BaseModel):
    """What one normalize run did, for the CLI and `unioncat status`."""

    normalized: int = 0
    rejected: int = 0
    deleted: int = 0
    converted_legacy: int = 0  # fields whose TCVN3/VNI text was converted to Unicode
    rejects: list[Rejected] = []  # the first MAX_REPORTED_REJECTS


def _legacy_fields(record: Record) -> int:
    return sum(1 for note in record.repairs if note.endswith("→ Unicode") and ("TCVN3" in note or "VNI" in note))


def run_normalize(store: CatalogStore, libraries: dict[str, LibraryConfig], rebuild: bool = False,
                  batch_size: int = 1000) -> NormalizeSummary:
    """Normalize raw records changed since the last run (all of them when `rebuild`).

    Each batch is saved with its watermark, so an interrupted run resumes where it
    stopped instead of starting over.
    """
    summary = NormalizeSummary()
    since = 0 if rebuild else store.get_mark(STAGE)
    records: list[Record] = []
    rejects: list[Rejected] = []
    deleted: list[str] = []
    last_seq = since
    for seq, raw in store.raw_changed_since(since):
        if raw.deleted:
            deleted.append(raw.id)
        else:
            result = normalize_raw(raw, libraries.get(raw.library))
            if isinstance(result, Rejected):
                rejects.append(result)
            else:
                records.append(result)
        last_seq = seq
        if len(records) + len(rejects) + len(deleted) >= batch_size:
            _flush(store, summary, records, rejects, deleted, last_seq)
    if records or rejects or deleted:
        _flush(store, summary, records, rejects, deleted, last_seq)
    return summary


def _flush(store: CatalogStore, summary: NormalizeSummary, records: list[Record], rejects: list[Rejected],
           deleted: list[str], last_seq: int) -> None:
    store.save_normalized(records, rejects, deleted)
    store.set_mark(STAGE, last_seq)
    summary.normalized += len(records)
    summary.rejected += len(rejects)
    summary.deleted += len(deleted)
    summary.converted_legacy += sum(_legacy_fields(r) for r in records)
    room = MAX_REPORTED_REJECTS - len(summary.rejects)
    if room > 0:
        summary.rejects.extend(rejects[:room])
    records.clear()
    rejects.clear()
    deleted.clear()
