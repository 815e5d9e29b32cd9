"""Stable union-record ids: partner sites link to them, so they survive nightly runs.

- A cluster keeps the id most of its members carried last run.
- An old id goes to the new cluster holding most of its old members, so on a
  split the larger part keeps it (tie: a part where no older id competes, so a
  cluster that only lost a member keeps its id; then the part with fewer of its
  old members changed since the last run, so a copy recatalogued as another
  volume leaves and the unchanged copies keep the id; then a part that is not a
  copy left alone because it fits two union records (dedupe/ambiguity.py), so a
  school's bare copy never takes the id from the full record it was joined to;
  then the smallest member id).
- A cluster that wins several old ids (a merge) keeps the oldest by creation
  sequence (tie: the smaller id); the others become aliases of it.
- A new cluster's id is "u" + 10 base32 characters of a hash of its smallest
  member id: derived from content, never from processing order.
- An id that is no cluster any more comes back when a record it was derived
  from (its "seed") does: a retired id (every member deleted) for the cluster
  that holds again one of its seeds, the record its hash was made from or any
  member of its last version, once that record is restored (a sweep, a reject
  fixed; with several, the cluster holding most of them, tie: the first by
  smallest member), and an alias (a merged-away id) for a cluster that leaves the one it
  was merged into with its seed (a wrong merge undone).  Holding a seed of an
  alias of X makes a group yield X on a tie, so the undone merge gives each part
  its own id back.  A restored seed whose cluster wins another id makes its
  retired id an alias of that one: old links still reach the book.  A retired id
  comes back only when the returning record is still its book (a record number
  reused for another book is not): dedupe/returning.py, after these rules.
- A library's records sent again under new ids keep the ids of the union records
  they alone held: dedupe/succession.py, after these rules.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Set

ID_PREFIX = "u"
ID_HASH_CHARS = 10


def new_cluster_id(smallest_member: str, salt: int = 0) -> str:
    """Short URL-safe id from the smallest member id (salted only on a collision)."""
    material = smallest_member if salt == 0 else f"{smallest_member}#{salt}"
    digest = hashlib.sha256(material.encode("utf-8")).digest()
    return ID_PREFIX + base64.b32encode(digest).decode("ascii")[:ID_HASH_CHARS].lower()


def assign_ids(
    groups: list[list[str]],
    previous: dict[str, str] | None = None,
    created: dict[str, int] | None = None,
    former: dict[str, str | None] | None = None,
    changed: Set[str] = frozenset(),
    left_alone: Set[str] = frozenset(),
    last_members_of: Mapping[str, Iterable[str]] | None = None,
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """(cluster id → sorted member ids, alias → surviving id) for groups of record ids.

    `former` maps each id that is no cluster any more to the id it is an alias of,
    or None when it was retired; only its ids can come back (see the module docstring).
    `changed` holds the records rewritten since the last run, and `left_alone` the copies
    left alone as ambiguous: both decide a tied split.  `last_members_of` maps a record to
    the retired ids whose last version held it (`CatalogStore.retired_ids_of_returning_records`).
    """
    previous = previous or {}
    created = created or {}
    groups = sorted((sorted(group) for group in groups if group), key=lambda group: group[0])
    seeds = _seeded_former_ids(groups, previous, created, former or {}, last_members_of or {})
    home = _where_former_ids_come_back(groups, seeds)
    winners = _old_id_winners(groups, previous, created, seeds, changed, left_alone)
    won: dict[int, list[str]] = {}
    for old_id, position in winners.items():
        won.setdefault(position, []).append(old_id)
    taken = set(created) | set(previous.values())
    clusters: dict[str, list[str]] = {}
    aliases: dict[str, str] = {}
    fresh: list[int] = []
    for position, group in enumerate(groups):
        candidates = won.get(position, [])
        back = list(dict.fromkeys(old_id for rid in group for old_id, target in seeds.get(rid, ())
                                  if (target is None or not candidates) and home[old_id] == position))
        if not candidates and not back:
            fresh.append(position)
            continue
        # A retired id that comes back with a group that kept its id is an alias of it: the
        # live id is the one partner sites see now.
        candidates.sort(key=lambda old: (created.get(old, float("inf")), old))
        back.sort(key=lambda old: (created.get(old, float("inf")), old))
        survivor = (candidates or back)[0]
        clusters[survivor] = group
        for old_id in candidates[1:] + (back if candidates else back[1:]):
            aliases[old_id] = survivor
    taken |= set(clusters)
    for position in fresh:
        group = groups[position]
        salt = 0
        cluster_id = new_cluster_id(group[0])
        while cluster_id in taken:
            salt += 1
            cluster_id = new_cluster_id(group[0], salt)
        taken.add(cluster_id)
        clusters[cluster_id] = group
    return clusters, aliases


def _seeded_former_ids(groups: list[list[str]], previous: dict[str, str], created: dict[str, int],
                       former: dict[str, str | None],
                       last_members_of: Mapping[str, Iterable[str]]) -> dict[str, list[tuple[str, str | None]]]:
    """Record id → (former id, its alias target or None) of the ids derived from that record
    that may come back: retired ones when the record had no cluster last run (it is back),
    derived from it or held by it when retired, and aliases of the cluster the record was in
    last run.

    Only records without a cluster, or in a cluster that absorbed an alias, are hashed:
    a few per night.
    """
    if not former:
        return {}
    targets = set(former.values())
    seeds: dict[str, list[tuple[str, str | None]]] = {}
    for group in groups:
        for rid in group:
            old = previous.get(rid)
            if old is not None and old not in targets:
                continue
            salt = 0
            # Salts are taken in order, so the first id never created ends the ones this record seeded.
            while (cluster_id := new_cluster_id(rid, salt)) in created:
                if cluster_id in former and former[cluster_id] == old:
                    seeds.setdefault(rid, []).append((cluster_id, old))
                salt += 1
            if old is None:
                for retired in last_members_of.get(rid, ()):
                    if retired in former and former[retired] is None and (retired, None) not in seeds.get(rid, ()):
                        seeds.setdefault(rid, []).append((retired, None))
    return seeds


def _where_former_ids_come_back(groups: list[list[str]],
                                seeds: dict[str, list[tuple[str, str | None]]]) -> dict[str, int]:
    """Former id → position of the one group it may come back with: the one holding most of its
    seeds (a retired id's last members may return in different groups), tie: the first."""
    votes: dict[str, Counter[int]] = {}
    for position, group in enumerate(groups):
        for rid in group:
            for old_id, _ in seeds.get(rid, ()):
                votes.setdefault(old_id, Counter())[position] += 1
    return {old_id: min(count, key=lambda position: (-count[position], position)) for old_id, count in votes.items()}


def _old_id_winners(groups: list[list[str]], previous: dict[str, str], created: dict[str, int],
                    seeds: dict[str, list[tuple[str, str | None]]], changed: Set[str],
                    left_alone: Set[str]) -> dict[str, int]:
    """Old id → position of the group that holds most of its current members.

    On a tie, a group holding members of an older id would keep that one and make
    this id an alias, so a group where no older id competes is preferred: when one
    member of U2 joins the older U1, U2's other member keeps U2.  So is a group
    holding the seed of an alias of this id, which takes that alias back instead.  Then
    a group where fewer of its old members changed: the id names what they were.  Then a
    group that is not a copy left alone as ambiguous: the id names the fuller record it fitted.
    """
    def age(old_id: str) -> tuple[float, str]:
        return created.get(old_id, float("inf")), old_id

    # old id → (-votes, another id competes, changed, a copy left alone, position)
    best: dict[str, tuple[int, bool, int, bool, int]] = {}
    for position, group in enumerate(groups):
        votes = Counter(previous[rid] for rid in group if rid in previous)
        changed_votes = Counter(previous[rid] for rid in group if rid in previous and rid in changed)
        oldest = min(votes, key=age, default=None)
        own_alias_of = {target for rid in group for _, target in seeds.get(rid, ())}
        alone = len(group) == 1 and group[0] in left_alone
        for old_id, count in votes.items():
            # Groups are sorted by smallest member, so on a full tie the earlier group wins.
            rank = (-count, oldest != old_id or old_id in own_alias_of, changed_votes[old_id], alone, position)
            if old_id not in best or rank < best[old_id]:
                best[old_id] = rank
    return {old_id: rank[-1] for old_id, rank in best.items()}
