"""`cluster_records`: the one pure code path behind the pipeline run and file mode."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field

from config.settings import DedupeSettings
from dedupe.cluster import MemberExplanation, group_features
from dedupe.errors import DuplicateRecordIdError
from dedupe.features import Features, record_features
from dedupe.ids import assign_ids
from dedupe.keys import blocking_keys
from dedupe.overrides import NO_OVERRIDES, Overrides
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
    # Record id → smallest record id of its connected region of accepted matches.
    components: dict[str, str] = field(default_factory=dict, repr=False)
    # Record id → blocking keys, filled only when asked for (the store run persists them).
    keys: dict[str, list[str]] = field(default_factory=dict, repr=False)
    # Ids of copies left alone as ambiguous (dedupe/ambiguity.py), for `ids.assign_ids`.
    left_alone: frozenset[str] = frozenset()

    def cluster_of(self) -> dict[str, str]:
        """Record id → cluster id."""
        return {rid: cid for cid, members in self.clusters.items() for rid in members}


def cluster_records(
    records: Iterable[Record | Features],
    settings: DedupeSettings,
    previous: dict[str, str] | None = None,
    created: dict[str, int] | None = None,
    overrides: Overrides = NO_OVERRIDES,
    with_keys: bool = False,
    former: dict[str, str | None] | None = None,
    changed: Set[str] = frozenset(),
    last_members_of: Mapping[str, Iterable[str]] | None = None,
) -> Clustering:
    """Group records of one edition; keep last run's ids where members stayed together.

    `previous` maps record id → its cluster id last run; `created` maps cluster id →
    creation sequence (smaller is older; the older id survives a merge).  Input order
    never matters: records are ordered by id before anything else.  `records` may be
    a stream (the store's, a file's): each is reduced to its features and let go; or the
    features already (`reading`, which reduces records in worker processes).  `overrides`
    (librarians' forced pairs) apply where both records are in the input.  `former` maps ids
    that are no cluster any more to their alias target or None, `changed` holds the records
    rewritten since the last run, and `last_members_of` the retired ids each record was last
    a member of (see `ids.assign_ids`).
    """
    # Millions of small tuples and no reference cycles: the cyclic collector would
    # rescan every live object again and again (a third of the run on a million records).
    collecting = gc.isenabled()
    gc.disable()
    try:
        # Only features are kept, never the records: a million Records would not fit beside them.
        all_features = sorted((record if isinstance(record, Features) else record_features(0, record, settings)
                               for record in records), key=_by_id)
        for index, features in enumerate(all_features):
            if index and all_features[index - 1].id == features.id:
                raise DuplicateRecordIdError(features.id)
            features.index = index
        return cluster_features(all_features, settings, previous, created, overrides, with_keys=with_keys,
                                former=former, changed=changed, last_members_of=last_members_of)
    finally:
        if collecting:
            gc.enable()


def _by_id(features: Features) -> str:
    return features.id


def cluster_features(all_features: list[Features], settings: DedupeSettings, previous: dict[str, str] | None,
                     created: dict[str, int] | None, overrides: Overrides = NO_OVERRIDES,
                     pairs: dict[tuple[int, int], str] | None = None, skipped: int = 0,
                     with_keys: bool = False, neighbours: list[tuple[int, Features]] = (),
                     former: dict[str, str | None] | None = None, changed: Set[str] = frozenset(),
                     last_members_of: Mapping[str, Iterable[str]] | None = None) -> Clustering:
    """`cluster_records` on features already computed (index = position, ids sorted).

    The incremental run passes the candidate `pairs` it derived from complete blocks,
    and as `neighbours` its records' candidates outside the region (for explanations).
    """
    position = {features.id: features.index for features in all_features}
    forced_same = [(position[a], position[b]) for a, b in overrides.same if a in position and b in position]
    forced_different = {(position[a], position[b]) for a, b in overrides.different if a in position and b in position}
    grouping = group_features(all_features, settings, forced_same, forced_different, pairs, skipped, neighbours)
    ids = [features.id for features in all_features]
    groups = [[ids[index] for index in group] for group in grouping.groups]
    left_alone = frozenset(ids[index] for index in grouping.left_alone)
    clusters, aliases = assign_ids(groups, previous, created, former, changed, left_alone, last_members_of)
    return Clustering(
        clusters=dict(sorted(clusters.items())),
        explanations=_with_librarians_notes(
            {ids[index]: explanation for index, explanation in grouping.explanations.items()}, overrides),
        aliases=aliases,
        candidate_pairs=grouping.candidate_pairs,
        accepted_pairs=grouping.accepted_pairs,
        skipped_blocks=grouping.skipped_blocks,
        refused_merges=grouping.refused_merges,
        components={ids[index]: ids[root] for index, root in enumerate(grouping.components)},
        keys={features.id: blocking_keys(features) for features in all_features} if with_keys else {},
        left_alone=left_alone,
    )


def _with_librarians_notes(explanations: dict[str, MemberExplanation],
                           overrides: Overrides) -> dict[str, MemberExplanation]:
    """Each decision an override made, followed by the `note` the librarian wrote beside it:
    notes of `[[same]]` entries after "forced together", of `[[different]]` ones after "kept apart"."""
    for pairs, made in ((overrides.same, "forced together by a librarian"),
                        (overrides.different, "kept apart by a librarian")):
        notes: dict[str, list[str]] = {}
        for pair in sorted(pairs):
            note = overrides.notes.get(pair)
            for rid in pair if note else ():
                if note not in notes.setdefault(rid, []):
                    notes[rid].append(note)
        for rid, written in notes.items():
            explanation = explanations.get(rid)
            if explanation is not None and made in explanation.decision:
                quoted = " / ".join(f'"{note}"' for note in written)
                explanations[rid] = MemberExplanation(explanation.found_by, explanation.score,
                                                       f"{explanation.decision}; librarian's note: {quoted}")
    return explanations
