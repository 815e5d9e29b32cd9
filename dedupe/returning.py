"""A retired union id comes back only for its own book.

dedupe/ids.py gives a retired id back to the cluster holding the record it was derived
from, or one of the members of its last version, once that record returns: a sweep undone, a reject fixed, and partner sites' links
reach the book again.  But a library may reuse a record number (001) for another book;
the id then came back for that book, and the old book's links showed a different one.

So, after ids are assigned, each retired id that came back (as a cluster's id, or as an
alias of the cluster that took its returning record) is kept only when one of the records
returning to that cluster (no union record last run) is accepted by `compare` against the
union record as the store kept it when it was retired.  Otherwise the id stays retired
(404) and the ids are assigned again without it: the new book gets an id of its own.  An
id retired before the store kept retired union records has nothing to compare with, and
stays retired too: a 404 is safer than a link to another book.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import replace

from config.settings import DedupeSettings
from dedupe.engine import Clustering
from dedupe.features import record_features
from dedupe.ids import assign_ids
from dedupe.match import compare
from dedupe.succession import union_as_record
from store.catalog import CatalogStore


def keep_retired_ids_to_their_books(store: CatalogStore, clustering: Clustering, previous: dict[str, str],
                                    created: dict[str, int], former: dict[str, str | None], changed: Set[str],
                                    settings: DedupeSettings,
                                    last_members_of: Mapping[str, Iterable[str]]) -> Clustering:
    """`clustering` with no retired id brought back by a record that is another book now."""
    # former.get(..., "") is None only for a retired id.
    back = {old_id: old_id for old_id in clustering.clusters if former.get(old_id, "") is None}
    back.update((old_id, target) for old_id, target in clustering.aliases.items() if former.get(old_id, "") is None)
    if not back:
        return clustering
    last = store.last_union_records(back)
    returning = {rid for cluster_id in set(back.values()) for rid in clustering.clusters[cluster_id]
                 if rid not in previous}
    features = {record.id: record_features(0, record, settings) for record in store.get_records(returning)}
    refused = set()
    for old_id, cluster_id in back.items():
        if old_id not in last or not last[old_id].holdings:
            refused.add(old_id)
            continue
        old = record_features(0, union_as_record(last[old_id]), settings)
        if not any(compare(old, features[rid], settings).accept
                   for rid in clustering.clusters[cluster_id] if rid in features):
            refused.add(old_id)
    if not refused:
        return clustering
    kept = {old_id: target for old_id, target in former.items() if old_id not in refused}
    clusters, aliases = assign_ids(list(clustering.clusters.values()), previous, created, kept, changed,
                                   clustering.left_alone, last_members_of)
    return replace(clustering, clusters=dict(sorted(clusters.items())), aliases=aliases)
