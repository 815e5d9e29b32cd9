"""A library's records sent again under new ids keep the links to the union records they held.

A library that moves to another system, or renumbers its 001s, sends the same books
under new record ids: that night's harvest marks the old ids deleted and adds the new
ones.  A union record that library alone held lost every member and was retired, and
the same book came back as a new union record under a new id, so the links partner
sites keep to the old id answered 404.

So, after clustering, each union record this run retires looks for its successor: a
new record (one that had no union record before) of a library that held it, with the
same folded title key, that `compare` accepts against the retired union record (as the
store holds it, before this run retires it).  When its successors all sit in one
union record, and that union record succeeds no other retired one:

- a new union record (id never created, all members new) takes the retired id, so the
  old links keep reaching the book under its own id;
- an existing one (the re-sent record now matches another library's copy) takes the
  retired id as an alias, which answers 301 to it.

Anything else is a guess (two editions a record without a year could be, copies split
over two union records) and keeps the rule of new ids: a wrong guess would send a
partner's link to another book.  The decision depends on the records alone, not on the
order they were read in, and a full run and an incremental one decide alike: both see
the same retired union records and new records.

A librarian's override naming a record that is gone follows it the same way
(`follow_renumbered`, before clustering): the one live record of its library with the
same folded title key that `compare` accepts against the record as it was last, or that
repeats it field for field (a bare copy `compare` cannot accept: the reason it was named), stands
for it, so a `[[different]]` that undid a wrong merge keeps holding and a `[[same]]` keeps
joining; the run warns, naming that record, so the file can be corrected.  Of two candidates,
the one that repeats it field for field stands for it, else the one that stood for it on an earlier
night (`_standing_for`); otherwise two are a guess (the library holds two records of the edition):
the entry waits, and says so.

Not covered: an id carried over is derived from the old record, so if the new record
later leaves and comes back (withdrawn, then restored) the id does not come back with it,
as ids derived from a record do (dedupe/ids.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from config.settings import DedupeSettings
from dedupe.engine import Clustering
from dedupe.features import Features, record_features
from dedupe.incremental import OVERRIDE_MARK
from dedupe.keys import blocking_keys
from dedupe.match import compare
from dedupe.overrides import Overrides
from store.catalog import CatalogStore
from store.models import Record, UnionRecord, split_record_id

# (holding library, folded title key) → (retired id, its features)
Retired = dict[tuple[str, str], list[tuple[str, Features]]]


def carry_over_ids(store: CatalogStore, clustering: Clustering, removed: list[str], previous: dict[str, str],
                   created: dict[str, int], settings: DedupeSettings) -> tuple[Clustering, dict[str, str]]:
    """(`clustering` with successors renamed and aliases added, retired id → the id it now leads to)."""
    retired = _retired_by_key(store, removed, settings)
    if not retired:
        return clustering, {}
    libraries = {library for library, _ in retired}
    cluster_of = clustering.cluster_of()
    new = [rid for rid in cluster_of if rid not in previous and split_record_id(rid)[0] in libraries]
    successors: dict[str, set[str]] = defaultdict(set)  # retired id → clusters holding its successors
    for record in store.get_records(new):
        features = record_features(0, record, settings)
        for old_id, old_features in retired.get((record.library, features.key_title), ()):
            if compare(old_features, features, settings).accept:
                successors[old_id].add(cluster_of[record.id])
    predecessors: dict[str, list[str]] = defaultdict(list)
    for old_id, clusters in successors.items():
        for cluster_id in clusters:
            predecessors[cluster_id].append(old_id)
    leads = {old_id: next(iter(clusters)) for old_id, clusters in successors.items()
             if len(clusters) == 1 and len(predecessors[next(iter(clusters))]) == 1}
    if not leads:
        return clustering, {}
    renamed = {cluster_id: old_id for old_id, cluster_id in leads.items()
               if cluster_id not in created and not any(rid in previous for rid in clustering.clusters[cluster_id])}
    clusters = {renamed.get(cluster_id, cluster_id): members for cluster_id, members in clustering.clusters.items()}
    aliases = {**clustering.aliases,
               **{old_id: cluster_id for old_id, cluster_id in leads.items() if cluster_id not in renamed}}
    led_to = {old_id: old_id if cluster_id in renamed else cluster_id for old_id, cluster_id in leads.items()}
    return replace(clustering, clusters=clusters, aliases=aliases), led_to


def _retired_by_key(store: CatalogStore, removed: list[str], settings: DedupeSettings) -> Retired:
    """Each union record this run retires, under each library that held it and its folded title key."""
    found: Retired = defaultdict(list)
    for old_id in removed:
        union, _ = store.get_union_record(old_id)
        if union is None or not union.holdings:
            continue
        features = record_features(0, union_as_record(union), settings)
        for library in sorted({holding.library for holding in union.holdings}):
            found[(library, features.key_title)].append((old_id, features))
    return found


def union_as_record(union: UnionRecord) -> Record:
    """The union record as one Record, for `compare`: the fields they share."""
    shared = {name: value for name, value in union if name in Record.model_fields and name != "holdings"}
    return Record(**shared, library=union.holdings[0].library)


def follow_renumbered(store: CatalogStore, overrides: Overrides, written: Iterable[str],
                      settings: DedupeSettings) -> tuple[Overrides, tuple[str, ...]]:
    """(`overrides` applied to the records standing now for the deleted ones they name, one message each).

    `written`: the records written since the last run, whose dedupe keys are not stored yet.  The same
    records are followed every night, as long as the file names the deleted ones.
    """
    named = overrides.record_ids()
    gone = store.last_records(named - {record.id for record in store.get_records(named)}) if named else []
    if not gone:
        return overrides, ()
    libraries = {record.library for record in gone}
    # New records have no stored keys yet; a successor found before carries the override mark
    # (a bare copy has no block key to be found by).  Read and reduced once, whatever the number of entries.
    followed_before = store.records_with_keys([OVERRIDE_MARK])
    new = {rid for rid in (*written, *followed_before) if split_record_id(rid)[0] in libraries}
    fresh = [(record, record_features(0, record, settings)) for record in store.get_records(new)]
    successors: dict[str, str] = {}
    waiting: dict[str, int] = {}  # deleted id → records that could stand for it: none, or two and more
    for old in gone:
        old_features = record_features(0, old, settings)
        keyed = store.records_with_keys(blocking_keys(old_features)) - new
        candidates = [*fresh, *((record, record_features(0, record, settings)) for record in store.get_records(keyed))]
        accepted = [record for record, features in candidates
                    if record.library == old.library and record.id != old.id
                    and features.key_title == old_features.key_title
                    and (_content(record) == _content(old) or compare(old_features, features, settings).accept)]
        standing = _standing_for(old, accepted, followed_before)
        if len(standing) == 1:
            successors[old.id] = standing[0].id
        else:
            waiting[old.id] = len(standing)
    where = overrides.path or "overrides"
    messages = [f"{where}: record {old!r} is not in the catalog (its library deleted it); {new!r} of the same "
                f"library is the same book under a new record number, so the entry applies to it: write {new!r} "
                "in the file" for old, new in sorted(successors.items())]
    messages += [f"{where}: record {old!r} is not in the catalog (its library deleted it), and "
                 + (f"{count} records of its library could stand for it" if count else
                    "no record of its library stands for it")
                 + ", so the entry waits: write the record that stands for it in the file, or remove the entry"
                 for old, count in sorted(waiting.items())]
    return replace(overrides.renamed(successors), deleted=tuple(sorted(waiting))), tuple(messages)


def _standing_for(old: Record, accepted: list[Record], followed_before: set[str]) -> list[Record]:
    """Which of the records that could stand for `old` do: the one repeating it field for field, else the
    one that stood for it on an earlier night, else all of them (one is the answer, two or more a guess).

    The earlier night's choice keeps the entry where it was when the library catalogues another copy:
    a third copy switched the entry off, and its going switched it on again, each time moving union
    ids (review).  A record catalogued before the named one was deleted may stand for it: a library
    merging its own double entries, or making the new record a night before deleting the old, keeps
    the one that survives."""
    content = _content(old)
    repeats = [record for record in accepted if _content(record) == content]
    stood_before = [record for record in accepted if record.id in followed_before]
    return next((chosen for chosen in (repeats, stood_before) if len(chosen) == 1), accepted)


def _content(record: Record) -> dict:
    """What a record says of its book: all but the ids and holdings a renumbering changes."""
    return record.model_dump(exclude={"id", "local_id", "holdings"})
