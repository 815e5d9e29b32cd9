"""Stable union-record ids: partner sites link to them, so they survive nightly runs.

- A cluster keeps the id most of its members carried last run.
- An old id goes to the new cluster holding most of its old members, so on a
  split the larger part keeps it (tie: a part where no older id competes, so a
  cluster that only lost a member keeps its id; then the smallest member id).
- A cluster that wins several old ids (a merge) keeps the oldest by creation
  sequence (tie: the smaller id); the others become aliases of it.
- A new cluster's id is "u" + 10 base32 characters of a hash of its smallest
  member id: derived from content, never from processing order.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter

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
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """(cluster id → sorted member ids, alias → surviving id) for groups of record ids."""
    previous = previous or {}
    created = created or {}
    groups = sorted((sorted(group) for group in groups if group), key=lambda group: group[0])
    winners = _old_id_winners(groups, previous, created)
    won: dict[int, list[str]] = {}
    for old_id, position in winners.items():
        won.setdefault(position, []).append(old_id)
    taken = set(created) | set(previous.values())
    clusters: dict[str, list[str]] = {}
    aliases: dict[str, str] = {}
    fresh: list[int] = []
    for position, group in enumerate(groups):
        candidates = won.get(position)
        if not candidates:
            fresh.append(position)
            continue
        candidates.sort(key=lambda old: (created.get(old, float("inf")), old))
        survivor = candidates[0]
        clusters[survivor] = group
        for old_id in candidates[1:]:
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


def _old_id_winners(groups: list[list[str]], previous: dict[str, str], created: dict[str, int]) -> dict[str, int]:
    """Old id → position of the group that holds most of its current members.

    On a tie, a group holding members of an older id would keep that one and make
    this id an alias, so a group where no older id competes is preferred: when one
    member of U2 joins the older U1, U2's other member keeps U2.
    """
    def age(old_id: str) -> tuple[float, str]:
        return created.get(old_id, float("inf")), old_id

    best: dict[str, tuple[int, bool, int]] = {}  # old id → (-votes, an older id competes, position)
    for position, group in enumerate(groups):
        votes = Counter(previous[rid] for rid in group if rid in previous)
        oldest = min(votes, key=age, default=None)
        for old_id, count in votes.items():
            # Groups are sorted by smallest member, so on a full tie the earlier group wins.
            rank = (-count, oldest != old_id, position)
            if old_id not in best or rank < best[old_id]:
                best[old_id] = rank
    return {old_id: rank[2] for old_id, rank in best.items()}
