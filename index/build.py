"""Build the search index from the store's union records, incrementally or from scratch.

Layout of `settings.index_dir`:

    CURRENT                 name of the live version, replaced atomically (os.replace)
    v<seq>-<ns>/            one Tantivy index per full build, plus unioncat.json

An incremental run updates the live version in place (a Tantivy commit is
atomic for readers).  A rebuild writes a new version directory and then swaps
CURRENT, so a search running meanwhile sees the old index or the new one,
never a half-built one.  The version it replaced is kept until the next
rebuild, so a reader still holding it can finish and then follow CURRENT.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import tantivy

from config.errors import SearchIndexError
from config.settings import LIBRARY_TYPE_LABELS_VI, Settings
from index.document import registry_view
from index.labels import LANGUAGE_LABELS_VI, MATERIAL_TYPE_LABELS_VI
from index.prepare import prepared_documents
from index.schema import build_schema, register_analyzers
from store.catalog import CatalogStore
from store.feed import SeqClock
from store.workers import default_workers, usable_cores

MARK = "index"
CURRENT_NAME = "CURRENT"
META_NAME = "unioncat.json"
# Bump when the schema or the document mapping changes: a mismatch forces a rebuild.
# 7: invalid_isbn in the other text; 8: alternate-script titles, uniform title; 9: invalid_issn; 10: ς folded
# to σ; 11: authors' own-script names; 12: title_sort is store.collate.sort_key (Vietnamese dictionary order);
# 13: subject_key, one subject heading in its spellings (index/headings.py); 14: added, when the union
# record was created (sort "new"); 15: title_sort skips the leading article a member marked (sort_title);
# 16: zero-width characters, soft hyphens and BOMs dropped from the searched text (store.text.INVISIBLE);
# 17: a volume "T.2" searched as "tập 2" (index/volumes.py); 18: an inverted author ("Hugo, Victor") in
# direct order too (store/names.py); 19: more Vietnamese surnames never turned round ("Vuong, Hong Sen");
# 20: searched text in NFKC (fullwidth "Ｋｉｅｕ" is "Kieu", index.schema.exact_text and folded_text), a final
# y after consonants spelt i ("lý" is "lí", store.text.final_i_spelling), a title's Roman numeral also as its
# number in the folded title ("thế kỷ X" as "thế kỷ 10", index/numerals.py).
# 21: the title sort files the volumes of one title in order (index.document._volume_sort_suffix).
# 22: class numbers and call numbers are whole tokens in their own field, not words (index.document.class_numbers).
# 23: no columns nothing reads (the id's, the work key's, a holding count's): 3% of a rebuild's indexing CPU.
# 24: an ISSN is searchable without its hyphen too ("07275366" finds "0727-5366").
# 25: an article's host item (773, "Tạp chí Giáo dục, Số 480") in the other text.
# 26: varying forms of the title (246, `other_titles`) in the title fields.
# 27: arrival, when each holding library's copy came (a library's new books, index/arrivals.py).
# 28: members' record ids and local ids (record_id), so a query that is one finds its record.
INDEX_FORMAT = 28
MIN_HEAP_PER_THREAD_BYTES = 20_000_000


@dataclass(frozen=True)
class IndexSummary:
    """What one `build_index` run did."""

    version: str
    rebuilt: bool
    indexed: int  # documents written, new or changed
    deleted: int
    documents: int  # documents in the index after the run
    seq: int
    duration_s: float


def current_version(index_dir: Path) -> Path | None:
    """The live version directory named by CURRENT, or None when there is no usable index."""
    try:
        name = (index_dir / CURRENT_NAME).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    path = index_dir / name
    return path if name and path.is_dir() else None


def open_index(path: Path) -> tantivy.Index:
    """Open one version directory with our analyzers registered."""
    try:
        index = tantivy.Index(build_schema(), path=str(path), reuse=True)
    except (OSError, ValueError) as exc:
        if "schema does not match" in str(exc):
            # A new unioncat with another INDEX_FORMAT, started before its first `unioncat index`.
            raise SearchIndexError(f"the search index {path} was built by another version of unioncat; run "
                                   "`unioncat index` (or wait for the nightly `unioncat update`) to rebuild it") from exc
        # Damaged (a disk filled mid-write, a restore without its index): only a new index mends it.
        raise SearchIndexError(f"cannot open the search index {path}: {exc}; run `unioncat index --rebuild` "
                               "to build it again from the catalogue") from exc
    register_analyzers(index)
    return index


def _fingerprint(settings: Settings) -> str:
    """Changes when the indexed document would change without any record changing.

    Of the registry, documents hold only each library's type and district (facets and
    filters): names and OPAC links are read when a hit is shown, and a new server
    address or schedule changes nothing indexed, so neither rebuilds the index.
    Documents hold the Vietnamese labels of the codes too: a label reworded rebuilds.
    """
    registry = sorted((lib.id, lib.type, lib.district) for lib in settings.libraries)
    labels = [LIBRARY_TYPE_LABELS_VI, LANGUAGE_LABELS_VI, MATERIAL_TYPE_LABELS_VI]
    payload = json.dumps({"format": INDEX_FORMAT, "registry": registry, "labels": labels}, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def _read_fingerprint(version_dir: Path) -> str | None:
    try:
        return json.loads((version_dir / META_NAME).read_text(encoding="utf-8")).get("fingerprint")
    except (OSError, ValueError):
        return None


def _writer(index: tantivy.Index, settings: Settings) -> tantivy.IndexWriter:
    """A writer with one indexing thread per core (up to four).

    When the documents were prepared in this thread (54 µs a record, later 33), one
    indexing thread or two on two cores was a close call (59 s against 66 s, then
    53 s against 61 s for 1M records).  Worker processes prepare them now
    (index/prepare.py), and two threads are kept: 41.3-52.3 s against 49.5-51.7 s
    with one (1M records, 80-83 against 86-87 CPU-s, a shared machine: the ranges
    overlap, two threads use less CPU), four segments instead of two.
    """
    heap = settings.index.writer_heap_bytes
    threads = max(1, min(usable_cores(), 4, heap // MIN_HEAP_PER_THREAD_BYTES))
    return index.writer(heap_size=heap, num_threads=threads)


def build_index(store: CatalogStore, settings: Settings, rebuild: bool = False) -> IndexSummary:
    """Bring the index up to date with the store's union records.

    Incremental unless `rebuild`, there is no index yet, or the registry or
    index format changed since the live version was built.
    """
    started = time.monotonic()
    index_dir = settings.index_dir
    live = current_version(index_dir)
    fingerprint = _fingerprint(settings)
    # Before `seq` is read: the records it dates again are indexed now, under the names they show.
    store.restamp_holders(registry_view(settings.library_map()))
    if live is None or _read_fingerprint(live) != fingerprint:
        rebuild = True
    seq = store.current_seq()
    since = 0 if rebuild else store.get_mark(MARK)
    target = index_dir
    try:
        target = _new_version_dir(index_dir, seq) if rebuild else live
        assert target is not None
        indexed, deleted, documents = _apply_changes(store, settings, target, since, incremental=not rebuild)
        if rebuild:
            (target / META_NAME).write_text(json.dumps({"fingerprint": fingerprint, "seq": seq}), encoding="utf-8")
            _switch_current(index_dir, target, previous=live)
    except (OSError, ValueError, RuntimeError) as exc:
        raise SearchIndexError(f"cannot write the search index {target}: {exc}; check that the index "
                               "directory (data_dir/index) is a writable directory with free space") from exc
    store.set_mark(MARK, seq)
    return IndexSummary(version=target.name, rebuilt=rebuild, indexed=indexed, deleted=deleted,
                        documents=documents, seq=seq, duration_s=round(time.monotonic() - started, 3))


def _new_version_dir(index_dir: Path, seq: int) -> Path:
    path = index_dir / f"v{seq}-{time.time_ns()}"
    path.mkdir(parents=True)
    return path


def _apply_changes(store: CatalogStore, settings: Settings, target: Path, since: int,
                   incremental: bool) -> tuple[int, int, int]:
    """Write every union record changed after `since`; returns (indexed, deleted, documents)."""
    index = open_index(target)
    changes = store.union_json_changed_since(since)
    first = next(changes, None)
    if first is None and incremental:
        # A night without changes commits nothing: a commit rewrites meta.json, and every
        # server then drops its cached answers and reopens its searcher for nothing.
        changes.close()
        return 0, 0, index.searcher().num_docs
    writer = _writer(index, settings)
    indexed = deleted = 0
    changes = itertools.chain([first] if first else [], changes)
    for union_id, document in prepared_documents(changes, settings.library_map(), SeqClock(store), default_workers()):
        if incremental:
            writer.delete_documents_by_term("id", union_id)
        if document is None:
            deleted += incremental
            continue
        writer.add_json(document)
        indexed += 1
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return indexed, deleted, index.searcher().num_docs


def _switch_current(index_dir: Path, target: Path, previous: Path | None) -> None:
    """Point CURRENT at `target` atomically, then drop versions older than `previous`."""
    tmp = index_dir / f"{CURRENT_NAME}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(target.name)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, index_dir / CURRENT_NAME)
    keep = {target.name, previous.name if previous else ""}
    for child in index_dir.iterdir():
        if child.is_dir() and child.name.startswith("v") and child.name not in keep:
            shutil.rmtree(child, ignore_errors=True)
