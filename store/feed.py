"""The union records as a dated change feed, for the OAI-PMH data provider (search_api/oai.py).

A union record's datestamp is the time the write transaction that last changed it committed
(`seq_times`); a transaction older than the times kept is dated by the next one kept.
Pages are read in (seq, rowid) order from a position, never by offset: a harvester
paging through a million records costs one index range read per page, and a record
changed during its harvest moves to the end of the list, where it is read again, so
none is missed.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime

from config.settings import VIETNAM_TIME
from store.catalog import CatalogStore, utc_now

_DATESTAMP = "(SELECT at FROM seq_times t WHERE t.seq >= u.{} ORDER BY t.seq LIMIT 1)"
_SELECT = (f"SELECT u.id, {_DATESTAMP.format('seq')}, CASE WHEN u.deleted THEN NULL ELSE CAST(u.record AS BLOB) END, "
           f"u.seq, u.rowid, {_DATESTAMP.format('created_seq')} FROM union_records u")
NO_LIMIT = 2 ** 62


@dataclass(frozen=True)
class FeedEntry:
    """One union record as the feed lists it; `payload` is None for a record no longer in the catalogue."""

    union_id: str
    datestamp: str  # when it last changed
    payload: bytes | None
    position: tuple[int, int]  # (seq, rowid): where the next page starts after this entry
    created: str  # when it came into the catalogue (MARC 008/00-05, "date entered on file")
    former_ids: tuple[str, ...] = ()  # union records merged into this one (their ids now answer with it)


def seq_range(store: CatalogStore, from_: str | None, until: str | None) -> tuple[int, int]:
    """The sequence values whose datestamps fall in [from_, until] (ISO 8601 UTC, "…Z"), inclusive."""
    with closing(store._reader()) as conn:
        low = 0
        if from_ is not None:
            before = conn.execute("SELECT MAX(seq) FROM seq_times WHERE at < ?", (from_,)).fetchone()[0]
            low = (before or 0) + 1
        high = NO_LIMIT
        if until is not None:
            high = conn.execute("SELECT MAX(seq) FROM seq_times WHERE at <= ?", (until,)).fetchone()[0] or 0
    return low, high


def feed_page(store: CatalogStore, after: tuple[int, int], high: int, limit: int) -> list[FeedEntry]:
    """Up to `limit` union records (live or deleted) after position `after`, with seq ≤ `high`."""
    seq, rowid = after
    with closing(store._reader()) as conn:
        # Two range reads of the (seq, rowid) index, not one "(seq, rowid) > (?, ?)": SQLite
        # would scan every earlier row of the same seq, and a full dedupe run gives a million
        # records one seq (20 ms a page deep into it; 0.5 ms this way).
        rows = conn.execute(f"{_SELECT} WHERE u.seq = ? AND u.rowid > ? AND u.seq <= ? ORDER BY u.rowid LIMIT ?",
                            (seq, rowid, high, limit)).fetchall()
        if len(rows) < limit:
            rows += conn.execute(f"{_SELECT} WHERE u.seq > ? AND u.seq <= ? ORDER BY u.seq, u.rowid LIMIT ?",
                                 (seq, high, limit - len(rows))).fetchall()
        former = _former_ids(conn, [row[0] for row in rows])
    return [_entry(row, former.get(row[0], ())) for row in rows]


def feed_entry(store: CatalogStore, union_id: str) -> FeedEntry | None:
    """One union record by id, deleted ones included; None when the id was never a union record."""
    with closing(store._reader()) as conn:
        row = conn.execute(f"{_SELECT} WHERE u.id = ?", (union_id,)).fetchone()
        former = _former_ids(conn, [union_id])
    return _entry(row, former.get(union_id, ())) if row else None


def _former_ids(conn: sqlite3.Connection, union_ids: list[str]) -> dict[str, tuple[str, ...]]:
    """Union id → the ids merged into it (their aliases), for a page of ids (under SQLite's parameter limit)."""
    found: dict[str, tuple[str, ...]] = {}
    for union_id, alias in conn.execute(
            f"SELECT cluster_id, alias FROM cluster_aliases WHERE cluster_id IN ({','.join('?' * len(union_ids))}) "
            "ORDER BY alias", union_ids):
        found[union_id] = (*found.get(union_id, ()), alias)
    return found


def _entry(row: tuple, former_ids: tuple[str, ...]) -> FeedEntry:
    union_id, changed, payload, seq, rowid, created = row
    # A write whose time is not kept yet (its transaction has not committed): now.
    return FeedEntry(union_id, changed or utc_now(), payload, (seq, rowid), created or changed or utc_now(),
                     former_ids if payload is not None else ())


def changed_at(store: CatalogStore, union_ids: list[str]) -> dict[str, str]:
    """When each live union record of `union_ids` last changed ("…Z"), by id: an Atom entry's `updated`."""
    if not union_ids:
        return {}
    marks = ", ".join("?" * len(union_ids))
    with closing(store._reader()) as conn:
        rows = conn.execute(f"SELECT u.id, {_DATESTAMP.format('seq')} FROM union_records u "
                            f"WHERE u.id IN ({marks}) AND u.deleted = 0", union_ids).fetchall()
    # A write whose time is not kept yet (its transaction has not committed): now, as _entry says.
    return {union_id: changed or utc_now() for union_id, changed in rows}


def earliest_datestamp(store: CatalogStore) -> str:
    """The oldest datestamp any union record can have (Identify's earliestDatestamp)."""
    with closing(store._reader()) as conn:
        row = conn.execute("SELECT at FROM seq_times WHERE seq >= (SELECT MIN(seq) FROM union_records) "
                           "ORDER BY seq LIMIT 1").fetchone()
    return row[0] if row else utc_now()


class SeqClock:
    """When each sequence value was taken, read once: the index dates every union record by it
    (the time it was created: "new in the catalogue") without a query per record."""

    def __init__(self, store: CatalogStore):
        with closing(store._reader()) as conn:
            rows = conn.execute("SELECT seq, at FROM seq_times ORDER BY seq").fetchall()
        self._seqs = [seq for seq, _ in rows]
        self._seconds = [unix_seconds(at) for _, at in rows]
        self._now = unix_seconds(utc_now())

    def seconds(self, seq: int) -> int:
        """Unix time of `seq`: that of the first time kept at or after it (now when there is none)."""
        position = bisect_left(self._seqs, seq)
        return self._seconds[position] if position < len(self._seconds) else self._now


def unix_seconds(stamp: str) -> int:
    """"2026-11-27T16:40:05Z" (the store's form) as Unix time."""
    return int(datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())


def vietnam_day(seconds: int) -> str:
    """The day (YYYY-MM-DD) in Vietnam of a Unix time: the 02:30 night run is 19:30 UTC the day before."""
    return datetime.fromtimestamp(seconds, VIETNAM_TIME).strftime("%Y-%m-%d")


def created_day(store: CatalogStore, union_id: str) -> str | None:
    """The day (in Vietnam) a live union record came into the catalogue, as the index's `added` says it."""
    with closing(store._reader()) as conn:
        row = conn.execute(
            "SELECT t.at FROM union_records u JOIN seq_times t ON t.seq >= u.created_seq "
            "WHERE u.id = ? AND u.deleted = 0 ORDER BY t.seq LIMIT 1", (union_id,)).fetchone()
    return vietnam_day(unix_seconds(row[0])) if row else None


def position_given(store: CatalogStore, position: tuple[int, int]) -> bool:
    """Whether a page of this feed can have ended at `position` (a resumption token's): the union
    record with that rowid exists and its seq has not gone below the token's (nothing deletes a
    union record, and a change only raises its seq)."""
    seq, rowid = position
    with closing(store._reader()) as conn:
        row = conn.execute("SELECT seq FROM union_records WHERE rowid = ?", (rowid,)).fetchone()
    return row is not None and row[0] >= seq
