"""Group matching records into clusters without chaining.

Accepted pairs are taken best score first; two groups merge only when no pair
across them is a conflict (see `match.Verdict`).  So A≈B and B≈C put C with A
only if C does not contradict A.  Records are sorted by id first and ties broken
by id, so the same input in any order gives the same groups.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from config.settings import DedupeSettings
from dedupe.ambiguity import ambiguous_records
from dedupe.features import Features
from dedupe.keys import key_text
from dedupe.match import Verdict, compare
from dedupe.overrides import OVERRIDE_KEY
from dedupe.scoring import Scored, note_nearest, score_blocks


# Pairs a librarian forced together sort before every scored match (edges sort by -score).
FORCED_EDGE_SCORE = 1000.0


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
    # Index → smallest index of its connected region of accepted matches: the unit an
    # incremental run re-clusters (clusters never reach across two regions).
    components: list[int] = field(default_factory=list, repr=False)
    # Copies fitting two union records equally, left alone (dedupe/ambiguity.py): on a tied split
    # they keep no id from the record they were part of (dedupe/ids.py).
    left_alone: set[int] = field(default_factory=set, repr=False)


def group_features(all_features: list[Features], settings: DedupeSettings,
                   forced_same: list[tuple[int, int]] = (), forced_different: set[tuple[int, int]] = frozenset(),
                   pairs: dict[tuple[int, int], str] | None = None, skipped: int = 0,
                   neighbours: list[tuple[int, Features]] = ()) -> Grouping:
    """Block (unless `pairs` are given), compare, and merge accepted pairs without chaining.

    `forced_same` and `forced_different` are index pairs (smaller first) from the
    librarians' overrides file.  `neighbours` (index, features of a record outside
    the input) are candidate pairs compared only to explain a record left alone.
    """
    verdicts: dict[tuple[int, int], Verdict] = {}
    found_by: dict[tuple[int, int], str] = {}
    for pair in forced_same:
        found_by[pair] = OVERRIDE_KEY
        verdicts[pair] = Verdict(True, False, 100.0, "forced together by a librarian (overrides file)")
    skip = set(forced_different) | set(verdicts)
    if pairs is None:
        scored = score_blocks(all_features, settings, skip)
        compared, skipped = scored.compared, scored.oversized
    else:
        compared = len(pairs)
        scored = Scored()
        scored.score(((first, second, key) for (first, second), key in pairs.items() if (first, second) not in skip),
                     all_features, settings)
    nearest, guarded = scored.nearest, scored.guarded
    for index, outside in neighbours:
        note_nearest(nearest, index, outside, _ordered_compare(all_features[index], outside, settings).score)
    verdicts.update(scored.verdicts)
    found_by.update(scored.found_by)
    edges = [(-FORCED_EDGE_SCORE if found_by[pair] == OVERRIDE_KEY else -verdict.score, pair[0], pair[1])
             for pair, verdict in verdicts.items()]
    edges.sort()
    grouping = Grouping(groups=[], explanations={}, candidate_pairs=compared, accepted_pairs=len(edges),
                        skipped_blocks=skipped, verdicts=verdicts)
    grouping.components = _components(len(all_features), edges)
    _merge_edges(all_features, edges, found_by, verdicts, settings, grouping, forced_different)
    for index, explanation in grouping.explanations.items():
        if explanation.decision.startswith(NO_MATCH) and guarded and guarded[index] < len(guarded):
            _note_guarded(nearest, all_features, index, guarded[index], settings)
        if explanation.decision.startswith(NO_MATCH) and index in nearest:
            other = nearest[index][1]
            reason = _ordered_compare(all_features[index], other, settings).reason
            grouping.explanations[index] = MemberExplanation(
                "", None, explanation.decision.replace(NO_MATCH, f"{NO_MATCH}; nearest candidate {other.id}: {reason}", 1))
    return grouping


NO_MATCH = "no matching record"


def _note_guarded(nearest: dict[int, tuple[float, Features]], all_features: list[Features], index: int,
                  other: int, settings: DedupeSettings) -> None:
    """Give a record left alone the guard-refused partner `scoring.BlockScan` skipped, when it is the nearest.

    A guard refusal scores 0, so it is the nearest only when nothing refused scored
    higher (ties: smaller id, as `note_nearest`).
    """
    known = nearest.get(index)
    partner = all_features[other]
    if known is not None and (known[0] > 0.0 or known[1].id < partner.id):
        return
    note_nearest(nearest, index, partner, _ordered_compare(all_features[index], partner, settings).score)


def _ordered_compare(one: Features, other: Features, settings: DedupeSettings) -> Verdict:
    """`compare` with the smaller id first, as every scan calls it (reasons read "year A vs B" in that order)."""
    return compare(one, other, settings) if one.id < other.id else compare(other, one, settings)


def _components(size: int, edges: list[tuple[float, int, int]]) -> list[int]:
    """Index → smallest index connected to it by accepted edges."""
    parent = list(range(size))

    def find(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for _, first, second in edges:
        root_a, root_b = find(first), find(second)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    return [find(index) for index in range(size)]


def _profiles(all_features: list[Features], typed: bool = True) -> list[int]:
    """Index → profile number; records with equal match features share one.

    `compare` reads only these features, so conflicts are checked once per pair of
    profiles: 1,200 identical school records of one textbook are one profile.  Every
    feature `compare` reads is in the signature: records of one profile are never
    checked against each other ("Đại số" and "Hình học" once shared one).  Without `typed`, records
    alike but for the marks their title or authors were typed with (`Features.typed_title`,
    `typed_authors`) share one.
    """
    numbers: dict[tuple, int] = {}
    out = []
    for f in all_features:
        signature = (f.main, f.full, f.has_subtitle, f.not_stopwords, f.typed_title if typed else "", f.authors,
                     f.typed_authors if typed else (), f.translators, f.responsible, f.publisher, f.year, f.pages, f.edition, f.volume, f.volumes, f.part, f.series, f.series_numbers, f.companion,
                     f.material, f.language, f.isbns, f.issns)
        out.append(numbers.setdefault(signature, len(numbers)))
    return out


def _merge_edges(all_features: list[Features], edges: list[tuple[float, int, int]],
                 pairs: dict[tuple[int, int], str], verdicts: dict[tuple[int, int], Verdict],
                 settings: DedupeSettings, grouping: Grouping,
                 forced_different: set[tuple[int, int]] = frozenset()) -> None:
    parent = list(range(len(all_features)))
    members: dict[int, list[int]] = {}
    profile_of = _profiles(all_features)
    # A forced pair vouches for copies of its two records typed with other marks or none ("Dat rung
    # phuong Nam" beside "Đất rừng phương Nam"), as for copies exactly like them.
    vouch_of = _profiles(all_features, typed=False)
    profiles: dict[int, dict[int, int]] = {}  # root → profile → one member with it
    profile_conflicts: dict[tuple[int, int], str] = {}  # "" = no conflict, else the reason
    apart: dict[int, set[int]] = {}  # index → indices a librarian keeps apart from it
    for first, second in forced_different:
        apart.setdefault(first, set()).add(second)
        apart.setdefault(second, set()).add(first)
    flagged: dict[int, set[int]] = {index: {index} for index in apart}  # root → its members with `apart` entries
    refusals: dict[int, str] = {}
    refused_with: dict[int, tuple[int, str]] = {}  # index → (other, why): written once `ejected` is known
    matched_with: dict[int, int] = {}  # index → the record its explanation names
    # index → records its match joined two groups of matches by: no member's own match names that pair.
    joined_by: dict[int, list[int]] = {}
    # root → profile pairs a librarian's forced pair vouches for inside that group: other
    # copies exactly like the two forced records may join it too.
    waived: dict[int, set[tuple[int, int]]] = {}

    def find(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    def conflict(first: int, second: int) -> str:
        key = (profile_of[first], profile_of[second])
        if key[0] == key[1]:
            return ""
        if key[0] > key[1]:
            key, first, second = (key[1], key[0]), second, first
        known = profile_conflicts.get(key)
        if known is None:
            pair = (first, second) if first < second else (second, first)
            verdict = verdicts.get(pair) or compare(all_features[pair[0]], all_features[pair[1]], settings)
            known = profile_conflicts[key] = verdict.reason if verdict.conflict else ""
        return known

    def representatives(root: int) -> dict[int, int]:
        return profiles.get(root, {profile_of[root]: root})

    def first_conflict(reps_a: dict[int, int], reps_b: dict[int, int],
                       vouched: Collection[tuple[int, int]]) -> tuple[str, int, int] | None:
        """The first conflict across two groups' profiles no librarian's forced pair vouches for."""
        return next(((found, x, y) for x in reps_a.values() for y in reps_b.values()
                     if (found := conflict(x, y)) and tuple(sorted((vouch_of[x], vouch_of[y]))) not in vouched),
                    None)

    def could_join(index: int, other: int) -> bool:
        """Whether `index` alone could join `other`'s union record: no member there conflicts with it."""
        root = find(other)
        return first_conflict({profile_of[index]: index}, representatives(root), waived.get(root, ())) is None

    def kept_apart(root_a: int, root_b: int) -> str:
        for index in flagged.get(root_a, ()):
            for other in apart[index]:
                if find(other) == root_b:
                    return f"{all_features[index].id} and {all_features[other].id} kept apart by a librarian"
        return ""

    def refuse(first: int, second: int, reason: str, blocker_a: int, blocker_b: int) -> None:
        """`first` and `second` stay apart because `blocker_a` (with `first`) conflicts with `blocker_b`:
        each is told of the union record of the conflicting record on the other side, never of a
        member that agrees with it ("translators differ" once named a record without a translator)."""
        grouping.refused_merges += 1
        for index, other in ((first, blocker_b), (second, blocker_a)):
            refused_with.setdefault(index, (other, reason))

    for negative_score, first, second in edges:
        root_a, root_b = find(first), find(second)
        if root_a == root_b:
            continue
        separated = (kept_apart(root_a, root_b) or kept_apart(root_b, root_a)) if flagged else ""
        if separated:
            refuse(first, second, separated, first, second)
            continue
        forced = negative_score <= -FORCED_EDGE_SCORE
        if not forced:
            vouched = (waived.get(root_a, set()) | waived.get(root_b, set())) if waived else ()
            blocked = first_conflict(representatives(root_a), representatives(root_b), vouched)
            if blocked:
                found, x, y = blocked
                refuse(first, second, _between(all_features, found, x, y, first, second), x, y)
                continue
        reps_a, reps_b = representatives(root_a), representatives(root_b)
        group_a = members.get(root_a, [root_a])
        group_b = members.get(root_b, [root_b])
        if len(group_a) < len(group_b) or (len(group_a) == len(group_b) and root_b < root_a):
            root_a, root_b, group_a, group_b, reps_a, reps_b = root_b, root_a, group_b, group_a, reps_b, reps_a
        if len(group_b) > 1:
            joining = first if find(first) == root_b else second
            joined_by.setdefault(joining, []).append(second if joining == first else first)
        parent[root_b] = root_a
        members[root_a] = group_a + group_b
        members.pop(root_b, None)
        profiles[root_a] = {**reps_b, **reps_a}
        profiles.pop(root_b, None)
        if flagged and (root_b in flagged or root_a in flagged):
            flagged[root_a] = flagged.get(root_a, set()) | flagged.pop(root_b, set())
        if forced or root_b in waived:
            waived[root_a] = waived.get(root_a, set()) | waived.pop(root_b, set())
            if forced:
                waived[root_a].add(tuple(sorted((vouch_of[first], vouch_of[second]))))
        for index, other in ((first, second), (second, first)):
            if index not in grouping.explanations:
                _explain_match(grouping, all_features, pairs, verdicts, first, second, index)
                matched_with[index] = other
    ejected = ambiguous_records(all_features, edges, find, could_join, settings)
    grouping.left_alone = set(ejected)
    if ejected:
        stale = {index for index, other in matched_with.items() if other in ejected and index not in ejected}
        _explain_again(stale, ejected, all_features, edges, pairs, verdicts, find, grouping)
    for index, (other, reason) in refused_with.items():
        if other in ejected:  # name a record still in the union record refused, not the one taken out of it
            other = min((member for member in members.get(find(other), ()) if member not in ejected), default=other)
        refusals[index] = f"not joined with {all_features[other].id}'s union record: {reason}"
    for index in range(len(all_features)):
        if find(index) == index:
            group = sorted(member for member in members.get(index, [index]) if member not in ejected)
            if not group:
                continue
            grouping.groups.append(group)
            if len(group) == 1 and group[0] not in ejected:
                grouping.explanations[group[0]] = MemberExplanation("", None, NO_MATCH)
    for index, (other, own, missing) in sorted(ejected.items()):
        grouping.groups.append([index])
        grouping.explanations[index] = MemberExplanation(
            "", None, f"left alone: it fits {all_features[other].id}'s union record as well as "
                      f"{all_features[own].id}'s, and without {missing} nothing tells which")
    for index in sorted(apart):
        others = ", ".join(sorted(all_features[other].id for other in apart[index]))
        refusals[index] = (refusals[index] + "; " if index in refusals else "") + \
            f"kept apart by a librarian from {others} (overrides file)"
    for index, others in joined_by.items():
        notes = [_joined_note(all_features, pairs, verdicts, index, other) for other in others if other not in ejected]
        if notes and index not in ejected:
            refusals[index] = "; ".join(notes + ([refusals[index]] if index in refusals else []))
    for index, note in refusals.items():
        if index not in ejected:
            explanation = grouping.explanations[index]
            grouping.explanations[index] = MemberExplanation(explanation.found_by, explanation.score,
                                                             f"{explanation.decision}; {note}")


def _between(all_features: list[Features], reason: str, x: int, y: int, first: int, second: int) -> str:
    """A conflict's reason, naming its two records when they are not the pair that was to join: "title 45"
    was told of a record scoring 100 with the one named, against another member of its union record (review)."""
    if {x, y} == {first, second}:
        return reason
    one, other = sorted((all_features[x].id, all_features[y].id))
    return f"{reason} ({one} vs {other})"


def _joined_note(all_features: list[Features], pairs: dict[tuple[int, int], str],
                 verdicts: dict[tuple[int, int], Verdict], index: int, other: int) -> str:
    """How the records matched through `index` joined those matched through `other`: the pair that
    linked two groups, which no member's own match names (review: "Nhật ký trong tù")."""
    pair = (min(index, other), max(index, other))
    verdict = verdicts[pair]
    other_id = all_features[other].id
    return (f"linked to {other_id}'s group by its match with {other_id} "
            f"(found by {key_text(pairs[pair])}, score {verdict.score:.1f}): {verdict.reason}")


def _explain_match(grouping: Grouping, all_features: list[Features], pairs: dict[tuple[int, int], str],
                   verdicts: dict[tuple[int, int], Verdict], first: int, second: int, index: int) -> None:
    """Explain `index` (first or second) by its accepted pair with the other."""
    verdict = verdicts[(first, second)]
    other = second if index == first else first
    grouping.explanations[index] = MemberExplanation(
        pairs[(first, second)], round(verdict.score, 1), f"matches {all_features[other].id}: {verdict.reason}")


def _explain_again(stale: set[int], ejected: dict[int, tuple[int, int, str]], all_features: list[Features],
                   edges: list[tuple[float, int, int]], pairs: dict[tuple[int, int], str],
                   verdicts: dict[tuple[int, int], Verdict], find, grouping: Grouping) -> None:
    """Members first explained by a match with a record `ambiguity.ambiguous_records` then took out of their union
    record (`stale`) are explained by their best match still inside it (edges come best first)."""
    for _, first, second in edges:
        if not stale:
            return
        if first in ejected or second in ejected or find(first) != find(second):
            continue
        for index in (first, second):
            if index in stale:
                _explain_match(grouping, all_features, pairs, verdicts, first, second, index)
                stale.discard(index)
