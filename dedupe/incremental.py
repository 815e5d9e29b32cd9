"""The nightly run: re-cluster only the region that new, changed and deleted records touch.

Why the result equals a full rebuild: clustering (`cluster.group_features`) only
ever joins records along accepted matches, so each connected region of accepted
matches is clustered on its own, from its own records.  A change can alter a
match only between records that share a block with a touched record (a touched
record's own pairs, and the sorted-neighbour windows of blocks it joins or
leaves).  So the regions that can change are the old regions of those records
(`component:` keys kept from the last run) plus the touched records; every
other region keeps its clusters, explanations and ids untouched.

Candidate pairs inside the region come from complete blocks: every block a
region record carries is read in full from `dedupe_keys`, because a large
block's sorted-neighbour windows depend on all of its members.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, replace

from config.settings import DedupeSettings
from dedupe.engine import Clustering, cluster_features
from dedupe.features import Features, record_features
from dedupe.keys import blocking_keys, build_blocks, candidate_pairs
from dedupe.overrides import Overrides
from store.catalog import CatalogStore

COMPONENT_PREFIX = "component:"
# Key carried by every record the overrides file names, so a record dropped from the
# file is still found (and re-examined) by the next run.
OVERRIDE_MARK = "override:"
SETTINGS_PREFIX = "settings:"
SETTINGS_HOLDER = "~settings"  # the pseudo record id that carries the settings fingerprint
FEATURE_BATCH = 1000  # records read from the store at a time while features are taken


def is_block_key(key: str) -> bool:
    return not key.startswith((COMPONENT_PREFIX, OVERRIDE_MARK, SETTINGS_PREFIX))


@dataclass
class Region:
    """What one incremental run re-clusters: live records' ids, and ids gone since the last run."""

    record_ids: set[str]
    gone: set[str]
    loaded_for_blocks: int
    clustering: Clustering


def touched_ids(store: CatalogStore, written: set[str], overrides: Overrides) -> set[str]:
    """The records `written` since the last run (live or deleted: `store.records_changed_since`), plus every
    record the overrides file names now or named before."""
    return written | overrides.record_ids() | (store.records_with_keys([OVERRIDE_MARK]) - {""})


def find_region(store: CatalogStore, touched: set[str], settings: DedupeSettings) -> set[str]:
    """Ids of every record (live or gone) whose cluster `touched` can change: its region."""
    old_keys = store.dedupe_keys_of(touched)
    touched_live = {record.id: record for record in store.get_records(touched)}
    blocks = {key for keys in old_keys.values() for key in keys if is_block_key(key)}
    for index, record in enumerate(touched_live.values()):
        blocks.update(blocking_keys(record_features(index, record, settings)))
    sharing = touched | store.records_with_keys(blocks)
    components = {key for keys in store.dedupe_keys_of(sharing).values() for key in keys
                  if key.startswith(COMPONENT_PREFIX)}
    return sharing | store.records_with_keys(components)


def recluster_region(store: CatalogStore, region_ids: set[str], settings: DedupeSettings,
                     overrides: Overrides, previous: dict[str, str], created: dict[str, int],
                     former: dict[str, str | None] | None = None, changed: Set[str] = frozenset(),
                     last_members_of: Mapping[str, Iterable[str]] | None = None) -> Region:
    """Cluster the region (`find_region`) exactly as a full run would."""
    # Features only: the region and its edge can be most of the catalogue (a block of a
    # few thousand school copies), and holding their Records took 1.1 GB for 100,000 records.
    region_features = _features(store, region_ids, settings)
    region_keys = {key for features in region_features for key in blocking_keys(features)}
    # Untouched records outside the region that share a block with it: read for block
    # completeness only (they keep their clusters).
    outside = _features(store, store.records_with_keys(region_keys) - region_ids, settings)
    pairs, skipped, neighbours = _region_pairs(region_features, outside, region_keys, settings)
    clustering = cluster_features(
        region_features, settings,
        {rid: previous[rid] for rid in region_ids if rid in previous}, created, overrides, pairs, skipped,
        with_keys=True, neighbours=neighbours, former=former, changed=changed, last_members_of=last_members_of,
    )
    live = {features.id for features in region_features}
    return Region(live, region_ids - live, len(outside), clustering)


def _features(store: CatalogStore, ids: set[str], settings: DedupeSettings) -> list[Features]:
    """Features of the live records among `ids`, indexed in id order; Records are read a batch at a time."""
    out: list[Features] = []
    wanted = sorted(ids)
    for start in range(0, len(wanted), FEATURE_BATCH):
        for record in sorted(store.get_records(wanted[start:start + FEATURE_BATCH]), key=lambda r: r.id):
            out.append(record_features(len(out), record, settings))
    return out


def _region_pairs(region: list[Features], outside: list[Features], region_keys: set[str],
                  settings: DedupeSettings) -> tuple[dict[tuple[int, int], str], int, list[tuple[int, Features]]]:
    """Candidate pairs between region records, from the region's blocks read in full.

    Also (region index, outside features) for candidates across the region's edge:
    never matches (see the module docstring), but a full run would name them when
    explaining a record left alone.
    """
    merged = sorted((*region, *outside), key=lambda features: features.id)
    everything = [replace(features, index=position) for position, features in enumerate(merged)]
    in_region = {features.id for features in region}
    blocks = {key: members for key, members in build_blocks(everything).items() if key in region_keys}
    pairs, skipped = candidate_pairs(blocks, everything, settings.max_block_size)
    local: dict[int, int] = {}
    for features in everything:
        if features.id in in_region:
            local[features.index] = len(local)
    out: dict[tuple[int, int], str] = {}
    neighbours: list[tuple[int, Features]] = []
    for (first, second), key in pairs.items():
        if first in local and second in local:
            out[(local[first], local[second])] = key
        elif first in local:
            neighbours.append((local[first], everything[second]))
        elif second in local:
            neighbours.append((local[second], everything[first]))
    return out, skipped, neighbours
