"""`cluster_records`: the one pure code path behind the pipeline run and file mode."""

from __future__ import annotations

import gc
from collections.abc import Iterable
from dataclasses import dataclass, field

from config.settings import DedupeSettings
from dedupe.cluster import MemberExplanation, group_features
from dedupe.errors import DuplicateRecordIdError
from dedupe.features import record_features
from dedupe.ids import assign_ids
from store.models import Record


@dataclass
class Clustering:
    """Clusters with stable ids, why each record is where it is, and merged-away ids."""

    clusters: dict[str, list[str]]
    explanations: dict[str, MemberExplanation]
    aliases: dict[str, str] = field(default_factory=dict)
    candidate_pairs: int = 0
    accepted_pairs: int = 0
    skipped_blocks: int = 0
    refused_merges: int = 0

    def cluster_of(self) -> dict[str, str]:
        """Record id → cluster id."""
        return {rid: cid for cid, members in self.clusters.items() for rid in members}


def cluster_records(
    records: Iterable[Record],
    settings: DedupeSettings,
    previous: dict[str, str] | None = None,
    created: dict[str, int] | None = None,
) -> Clustering:
    """Group records of one edition; keep last run's ids where members stayed together.

    `previous` maps record id → its cluster id last run; `created` maps cluster id →
    creation sequence (smaller is older; the older id survives a merge).  Input order
    never matters: records are sorted by id before anything else.
    """
    # Millions of small tuples and no reference cycles: the cyclic collector would
    # rescan every live object again and again (a third of the run on a million records).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _cluster(records, settings, previous, created)
    finally:
        if collecting:
            gc.enable()


def _cluster(records: Iterable[Record], settings: DedupeSettings, previous: dict[str, str] | None,
             created: dict[str, int] | None) -> Clustering:
    ordered = sorted(records, key=lambda record: record.id)
    for before, after in zip(ordered, ordered[1:]):
        if before.id == after.id:
            raise DuplicateRecordIdError(after.id)
    all_features = [record_features(index, record, settings) for index, record in enumerate(ordered)]
    grouping = group_features(all_features, settings)
    groups = [[ordered[index].id for index in group] for group in grouping.groups]
    clusters, aliases = assign_ids(groups, previous, created)
    explanations = {ordered[index].id: explanation for index, explanation in grouping.explanations.items()}
    return Clustering(
        clusters=dict(sorted(clusters.items())),
        explanations=explanations,
        aliases=aliases,
        candidate_pairs=grouping.candidate_pairs,
        accepted_pairs=grouping.accepted_pairs,
        skipped_blocks=grouping.skipped_blocks,
        refused_merges=grouping.refused_merges,
    )
