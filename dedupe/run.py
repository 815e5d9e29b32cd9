"""The dedupe stage: a store run (incremental, or a full rebuild) and file mode.

All go through the same clustering code (`engine.cluster_features`).  A full run
clusters every live record; the nightly run re-clusters only the region that
new, changed and deleted records touch (see `incremental.py`) and gives the
same clusters and ids.  Ids stay stable through `store.cluster_assignments()`;
unchanged union records are not rewritten, so the index re-reads only what changed.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from os import PathLike
from pathlib import Path
from typing import BinaryIO, TextIO

from config.settings import DedupeSettings, Settings
from dedupe.engine import Clustering, cluster_records
from dedupe.errors import DedupeInputError
from dedupe.incremental import (COMPONENT_PREFIX, OVERRIDE_MARK, SETTINGS_HOLDER, SETTINGS_PREFIX,
                                find_region, recluster_region, touched_ids)
from dedupe.kept_overrides import overrides_to_apply
from dedupe.merge import MERGE_RULES_VERSION, merge_cluster
from dedupe.overrides import Overrides, load_overrides
from dedupe.reading import read_features, stored_features
from dedupe.returning import keep_retired_ids_to_their_books
from dedupe.succession import carry_over_ids, follow_renumbered
from store.catalog import CatalogStore
from store.models import UnionRecord

MARK = "dedupe"  # where the last run that finished started: what it saw is done
# Where a run that has not finished started, 0 when none.  Its clusters may be saved and their keys
# not, so the next run is full; MARK stays, so that run still knows which records changed.
UNFINISHED_MARK = "dedupe:unfinished"
MERGE_BATCH = 1000  # clusters whose members are read back from the store together
# A night whose changes reach more than this share of the records runs in full: it gives the same
# clusters, and costs less.  A region record costs an incremental run about half as much again as
# a record costs a full run (read from the store by id, its edge's records read as well, its union
# record rewritten).  At 100,002 labeled records: regions of 52,578 and 95,147 took 36.5 s and
# 58.7 s, full runs 43.5-46.4 s; even at about two thirds.
FULL_RUN_SHARE = 0.65
# ... but only from this many region records on: below it either way takes seconds, and a full
# run of a small catalogue would only hide what the incremental run re-examined.
FULL_RUN_MIN_REGION = 20_000


@dataclass(frozen=True)
class DedupeSummary:
    """What one run did, for the CLI and `unioncat update`."""

    records: int
    clusters: int
    multi_library: int
    changed: int
    candidate_pairs: int
    aliases: int = 0
    removed: int = 0
    skipped_blocks: int = 0
    incremental: bool = False
    examined: int = 0
    problems: tuple[str, ...] = field(default=())
    full_because: str = ""  # why a run was not incremental, for the operator
    carried_over: int = 0  # retired ids a library's re-export kept, or made aliases (dedupe/succession.py)


def run_dedupe(store: CatalogStore, settings: Settings, rebuild: bool = False) -> DedupeSummary:
    """Cluster what changed since the last run (everything with `rebuild`, on a first run, or when
    the changes reach so much of the catalogue that a full run costs less: `FULL_RUN_SHARE`)."""
    start = store.current_seq()
    mark = store.get_mark(MARK)
    overrides, applied, unread = overrides_to_apply(store, settings.dedupe.overrides_path)
    fingerprint = SETTINGS_PREFIX + _settings_digest(settings.dedupe)
    if rebuild:
        full_because = "--rebuild asked"
    elif mark == 0:
        full_because = "first run, or the last one did not finish"
    elif store.get_mark(UNFINISHED_MARK):
        full_because = "the last run did not finish"
    elif store.records_with_keys([fingerprint]) != {SETTINGS_HOLDER}:
        full_because = "the [dedupe] settings or the match rules changed"
    else:
        full_because = ""
    # Records rewritten since the last run that finished decide which part of a split union record
    # keeps its id on a tie (dedupe/ids.py), so a run redone after a crash decides as it would have.
    live, deleted = store.records_changed_since(mark) if mark else ([], [])
    changed = set(live)
    overrides, followed = follow_renumbered(store, overrides, changed, settings.dedupe)
    # Until both writes below are done the saved keys and clusters may disagree.
    store.set_mark(UNFINISHED_MARK, start)
    collecting = gc.isenabled()
    gc.disable()
    try:
        region: set[str] = set()
        if not full_because:
            # The region holds every touched record: when those alone are too many (a library's
            # re-export), the region is not worked out only to be dropped.
            touched = touched_ids(store, changed | set(deleted), overrides)
            full_because = _reaches_too_far(store, touched)
            if not full_because:
                region = find_region(store, touched, settings.dedupe)
                full_because = _reaches_too_far(store, region)
        if full_because:
            summary = replace(_full(store, settings, overrides, fingerprint, changed), full_because=full_because)
        else:
            summary = _incremental(store, settings, overrides, region, changed)
    finally:
        if collecting:
            gc.enable()
    store.set_mark(MARK, start)
    store.set_mark(UNFINISHED_MARK, 0)
    store.keep_applied_overrides(*applied)
    return replace(summary, problems=unread + followed + summary.problems)


def _reaches_too_far(store: CatalogStore, region: set[str]) -> str:
    """Why re-clustering `region` costs more than a full run, or "" (see `FULL_RUN_SHARE`).

    The region counts the records a change can re-cluster: those it touched, those sharing a
    block with them, their matches' regions, and deleted ones.
    """
    if len(region) < FULL_RUN_MIN_REGION:
        return ""
    records = store.counts()["records"]
    if len(region) <= FULL_RUN_SHARE * records:
        return ""
    return f"the changes reach {len(region):,} records of {records:,}, more than {FULL_RUN_SHARE:.0%}: a full run costs less"


def _settings_digest(settings: DedupeSettings) -> str:
    # Another threshold or ignore list changes matches everywhere, and new merge rules change
    # union records everywhere: the next run must be full.
    material = f"{MERGE_RULES_VERSION}:" + settings.model_dump_json(exclude={"overrides_path"})
    return hashlib.sha256(material.encode()).hexdigest()[:16]


def _full(store: CatalogStore, settings: Settings, overrides: Overrides, fingerprint: str,
          changed: set[str]) -> DedupeSummary:
    previous = store.cluster_assignments()
    # The store's records stream through: only their features stay in memory.
    features = stored_features(store.iter_record_payloads(), settings.dedupe)
    created = store.union_created_seq()
    former = store.former_union_ids()
    last_members_of = store.retired_ids_of_returning_records()
    clustering = cluster_records(features, settings.dedupe, previous, created, overrides, with_keys=True,
                                 former=former, changed=changed, last_members_of=last_members_of)
    clustering = keep_retired_ids_to_their_books(store, clustering, previous, created, former, changed,
                                                 settings.dedupe, last_members_of)
    record_ids = clustering.explanations.keys()  # one explanation per input record
    live_before = store.union_ids() | set(previous.values())
    removed = sorted(live_before - set(clustering.clusters) - set(clustering.aliases))
    clustering, carried = carry_over_ids(store, clustering, removed, previous, created, settings.dedupe)
    removed = [old_id for old_id in removed if old_id not in carried]
    changed, multi_library = _save(store, settings, clustering, removed, live_before, None)
    keys = _keys(clustering, overrides)
    keys[SETTINGS_HOLDER] = [fingerprint]
    store.save_dedupe_keys(keys, replace_all=True)
    return DedupeSummary(
        records=len(record_ids), clusters=len(clustering.clusters), multi_library=multi_library, changed=changed,
        candidate_pairs=clustering.candidate_pairs, aliases=len(clustering.aliases), removed=len(removed),
        skipped_blocks=clustering.skipped_blocks, incremental=False, examined=len(record_ids),
        problems=overrides.contradictions + tuple(overrides.missing(record_ids)), carried_over=len(carried),
    )


def _incremental(store: CatalogStore, settings: Settings, overrides: Overrides, region_ids: set[str],
                 changed: set[str]) -> DedupeSummary:
    previous = store.cluster_assignments()
    created = store.union_created_seq()
    former = store.former_union_ids()
    # Only a record in no cluster can bring a retired id back: most nights have none, and need not
    # read every retired union record.
    last_members_of = store.retired_ids_of_returning_records() if region_ids - previous.keys() else {}
    region = recluster_region(store, region_ids, settings.dedupe, overrides, previous, created, former, changed,
                              last_members_of)
    clustering = keep_retired_ids_to_their_books(store, region.clustering, previous, created, former, changed,
                                                 settings.dedupe, last_members_of)
    old_ids = {previous[rid] for rid in (*region.record_ids, *region.gone) if rid in previous}
    removed = sorted(old_ids - set(clustering.clusters) - set(clustering.aliases))
    clustering, carried = carry_over_ids(store, clustering, removed, previous, created, settings.dedupe)
    removed = [old_id for old_id in removed if old_id not in carried]
    replaced = region.record_ids | region.gone
    changed, _ = _save(store, settings, clustering, removed, old_ids, replaced)
    store.save_dedupe_keys(_keys(clustering, overrides), removed_ids=region.gone)
    counts = store.counts()
    return DedupeSummary(  # catalogue-wide totals, as a full run reports them
        records=counts["records"], clusters=counts["union_records"], multi_library=store.multi_library_clusters(),
        changed=changed,
        candidate_pairs=clustering.candidate_pairs, aliases=len(clustering.aliases), removed=len(removed),
        skipped_blocks=clustering.skipped_blocks, incremental=True, examined=len(region.record_ids),
        # Every named record is in the region.
        problems=overrides.contradictions + tuple(overrides.missing(region.record_ids)), carried_over=len(carried),
    )


def _save(store: CatalogStore, settings: Settings, clustering: Clustering,
          removed: list[str], live_before: set[str], replaced: set[str] | None) -> tuple[int, int]:
    """Write membership, explanations and union records; (union records changed, multi-library ones)."""
    members: dict[str, tuple[str, str, float | None, str]] = {}
    for cluster_id, member_ids in clustering.clusters.items():
        for rid in member_ids:
            explanation = clustering.explanations[rid]
            members[rid] = (cluster_id, explanation.found_by, explanation.score, explanation.decision)
    multi_library = 0

    def union_records() -> Iterator[UnionRecord]:
        # Members are read back from the store a batch of clusters at a time, merged and
        # written in the same transaction: a million Records never sit in memory at once.
        nonlocal multi_library
        preference = settings.dedupe.library_preference
        clusters = list(clustering.clusters.items())
        for start in range(0, len(clusters), MERGE_BATCH):
            batch = clusters[start:start + MERGE_BATCH]
            records = {record.id: record for record in store.get_records(rid for _, ids in batch for rid in ids)}
            for cluster_id, member_ids in batch:
                union = merge_cluster(cluster_id, [records[rid] for rid in member_ids], preference)
                multi_library += len({holding.library for holding in union.holdings}) > 1
                yield union

    # save_clusters records an alias but leaves the merged-away union record live, where
    # it would shadow the redirect; retiring it with the removed ids makes the id answer 301.
    retired = sorted(set(removed) | (set(clustering.aliases) & live_before))
    changed = store.save_clusters(members, union_records(), retired, clustering.aliases, replace_only=replaced)
    return changed, multi_library


def _keys(clustering: Clustering, overrides: Overrides) -> dict[str, list[str]]:
    """Record id → what the next incremental run needs to know of it."""
    named = overrides.record_ids()
    out = {}
    for rid, keys in clustering.keys.items():
        extra = [COMPONENT_PREFIX + clustering.components[rid]]
        if rid in named:
            extra.append(OVERRIDE_MARK)
        out[rid] = keys + extra
    return out


def dedupe_file(source: Path | BinaryIO, target: Path | TextIO, settings: DedupeSettings,
                on_bad_line: Callable[[DedupeInputError], None] | None = None) -> int:
    """Cluster the Records of a JSON-lines file; write one cluster per line; return the count.

    A line that is not a Record (or repeats an earlier line's id) is a `DedupeInputError`
    naming the file and line: raised, or, given `on_bad_line`, passed to it and the line
    skipped, so one broken line does not stop the rest (the CLI reports each on stderr).
    Every id read lands in exactly one cluster.  The file is read as a stream, so its
    size is bounded by the features, not the records.  `source` and `target` may be open
    streams (the CLI's `-`: standard input and output); they are left open.
    """
    clustering = cluster_records(read_features(source, settings, on_bad_line), settings,
                                 overrides=load_overrides(settings.overrides_path))
    lines = sorted(clustering.clusters.items(), key=lambda item: item[1][0])
    with Path(target).open("w", encoding="utf-8") if isinstance(target, str | PathLike) else nullcontext(target) as out:
        for cluster_id, member_ids in lines:
            out.write(json.dumps({"cluster_id": cluster_id, "members": member_ids}, ensure_ascii=False) + "\n")
    return len(lines)
