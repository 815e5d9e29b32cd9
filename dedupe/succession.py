"""A library's records sent again under new ids keep the ids of the union records they held.

A library that moves to another system, or renumbers its 001s, sends the same books
under new record ids: that night's harvest marks the old ids deleted and adds the new
ones.  A union record that library alone held lost every member and was retired, and
the same book came back as a new union record under a new id, so the links partner
sites keep to the old id answered 404.

So, after clustering, a new union record takes the id of one retired in the same run
when it is the same book: its members are all new records, it is held by the same
libraries as the retired one, the two share the folded title key, and `compare` accepts
the retired union record (as the store holds it, before this run retires it) against
the new one's first member.  Only one-to-one pairs: a retired record with two such
successors, or a new one with two predecessors (copies of one edition), keeps the rule
of new ids, since a wrong guess would send a partner's link to another book.  The
decision depends on the records alone, not on the order they were read in, and a full
run and an incremental one make it alike: both see the same retired union records and
new clusters.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from config.settings import DedupeSettings
from dedupe.engine import Clustering
from dedupe.features import Features, record_features
from dedupe.match import compare
from store.catalog import CatalogStore
from store.models import Record, UnionRecord, split_record_id


def carry_over_ids(store: CatalogStore, clustering: Clustering, removed: list[str], previous: dict[str, str],
                   created: dict[str, int], settings: DedupeSettings) -> tuple[Clustering, dict[str, str]]:
    """(`clustering` with each successor renamed to the retired id it stands for, retired id → new id replaced)."""
    if not removed:
        return clustering, {}
    fresh = {cluster_id: members for cluster_id, members in clustering.clusters.items()
             if cluster_id not in created and not any(rid in previous for rid in members)}
    if not fresh:
        return clustering, {}
    retired = _retired_by_key(store, removed, settings)
    if not retired:
        return clustering, {}
    firsts = {record.id: record for record in store.get_records(members[0] for members in fresh.values())}
    matches: dict[str, list[str]] = defaultdict(list)  # retired id → new ids
    for cluster_id, members in fresh.items():
        record = firsts.get(members[0])
        if record is None:
            continue
        features = record_features(0, record, settings)
        libraries = frozenset(split_record_id(rid)[0] for rid in members)
        for old_id, old_features in retired.get((libraries, features.key_title), ()):
            if compare(old_features, features, settings).accept:
                matches[old_id].append(cluster_id)
    predecessors: dict[str, list[str]] = defaultdict(list)
    for old_id, new_ids in matches.items():
        for new_id in new_ids:
            predecessors[new_id].append(old_id)
    renamed = {new_ids[0]: old_id for old_id, new_ids in matches.items()
               if len(new_ids) == 1 and len(predecessors[new_ids[0]]) == 1}
    if not renamed:
        return clustering, {}
    clusters = {renamed.get(cluster_id, cluster_id): members for cluster_id, members in clustering.clusters.items()}
    return replace(clustering, clusters=clusters), {old_id: new_id for new_id, old_id in renamed.items()}


def _retired_by_key(store: CatalogStore, removed: list[str],
                    settings: DedupeSettings) -> dict[tuple[frozenset[str], str], list[tuple[str, Features]]]:
    """(holding libraries, folded title key) → (id, features) of each union record this run retires."""
    found: dict[tuple[frozenset[str], str], list[tuple[str, Features]]] = defaultdict(list)
    for old_id in removed:
        union, _ = store.get_union_record(old_id)
        if union is None or not union.holdings:
            continue
        features = record_features(0, _as_record(union), settings)
        found[(frozenset(h.library for h in union.holdings), features.key_title)].append((old_id, features))
    return found


def _as_record(union: UnionRecord) -> Record:
    """The union record as one Record, for `compare`: the fields they share."""
    shared = {name: value for name, value in union if name in Record.model_fields and name != "holdings"}
    return Record(**shared, library=union.holdings[0].library)
