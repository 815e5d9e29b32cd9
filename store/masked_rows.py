"""Credentials masked in the rows stored before they were masked where made (store schema 6).

Rows written since config.masking came in hold `user:***@` and `apikey=***`; older ones still hold a
library's password or key as its URL gave them (a source, a run's errors, the harvest state's scope),
masked only when read, so a catalogue file copied for a support ticket gave them away.  This
rewrites those rows once, when a catalogue of an older schema is opened for writing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from config.masking import masked_secrets
from store.models import HarvestRun, HarvestState

# Rows read, and at most rewritten, by one transaction: a province's 1.7 million raw records are
# not rewritten in one transaction that would hold the write lock (and grow the WAL) for minutes.
MASK_BATCH_ROWS = 5000


def _masked_run(run: str) -> str:
    """A stored HarvestRun (JSON) with its errors masked, as the model masks them when made."""
    return HarvestRun.model_validate_json(run).model_dump_json()


def _masked_state(state: str) -> str:
    """A stored HarvestState (JSON) with the url it was harvested for masked, as the model masks it."""
    return HarvestState.model_validate_json(state).model_dump_json()


# Table, column, and how its text is masked; the other columns (payloads, hashes, seq) are left as
# they are, so no stage takes a masked row for a changed record.
_MASKED_COLUMNS: tuple[tuple[str, str, Callable[[str], str]], ...] = (
    ("raw_records", "source", masked_secrets),
    ("rejects", "source", masked_secrets),
    ("harvest_runs", "run", _masked_run),
    ("harvest_state", "state", _masked_state),
)


def mask_stored_secrets(conn: sqlite3.Connection) -> int:
    """Mask the credentials of every stored source and run error, a batch a transaction; returns the
    rows rewritten.  Masking is idempotent, so a run cut short is finished by the next open."""
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return sum(_mask_column(conn, table, column, mask)
               for table, column, mask in _MASKED_COLUMNS if table in tables)


def _mask_column(conn: sqlite3.Connection, table: str, column: str, mask: Callable[[str], str]) -> int:
    # Only text holding "@" or "=" can hold a credential (config.masking looks for nothing else): SQL
    # finds those rows, by rowid from where the last batch ended, and Python masks them.
    select = (f"SELECT rowid, {column} FROM {table} WHERE rowid > ? "
              f"AND ({column} LIKE '%@%' OR {column} LIKE '%=%') ORDER BY rowid LIMIT ?")
    # `AND {column} = ?`: a row another process rewrote since it was read keeps its new (masked) text.
    update = f"UPDATE {table} SET {column} = ? WHERE rowid = ? AND {column} = ?"
    rewritten, after = 0, 0
    while rows := conn.execute(select, (after, MASK_BATCH_ROWS)).fetchall():
        after = rows[-1][0]
        changes = [(masked, rowid, text) for rowid, text in rows if (masked := mask(text)) != text]
        if not changes:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            rewritten += conn.executemany(update, changes).rowcount
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return rewritten
