"""Index documents prepared in worker processes, handed to the writer in store order.

Turning a union record into its document (`index.document.document_json`, 30-odd µs
of Python a record) was, with `add_document`, the whole of the parent's time in a
rebuild, while Tantivy's indexing threads waited for it.  Batches of records now go
to `store.workers.map_in_workers`; what comes back is each document as JSON, which
the writer parses in Rust (`IndexWriter.add_json`).  A nightly increment of a few
thousand records is one batch, done here without starting a process.

It pays when a core is free: 1M records in 46.0-47.2 s against 59.3-62.0 s (a quiet
machine, back to back), 90-92 against 96-99 CPU-s.  On a machine whose other work
holds a core it lost: 81.2-85.0 s against 72.5-72.9 s.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from config.settings import LibraryConfig
from index.document import document_json
from store.feed import SeqClock
from store.workers import batches, map_in_workers

# Records per job (as dedupe's): a job's round trip is noise against its 150 ms of work,
# and a night's increment under this many changes is one job, done without a process.
BATCH_RECORDS = 5000

# Union id, its JSON (None: deleted), created_seq, each library's first harvest of it (lines "library<TAB>time").
Change = tuple[str, bytes | None, int, str | None]


def prepared_documents(changes: Iterable[Change], registry: dict[str, LibraryConfig], clock: SeqClock,
                       workers: int) -> Iterator[tuple[str, str | None]]:
    """(union id, its document as JSON, or None when the record was deleted) for each change, in order."""
    for batch, documents in map_in_workers(_documents, batches(changes, BATCH_RECORDS), workers, (registry, clock),
                                           ["index.prepare"]):
        yield from zip((union_id for union_id, *_ in batch), documents)


def _documents(batch: list[Change], context: tuple[dict[str, LibraryConfig], SeqClock]) -> list[str | None]:
    registry, clock = context
    return [None if payload is None else document_json(payload, registry, clock.seconds(created_seq), arrivals)
            for _, payload, created_seq, arrivals in batch]
