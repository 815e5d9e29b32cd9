"""Group matching records into clusters without chaining.

Accepted pairs are taken best score first; two groups merge only when no pair
across them is a conflict (see `match.Verdict`).  So A≈B and B≈C put C with A
only if C does not contradict A.  Records are sorted by id first and ties broken
by id, so the same input in any order gives the same groups.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from config.settings import DedupeSettings
from dedupe.features import Features
from dedupe.keys import build_blocks, candidate_pairs
from dedupe.match import Verdict, compare


# A record without a year whose best match in another cluster scores within this of its
# best match in its own cluster is ambiguous (see `_ambiguous`).
AMBIGUITY_MARGIN = 3.0


@dataclass(frozen=True, slots=True)
class MemberExplanation:
    """Why a record is in its cluster: the key that found its match, the score, the decision."""

    found_by: str
    score: float | None
    decision: str


@dataclass
class Grouping:
    """Groups of record indices, each member's explanation, and counts for the run summary."""

    groups: list[list[int]]
    explanations: dict[int, MemberExplanation]
    candidate_pairs: int = 0
    accepted_pairs: int = 0
    skipped_blocks: int = 0
    refused_merges: int = 0
    verdicts: dict[tuple[int, int], Verdict] = field(default_factory=dict, repr=False)


def group_features(all_features: list[Features], settings: DedupeSettings) -> Grouping:
    """Block, compare the candidate pairs, and merge accepted pairs without chaining."""
    blocks = build_blocks(all_features)
    pairs, skipped = candidate_pairs(blocks, all_features, settings.max_block_size)
    del blocks
    verdicts: dict[tuple[int, int], Verdict] = {}
    edges: list[tuple[float, int, int]] = []
    for (first, second) in pairs:
        verdict = compare(all_features[first], all_features[second], settings)
        if verdict.accept:
            # Only accepted verdicts are kept (for explanations); conflicts are re-derived
            # per profile, so a million records do not hold ten million verdicts.
            verdicts[(first, second)] = verdict
            edges.append((-verdict.score, first, second))
    edges.sort()
    grouping = Grouping(groups=[], explanations={}, candidate_pairs=len(pairs), accepted_pairs=len(edges),
                        skipped_blocks=skipped, verdicts=verdicts)
    _merge_edges(all_features, edges, pairs, verdicts, settings, grouping)
    return grouping


def _profiles(all_features: list[Features]) -> list[int]:
    """Index → profile number; records with equal match features share one.

    `compare` reads only these features, so conflicts are checked once per pair of
    profiles: 1,200 identical school records of one textbook are one profile.
    """
    numbers: dict[tuple, int] = {}
    out = []
    for f in all_features:
        signature = (f.main, f.full, f.has_subtitle, f.authors, f.publisher, f.year, f.pages, f.edition,
                     f.volume, f.material, f.language, f.isbns)
        out.append(numbers.setdefault(signature, len(numbers)))
    return out


def _merge_edges(all_features: list[Features], edges: list[tuple[float, int, int]],
                 pairs: dict[tuple[int, int], str], verdicts: dict[tuple[int, int], Verdict],
                 settings: DedupeSettings, grouping: Grouping) -> None:
    parent = list(range(len(all_features)))
    members: dict[int, list[int]] = {}
    profile_of = _profiles(all_features)
    profiles: dict[int, dict[int, int]] = {}  # root → profile → one member with it
    profile_conflicts: dict[tuple[int, int], bool] = {}

    def find(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    def conflict(first: int, second: int) -> bool:
        key = (profile_of[first], profile_of[second])
        if key[0] == key[1]:
            return False
        if key[0] > key[1]:
            key, first, second = (key[1], key[0]), second, first
        known = profile_conflicts.get(key)
        if known is None:
            pair = (first, second) if first < second else (second, first)
            verdict = verdicts.get(pair) or compare(all_features[pair[0]], all_features[pair[1]], settings)
            known = profile_conflicts[key] = verdict.conflict
        return known

    for _, first, second in edges:
        root_a, root_b = find(first), find(second)
        if root_a == root_b:
            continue
        reps_a = profiles.get(root_a, {profile_of[root_a]: root_a})
        reps_b = profiles.get(root_b, {profile_of[root_b]: root_b})
        if any(conflict(x, y) for x in reps_a.values() for y in reps_b.values()):
            grouping.refused_merges += 1
            continue
        group_a = members.get(root_a, [root_a])
        group_b = members.get(root_b, [root_b])
        if len(group_a) < len(group_b) or (len(group_a) == len(group_b) and root_b < root_a):
            root_a, root_b, group_a, group_b, reps_a, reps_b = root_b, root_a, group_b, group_a, reps_b, reps_a
        parent[root_b] = root_a
        members[root_a] = group_a + group_b
        members.pop(root_b, None)
        profiles[root_a] = {**reps_b, **reps_a}
        profiles.pop(root_b, None)
        verdict = verdicts[(first, second)]
        key = pairs[(first, second)]
        for index, other in ((first, second), (second, first)):
            if index not in grouping.explanations:
                grouping.explanations[index] = MemberExplanation(
                    key, round(verdict.score, 1), f"matches {all_features[other].id}: {verdict.reason}"
                )
    ejected = _ambiguous(all_features, edges, find)
    for index in range(len(all_features)):
        if find(index) == index:
            group = sorted(member for member in members.get(index, [index]) if member not in ejected)
            if not group:
                continue
            grouping.groups.append(group)
            if len(group) == 1 and group[0] not in ejected:
                grouping.explanations[group[0]] = MemberExplanation("", None, "no matching record")
    for index, other in sorted(ejected.items()):
        grouping.groups.append([index])
        grouping.explanations[index] = MemberExplanation(
            "", None, f"left alone: without a year it fits {all_features[other].id}'s edition as well as another"
        )


def _ambiguous(all_features: list[Features], edges: list[tuple[float, int, int]], find) -> dict[int, int]:
    """Records without a year that match two different editions about equally: index → other match.

    Such a record (a reprint's copy with its year left out) cannot be placed; a
    singleton is better than a wrong union record.
    """
    inside: dict[int, float] = {}
    outside: dict[int, tuple[float, int]] = {}
    for negative_score, first, second in edges:
        score = -negative_score
        same = find(first) == find(second)
        for index, other in ((first, second), (second, first)):
            if all_features[index].year is not None:
                continue
            if same:
                inside[index] = max(inside.get(index, 0.0), score)
            elif index not in outside or score > outside[index][0]:
                outside[index] = (score, other)
    return {index: other for index, (score, other) in outside.items()
            if index in inside and score >= inside[index] - AMBIGUITY_MARGIN}
