"""The catalog store: one SQLite file (WAL) holding every stage's input and output.

Each stage reads what changed since its watermark and writes its output back,
so every stage is incremental and can rebuild from scratch.  Every write that
changes a row stamps it with a new value of one global sequence; a stage's
watermark is the last sequence value it has consumed.

One connection is shared behind a lock (harvest threads write one page at a
time); long reads open their own connection so they never block writers.

Why this module is longer than our usual ~400 lines: it is the one class over
the one database, in sections per stage (harvest, normalize, records, dedupe,
union records, status) of short methods that share `_write`'s transaction and
sequence discipline; split across files, that discipline would be harder to see.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from config.errors import NoCatalogueError, StoreError
from store.models import (
    HarvestRun,
    HarvestState,
    LibraryStatus,
    PageCounts,
    RawRecord,
    RawRow,
    Record,
    Rejected,
    StageStatus,
    UnionRecord,
    content_hash,
    record_id,
    split_record_id,
)
from store.masked_rows import mask_stored_secrets
from store.runlock import killed_harvest_error, killed_stage_error

# 2: seq_times, the time of each write transaction (the datestamps of the OAI-PMH feed); 3: seq_times
# indexed by time (an OAI-PMH `from` finds its first write without reading every write ever made);
# 4: union_records.id_seq, when the id itself was first written (created_seq may be inherited);
# 5: cluster_aliases indexed by cluster_id (the feed names the ids merged into each record it serves).
# 6: the credentials in sources and run errors stored before they were masked where made, masked
# (store/masked_rows.py).
SCHEMA_VERSION = 6
# The stages after the harvest whose last run `unioncat status` reports (meta key `stage:<name>`).
PIPELINE_STAGES = ("normalize", "dedupe", "index")
_IN_BATCH = 500  # ids per "IN (…)" query: well under SQLite's limit on bound parameters

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sequence (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
INSERT OR IGNORE INTO sequence (id, value) VALUES (1, 0);
CREATE TABLE IF NOT EXISTS marks (stage TEXT PRIMARY KEY, seq INTEGER NOT NULL);
-- When each sequence value was taken (one row per write transaction): a union record's
-- datestamp in the OAI-PMH feed is the time of its seq (store/feed.py).
CREATE TABLE IF NOT EXISTS seq_times (seq INTEGER PRIMARY KEY, at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS seq_times_at ON seq_times (at);

CREATE TABLE IF NOT EXISTS raw_records (
    library TEXT NOT NULL,
    local_id TEXT NOT NULL,
    format TEXT NOT NULL,
    payload BLOB NOT NULL,
    datestamp TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    content_hash TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    first_seen TEXT NOT NULL,
    last_changed TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (library, local_id)
);
CREATE INDEX IF NOT EXISTS raw_records_seq ON raw_records (seq);
CREATE INDEX IF NOT EXISTS raw_records_deleted ON raw_records (deleted);

CREATE TABLE IF NOT EXISTS harvest_state (library TEXT PRIMARY KEY, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS harvest_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    library TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,
    run TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS harvest_runs_library ON harvest_runs (library, id);

CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    library TEXT NOT NULL,
    record TEXT,
    deleted INTEGER NOT NULL DEFAULT 0,
    seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS records_seq ON records (seq);
CREATE INDEX IF NOT EXISTS records_deleted ON records (deleted);

CREATE TABLE IF NOT EXISTS rejects (
    library TEXT NOT NULL,
    local_id TEXT NOT NULL,
    stage TEXT NOT NULL,
    reason TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL,
    PRIMARY KEY (library, local_id, stage)
);

CREATE TABLE IF NOT EXISTS cluster_members (
    record_id TEXT PRIMARY KEY,
    cluster_id TEXT NOT NULL,
    found_by TEXT NOT NULL DEFAULT '',
    score REAL,
    decision TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS cluster_members_cluster ON cluster_members (cluster_id);
CREATE TABLE IF NOT EXISTS cluster_aliases (alias TEXT PRIMARY KEY, cluster_id TEXT NOT NULL);
-- The ids merged into a union record (the feed's 035 $z, on every page) and the aliases that follow a merge.
CREATE INDEX IF NOT EXISTS cluster_aliases_cluster ON cluster_aliases (cluster_id);

-- created_seq: when its books came into the catalogue (a part split away inherits it, for
-- "what is new"); id_seq: when this id was first written (a merge keeps the id written first).
CREATE TABLE IF NOT EXISTS union_records (
    id TEXT PRIMARY KEY,
    record TEXT,
    content_hash TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    created_seq INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    id_seq INTEGER
);
CREATE INDEX IF NOT EXISTS union_records_seq ON union_records (seq);
CREATE INDEX IF NOT EXISTS union_records_deleted ON union_records (deleted);

-- dedupe's memory between runs: each record's blocking keys, plus `component:` (its
-- connected region of accepted matches) and `override:` marks, so a nightly run
-- finds what a changed record touches without reading every record.
CREATE TABLE IF NOT EXISTS dedupe_keys (
    record_id TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (record_id, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS dedupe_keys_key ON dedupe_keys (key);
"""


# Rejected records a library's status lists (`unioncat status --format json`, GET /api/status): the latest
# few tell the library what to fix; the count says how many there are.
STATUS_REJECTS_LISTED = 10


def utc_now() -> str:
    """ISO 8601 UTC timestamp with seconds, the form every stored time uses."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# The live union records an alias about to be dropped points at: the alias is a union record again.
_RESTAMP_REVIVED_ALIAS_TARGETS = """
UPDATE union_records SET seq = ?1 WHERE deleted = 0 AND seq != ?1 AND id IN (
    SELECT cluster_id FROM cluster_aliases WHERE alias IN (SELECT id FROM union_records WHERE deleted = 0))"""
# The live union records with a holding of one of the libraries in a JSON list (restamp_holders): a full
# scan, run only on a night the registry changed.
_RESTAMP_HOLDERS = """
UPDATE union_records SET seq = ?1 WHERE deleted = 0 AND EXISTS (
    SELECT 1 FROM json_each(record, '$.holdings') h
    WHERE json_extract(h.value, '$.library') IN (SELECT value FROM json_each(?2)))"""


# A union record created by this write (seq = created_seq = ?) whose members were in older union
# records takes the oldest one's created_seq: the part a split gives a new id holds books the
# catalogue had all along, and "what is new" (sort=new) must not list them as new.
_INHERIT_CREATED_SEQ = """
UPDATE union_records SET created_seq = COALESCE((
    SELECT MIN(old.created_seq) FROM cluster_members m
    JOIN previous_members p ON p.record_id = m.record_id
    JOIN union_records old ON old.id = p.cluster_id
    WHERE m.cluster_id = union_records.id AND old.created_seq < union_records.created_seq), created_seq)
WHERE seq = ?1 AND created_seq = ?1"""


# When each library's copy of a union record came: its members' first harvest, per library, as lines
# "library<TAB>first_seen".  A district library buying a title others held is new *there*
# (sort=new with a library filter, index/arrivals.py), though not new to the catalogue.
_ARRIVALS = """(SELECT group_concat(library || char(9) || seen, char(10)) FROM (
    SELECT r.library AS library, MIN(r.first_seen) AS seen FROM cluster_members m
    JOIN raw_records r ON r.library = substr(m.record_id, 1, instr(m.record_id, ':') - 1)
                      AND r.local_id = substr(m.record_id, instr(m.record_id, ':') + 1)
    WHERE m.cluster_id = u.id GROUP BY r.library))"""


def _statements(script: str) -> Iterator[str]:
    """The statements of an SQL script one by one, as SQLite itself sees where each ends: run
    with `execute` inside a transaction of our own (`executescript` would commit it first)."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending
            pending = ""


class CatalogStore:
    """The catalog database; pass one instance to every stage."""

    def __init__(self, path: Path, *, read_only: bool = False):
        """The catalogue at `path`, created or upgraded to this program's schema as needed.

        `read_only` (for `status`, `serve`, `dedupe explain`) opens it as it is, never created nor
        upgraded: a look must not leave an empty catalogue behind a mistyped path, nor upgrade in
        place a catalogue nobody has backed up.  NoCatalogueError when there is none yet, StoreError
        when it is of another schema.
        """
        self.path = Path(path)
        if read_only and not self.path.exists():
            raise NoCatalogueError(f"no catalogue at {self.path} yet")
        try:
            if read_only:
                self._conn = self._connect_read_only()
                self._check_schema()
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._conn = self._connect()
                self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the catalog database {self.path}: {exc}") from exc
        self._lock = threading.RLock()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=60, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=60000")
        return conn

    def _connect_read_only(self) -> sqlite3.Connection:
        # mode=rw never creates the file; query_only refuses writes.  Not mode=ro: a WAL reader may
        # have to create the -shm file, which a read-only open cannot.
        conn = sqlite3.connect(f"{self.path.absolute().as_uri()}?mode=rw", uri=True, timeout=60,
                               check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA query_only=ON")
        conn.execute("PRAGMA busy_timeout=60000")
        return conn

    def _check_schema(self) -> None:
        version = self._schema_version()
        if version == SCHEMA_VERSION:
            return
        # Version 0: a catalogue from before versioning, or no catalogue at all.
        tables = {name for (name,) in self._conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        self._conn.close()
        if not tables:
            # The first run has opened the file and not yet committed its schema (`_migrate`).
            raise NoCatalogueError(f"no catalogue at {self.path} yet (the first run is creating it)")
        if version == 0 and "raw_records" not in tables:
            raise StoreError(f"{self.path} is not a unioncat catalogue (an empty or foreign SQLite file); "
                             "check --config and its data_dir")
        if version < SCHEMA_VERSION:
            raise StoreError(f"{self.path} is a catalogue of store schema {version}, older than this unioncat's "
                             f"{SCHEMA_VERSION}; back it up, then run `unioncat update`, which upgrades it in place")
        raise self._newer_schema(version)

    def _newer_schema(self, version: int) -> StoreError:
        return StoreError(f"{self.path} has schema version {version}, newer than this program's {SCHEMA_VERSION}; "
                          "upgrade unioncat")

    def _schema_version(self) -> int:
        """The stored schema version; 0 for a new (or pre-versioning) database."""
        if not self._conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone():
            return 0
        row = self._conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else 0

    def _migrate(self) -> None:
        # A current database is opened without writing: the schema script's INSERT and the
        # version write each wait for any other write transaction, so `unioncat status` would
        # block behind the nightly run although WAL lets readers go on.
        version = self._schema_version()
        if version == SCHEMA_VERSION:
            return
        if version < 6:
            # Before the version is written, in transactions of a batch each (a province's raw records are
            # many): a run cut short leaves the version older, and the next open finishes the masking.
            mask_stored_secrets(self._conn)
        # One transaction: a reader (`status` polling the first run) sees no table or the whole
        # schema with its version, never tables without a version ("schema 0, older").  The
        # version is read again under the write lock: another process may have just upgraded.
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            version = self._schema_version()
            if version > SCHEMA_VERSION:
                raise self._newer_schema(version)
            if version < SCHEMA_VERSION:
                for statement in _statements(_SCHEMA):
                    self._conn.execute(statement)
                # Future migrations go here, one `if version < N:` block each.
                if 0 < version < 4 and not self._conn.execute(
                        "SELECT 1 FROM pragma_table_info('union_records') WHERE name = 'id_seq'").fetchone():
                    # Ids split away before this kept their parent's created_seq: the best age known for them.
                    self._conn.execute("ALTER TABLE union_records ADD COLUMN id_seq INTEGER")
                    self._conn.execute("UPDATE union_records SET id_seq = created_seq")
                if 0 < version < 2:
                    # Changes made before times were kept are dated now: the feed's harvesters take them once more.
                    self._conn.execute("INSERT OR IGNORE INTO seq_times (seq, at) SELECT value, ? FROM sequence "
                                       "WHERE id = 1", (utc_now(),))
                self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
                                   (str(SCHEMA_VERSION),))
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> CatalogStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- transactions and sequence -------------------------------------------------

    def _begin(self) -> int:
        """Start a write transaction and reserve the sequence value its changes carry."""
        self._conn.execute("BEGIN IMMEDIATE")
        self._conn.execute("UPDATE sequence SET value = value + 1 WHERE id = 1")
        seq = self._conn.execute("SELECT value FROM sequence WHERE id = 1").fetchone()[0]
        self._conn.execute("INSERT OR REPLACE INTO seq_times (seq, at) VALUES (?, ?)", (seq, utc_now()))
        return seq

    def _write(self, work, *args, **kwargs):
        """Run `work(seq, *args)` inside one transaction; roll back on any error."""
        with self._lock:
            try:
                seq = self._begin()
            except sqlite3.OperationalError as exc:
                raise self._write_error(exc) from exc
            try:
                result = work(seq, *args, **kwargs)
                # Dated when its changes become visible, not when it began: a harvest of the OAI-PMH
                # feed made meanwhile could not see them, and its responseDate is the next `from`.
                self._conn.execute("UPDATE seq_times SET at = ? WHERE seq = ?", (utc_now(), seq))
                self._conn.execute("COMMIT")
            except BaseException as exc:
                if self._conn.in_transaction:  # SQLite has rolled back itself on a full disk
                    self._conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError):
                    raise self._write_error(exc) from exc
                raise
            return result

    def _write_error(self, exc: sqlite3.OperationalError) -> StoreError:
        """The error a stage reports when SQLite refuses a write: locked, full, read-only."""
        if "locked" in str(exc) or "busy" in str(exc):
            return StoreError(f"cannot write the catalog database {self.path}: it stayed locked for 60 s by "
                              "another unioncat command or another program (an sqlite3 shell?); run again "
                              "when that has finished")
        return StoreError(f"cannot write the catalog database {self.path}: {exc}")

    def current_seq(self) -> int:
        with self._lock:
            return self._conn.execute("SELECT value FROM sequence WHERE id = 1").fetchone()[0]

    def get_mark(self, stage: str) -> int:
        with self._lock:
            row = self._conn.execute("SELECT seq FROM marks WHERE stage = ?", (stage,)).fetchone()
        return row[0] if row else 0

    def set_mark(self, stage: str, seq: int) -> None:
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO marks (stage, seq) VALUES (?, ?)", (stage, seq))

    def _reader(self) -> sqlite3.Connection:
        """A separate connection for long reads, so iteration never blocks a writer."""
        conn = sqlite3.connect(self.path, timeout=60)
        conn.execute("PRAGMA busy_timeout=60000")
        return conn

    # ---- harvest ---------------------------------------------------------------------

    def harvest_state(self, library: str) -> HarvestState:
        with self._lock:
            row = self._conn.execute("SELECT state FROM harvest_state WHERE library = ?", (library,)).fetchone()
        return HarvestState.model_validate_json(row[0]) if row else HarvestState(library=library)

    def save_harvest_page(self, records: Iterable[RawRecord], state: HarvestState | None = None,
                          rejects: Iterable[Rejected] = (), new_listing: bool = False) -> PageCounts:
        """Store a page of raw records, its rejects and the harvest state in one transaction.

        A crash before the commit loses the page and keeps the old token, so the
        page is fetched again; after it, the new token continues.  Unchanged
        records (same content hash) are not touched.  `rejects` (records the page
        lists but that cannot be stored, by their OAI identifier) join the library's
        harvest rejects; a record stored or deleted later leaves them, so the report
        lists what is still unreadable at the source.  A reject without an identifier
        ("#2 on page 1") names only its place in one listing, which nothing later can
        clear: `new_listing` (the first page of a window, with `state`) drops the
        library's earlier ones, so they last as long as the listing they were seen in.
        """
        return self._write(self._save_page, list(records), state, list(rejects), new_listing)

    def _save_page(self, seq: int, records: list[RawRecord], state: HarvestState | None,
                   rejects: list[Rejected] = (), new_listing: bool = False) -> PageCounts:
        # One SELECT per 500 records and one executemany, not two statements per record:
        # this is the harvest's hot path (see bench/harvest.py).
        counts = PageCounts()
        now = utc_now()
        existing = self._existing_rows(records)
        rows = []
        for raw in records:
            key = (raw.library, raw.local_id)
            row = existing.get(key)
            digest = raw.content_hash
            if row is not None and row[0] == digest:
                counts.unchanged += 1
                continue
            if raw.deleted:
                if row is None or row[1]:
                    counts.unchanged += 1
                    continue
                counts.deleted += 1
            elif row is None or row[1]:  # new, or back after its deletion: it enters the catalogue again
                counts.added += 1
            else:
                counts.changed += 1
            # A record listed twice in one page: the second meets the first, as if saved one by one.
            existing[key] = (digest, int(raw.deleted))
            rows.append((raw.library, raw.local_id, raw.format, raw.payload, raw.datestamp, int(raw.deleted),
                         digest, raw.source, now, now, seq))
        if rows:
            self._conn.executemany(
                """INSERT INTO raw_records (library, local_id, format, payload, datestamp, deleted,
                       content_hash, source, first_seen, last_changed, seq)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (library, local_id) DO UPDATE SET
                       format = excluded.format,
                       payload = CASE WHEN excluded.deleted THEN raw_records.payload ELSE excluded.payload END,
                       datestamp = excluded.datestamp, deleted = excluded.deleted,
                       content_hash = excluded.content_hash, source = excluded.source,
                       last_changed = excluded.last_changed, seq = excluded.seq""",
                rows,
            )
        if new_listing and state is not None:
            self._conn.execute("DELETE FROM rejects WHERE library = ? AND stage = 'harvest' AND local_id LIKE '#%'",
                               (state.library,))
        self._note_harvest_rejects(records, rejects, now)
        if state is not None:
            self._conn.execute(
                "INSERT OR REPLACE INTO harvest_state (library, state) VALUES (?, ?)",
                (state.library, state.model_dump_json()),
            )
        return counts

    def _note_harvest_rejects(self, records: list[RawRecord], rejects: list[Rejected], now: str) -> None:
        """Part of `_save_page`: a stored record's harvest reject goes, the page's new rejects come."""
        for library in {raw.library for raw in records}:
            # Looked up first: most libraries have no harvest rejects, and this is the hot path.
            if self._conn.execute("SELECT 1 FROM rejects WHERE library = ? AND stage = 'harvest' LIMIT 1",
                                  (library,)).fetchone():
                self._conn.executemany("DELETE FROM rejects WHERE library = ? AND local_id = ? AND stage = 'harvest'",
                                       [(library, raw.local_id) for raw in records if raw.library == library])
        for library in {reject.library for reject in rejects}:
            self._insert_harvest_rejects(library, [r for r in rejects if r.library == library], now)

    def _existing_rows(self, records: list[RawRecord]) -> dict[tuple[str, str], tuple[str, int]]:
        """(library, local id) → (content hash, deleted) of the stored rows among `records`."""
        wanted: dict[str, list[str]] = {}
        for raw in records:
            wanted.setdefault(raw.library, []).append(raw.local_id)
        found: dict[tuple[str, str], tuple[str, int]] = {}
        for library, local_ids in wanted.items():
            unique = list(dict.fromkeys(local_ids))
            for i in range(0, len(unique), 500):
                chunk = unique[i:i + 500]
                marks = ",".join("?" * len(chunk))
                for local_id, digest, deleted in self._conn.execute(
                        f"SELECT local_id, content_hash, deleted FROM raw_records "
                        f"WHERE library = ? AND local_id IN ({marks})", (library, *chunk)):
                    found[(library, local_id)] = (digest, deleted)
        return found

    def save_harvest_state(self, state: HarvestState) -> None:
        self.save_harvest_page([], state)

    def save_harvest_rejects(self, library: str, rejects: Iterable[Rejected]) -> None:
        """Replace a library's harvest-stage rejects (records a MARC file holds but that cannot be read).

        Replaced as a whole: a record fixed in the next file leaves the report.
        """
        rejects = list(rejects)

        def work(seq: int) -> None:
            self._conn.execute("DELETE FROM rejects WHERE library = ? AND stage = 'harvest'", (library,))
            self._insert_harvest_rejects(library, rejects, utc_now())

        self._write(work)

    def _insert_harvest_rejects(self, library: str, rejects: Iterable[Rejected], now: str) -> None:
        self._conn.executemany(
            "INSERT OR REPLACE INTO rejects (library, local_id, stage, reason, source, at) "
            "VALUES (?, ?, 'harvest', ?, ?, ?)",
            [(library, reject.local_id, reject.reason, reject.source, now) for reject in rejects])

    def libraries_held(self) -> dict[str, int]:
        """Library id → live raw records, for every library that has any (in the registry or not)."""
        with self._lock:
            return dict(self._conn.execute(
                "SELECT library, COUNT(*) FROM raw_records WHERE deleted = 0 GROUP BY library").fetchall())

    def live_local_ids(self, library: str) -> set[str]:
        return self._local_ids(library, deleted=False)

    def deleted_local_ids(self, library: str) -> set[str]:
        """Records the library deleted (or a sweep or file snapshot found missing), still known here."""
        return self._local_ids(library, deleted=True)

    def _local_ids(self, library: str, deleted: bool) -> set[str]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT local_id FROM raw_records WHERE library = ? AND deleted = ?", (library, int(deleted))
            ).fetchall()
        return {row[0] for row in rows}

    def mark_deleted(self, library: str, local_ids: Iterable[str]) -> int:
        """Mark records deleted (e.g. missing from an identifiers sweep or a new MARC file)."""
        return self._write(self._mark_deleted, library, list(local_ids))

    def withdraw_library(self, library: str) -> int:
        """Mark every record of a library that left the union catalogue deleted, drop its rejects, and forget
        where its harvest stood: kept (a file's validator, an OAI-PMH `from`), the library registered again
        later fetched nothing, as if all it held were already here; forgotten, it is harvested in full.
        Kept, its rejects were counted in `status` totals and /status under no library listed."""
        ids = list(self.live_local_ids(library))

        def work(seq: int) -> int:
            self._conn.execute("DELETE FROM harvest_state WHERE library = ?", (library,))
            self._conn.execute("DELETE FROM rejects WHERE library = ?", (library,))
            return self._mark_deleted(seq, library, ids)

        return self._write(work)

    def _mark_deleted(self, seq: int, library: str, local_ids: list[str]) -> int:
        changed = 0
        for local_id in local_ids:
            changed += self._conn.execute(
                """UPDATE raw_records SET deleted = 1, content_hash = ?, last_changed = ?, seq = ?
                   WHERE library = ? AND local_id = ? AND deleted = 0""",
                (RawRecord(library=library, local_id=local_id, format="marcxml", deleted=True).content_hash,
                 utc_now(), seq, library, local_id),
            ).rowcount
        return changed

    def start_run(self, library: str) -> int:
        run = HarvestRun(library=library, started_at=utc_now())
        with self._lock:
            cur = self._conn.execute(
                "INSERT INTO harvest_runs (library, started_at, status, run) VALUES (?, ?, ?, ?)",
                (library, run.started_at, run.status, run.model_dump_json()),
            )
            return int(cur.lastrowid)

    def finish_run(self, run_id: int, run: HarvestRun) -> None:
        with self._lock:
            self._conn.execute(
                "UPDATE harvest_runs SET finished_at = ?, status = ?, run = ? WHERE id = ?",
                (run.finished_at, run.status, run.model_dump_json(), run_id),
            )

    def stage_started(self, stage: str) -> None:
        """Record that `stage` started now (it stays `running` if the process is killed)."""
        previous = self.stage_status(stage)
        self._save_stage(previous.model_copy(update={"last_attempt": utc_now(), "last_status": "running",
                                                     "duration_s": None, "error": None}))

    def stage_finished(self, stage: str, error: str | None, duration_s: float | None = None,
                       warnings: Iterable[str] = ()) -> None:
        """Record the end of `stage`'s run: ok when `error` is None, else failed with it; `warnings` replace
        the last run's."""
        previous = self.stage_status(stage)
        update: dict = {"last_status": "failed" if error else "ok", "error": error, "duration_s": duration_s,
                        "warnings": list(warnings)}
        if previous.last_attempt is None:
            update["last_attempt"] = utc_now()
        if not error:
            update["last_success"] = utc_now()
        self._save_stage(previous.model_copy(update=update))

    def _save_stage(self, status: StageStatus) -> None:
        # Outside `_write`: no sequence value is spent, so no stage sees a change that is not one.
        with self._lock:
            try:
                self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                                   (f"stage:{status.stage}", status.model_dump_json()))
            except sqlite3.OperationalError as exc:  # locked by an sqlite3 shell, a full disk
                raise self._write_error(exc) from exc

    def applied_overrides(self) -> tuple[str, str] | None:
        """(path, text) of the librarians' overrides file the last dedupe run applied, or None."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'dedupe:overrides'").fetchone()
        return tuple(json.loads(row[0])) if row else None

    def keep_applied_overrides(self, path: str, text: str) -> None:
        """Remember the overrides file a dedupe run applied: a run that cannot read it applies them again."""
        with self._lock:
            try:
                self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('dedupe:overrides', ?)",
                                   (json.dumps([path, text], ensure_ascii=False),))
            except sqlite3.OperationalError as exc:
                raise self._write_error(exc) from exc

    def stage_status(self, stage: str) -> StageStatus:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (f"stage:{stage}",)).fetchone()
        return StageStatus.model_validate_json(row[0]) if row else StageStatus(stage=stage)

    def stage_statuses(self) -> list[StageStatus]:
        """normalize, dedupe and index: each one's last attempt, last success and error."""
        return [self.stage_status(stage) for stage in PIPELINE_STAGES]

    def close_killed_runs(self) -> list[str]:
        """Record library runs and stages still marked running as failed; returns their names.

        Only for a caller holding the run lock (`harvester.lock`): every run holds it, so
        what is still marked running then belongs to a process that was killed (kill -9, out
        of memory, a crash, a reboot) before it could record its end, and `unioncat status`
        would show it running until the next run of the same library or stage.
        """
        closed = []
        with self._lock:
            rows = self._conn.execute("SELECT id, run FROM harvest_runs WHERE status = 'running'").fetchall()
            for run_id, payload in rows:
                run = HarvestRun.model_validate_json(payload)
                run.status = "failed"
                run.errors.append(killed_harvest_error(run.library))
                try:
                    self._conn.execute("UPDATE harvest_runs SET status = ?, run = ? WHERE id = ?",
                                       (run.status, run.model_dump_json(), run_id))
                except sqlite3.OperationalError as exc:
                    raise self._write_error(exc) from exc
                closed.append(run.library)
            for stage in self.stage_statuses():
                if stage.last_status == "running":
                    self._save_stage(stage.model_copy(update={"last_status": "failed",
                                                              "error": killed_stage_error(stage.stage)}))
                    closed.append(stage.stage)
        return closed

    # ---- normalize -------------------------------------------------------------------

    def raw_rows_since(self, seq: int, library: str | None = None) -> Iterator[RawRow]:
        """Raw records written after `seq`, oldest change first, as plain rows.

        The normalize stage reads every changed raw record each night: a model per
        row would cost as much as reading the row.
        """
        conn = self._reader()
        try:
            sql = ("SELECT seq, library, local_id, format, payload, datestamp, deleted, source "
                   "FROM raw_records WHERE seq > ?")
            params: list = [seq]
            if library is not None:
                sql += " AND library = ?"
                params.append(library)
            for row in conn.execute(sql + " ORDER BY seq", params):
                yield RawRow._make(row)
        finally:
            conn.close()

    def raw_changed_since(self, seq: int, library: str | None = None) -> Iterator[tuple[int, RawRecord]]:
        """Raw records written after `seq`, oldest change first (all of them for seq=0)."""
        for row in self.raw_rows_since(seq, library):
            yield row.seq, RawRecord(library=row.library, local_id=row.local_id, format=row.format,
                                     payload=row.payload, datestamp=row.datestamp, deleted=bool(row.deleted),
                                     source=row.source)

    def save_normalized(self, records: Iterable[Record], rejects: Iterable[Rejected] = (),
                        deleted_ids: Iterable[str] = ()) -> None:
        """Store normalized records, rejects, and deletions of a batch in one transaction."""

        def work(seq: int) -> None:
            now = utc_now()
            batch = list(records)
            self._conn.executemany(
                # CAST: a record may come as JSON text or as its UTF-8 bytes (normalize/pool.py).
                "INSERT OR REPLACE INTO records (id, library, record, deleted, seq) "
                "VALUES (?, ?, CAST(? AS TEXT), 0, ?)",
                [(record.id, record.library, record.model_dump_json(), seq) for record in batch],
            )
            if self._conn.execute("SELECT 1 FROM rejects WHERE stage = 'normalize' LIMIT 1").fetchone():
                self._conn.executemany(
                    "DELETE FROM rejects WHERE library = ? AND local_id = ? AND stage = 'normalize'",
                    [(record.library, record.local_id) for record in batch],
                )
            for reject in rejects:
                self._conn.execute(
                    "INSERT OR REPLACE INTO rejects (library, local_id, stage, reason, source, at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (reject.library, reject.local_id, reject.stage, reject.reason, reject.source, now),
                )
                self._conn.execute(
                    "UPDATE records SET deleted = 1, seq = ? WHERE id = ? AND deleted = 0",
                    (seq, record_id(reject.library, reject.local_id)),
                )
            deleted = list(deleted_ids)
            # A deleted record keeps its last version: dedupe finds what an override naming it now
            # names (the same book sent again under a new record number: dedupe/succession.py).
            self._conn.executemany(
                "INSERT INTO records (id, library, record, deleted, seq) VALUES (?, ?, NULL, 1, ?) "
                "ON CONFLICT (id) DO UPDATE SET deleted = 1, seq = excluded.seq "
                "WHERE records.deleted = 0",
                [(rid, rid.partition(":")[0], seq) for rid in deleted],
            )
            # A record the library deleted needs no fixing: its reject goes with it.
            self._conn.executemany(
                "DELETE FROM rejects WHERE library = ? AND local_id = ? AND stage = 'normalize'",
                [split_record_id(rid) for rid in deleted],
            )

        self._write(work)

    def rejects(self, library: str | None = None, limit: int | None = None,
                newest_first: bool = False) -> list[Rejected]:
        """Rejected records (of one library), by library and local id, or the last noted first; the first
        `limit` only when given: a status report names a few, and a broken export may hold tens of thousands."""
        sql = "SELECT library, local_id, stage, reason, source FROM rejects"
        params: tuple = ()
        if library is not None:
            sql += " WHERE library = ?"
            params = (library,)
        # `at` is to the second; a page's rejects share it, and rowid keeps the order they were noted in.
        sql += " ORDER BY at DESC, rowid DESC" if newest_first else " ORDER BY library, local_id"
        if limit is not None:
            sql += " LIMIT ?"
            params += (limit,)
        with self._lock:
            rows = self._conn.execute(sql, params).fetchall()
        return [Rejected(library=r[0], local_id=r[1], stage=r[2], reason=r[3], source=r[4]) for r in rows]

    # ---- records (dedupe input) ------------------------------------------------------

    def iter_records(self) -> Iterator[Record]:
        """Every live normalized record."""
        return map(Record.model_validate_json, self.iter_record_payloads())

    def iter_record_payloads(self) -> Iterator[str]:
        """Every live normalized record as its JSON, in id order (for workers that validate it themselves)."""
        conn = self._reader()
        try:
            for (payload,) in conn.execute("SELECT record FROM records WHERE deleted = 0 ORDER BY id"):
                yield payload
        finally:
            conn.close()

    def records_changed_since(self, seq: int) -> tuple[list[str], list[str]]:
        """Ids of records (live, deleted) written after `seq`."""
        with self._lock:
            rows = self._conn.execute("SELECT id, deleted FROM records WHERE seq > ?", (seq,)).fetchall()
        return [r[0] for r in rows if not r[1]], [r[0] for r in rows if r[1]]

    def get_records(self, ids: Iterable[str]) -> list[Record]:
        """The live records among `ids` (in no particular order); asked in batches, not one query each."""
        return [Record.model_validate_json(payload)
                for (payload,) in self._rows_in("SELECT record FROM records WHERE deleted = 0 AND id IN ({})", ids)]

    def last_records(self, ids: Iterable[str]) -> list[Record]:
        """The deleted records among `ids` as they were last (those deleted before it was kept are left out)."""
        return [Record.model_validate_json(payload) for (payload,) in self._rows_in(
            "SELECT record FROM records WHERE deleted = 1 AND record IS NOT NULL AND id IN ({})", ids)]

    def _rows_in(self, sql: str, ids: Iterable[str]) -> list[tuple]:
        """The rows of `sql` (its `IN ({})` filled with placeholders) for `ids`, asked in batches."""
        wanted = list(dict.fromkeys(ids))
        out: list[tuple] = []
        with self._lock:
            for start in range(0, len(wanted), _IN_BATCH):
                batch = wanted[start:start + _IN_BATCH]
                out.extend(self._conn.execute(sql.format(",".join("?" * len(batch))), batch))
        return out

    # ---- clusters and union records --------------------------------------------------

    def cluster_assignments(self) -> dict[str, str]:
        """record id → cluster id, as the last dedupe run left them."""
        with self._lock:
            return dict(self._conn.execute("SELECT record_id, cluster_id FROM cluster_members").fetchall())

    def multi_library_clusters(self) -> int:
        """Union records whose members come from more than one library (record ids are library:local)."""
        with self._lock:
            return self._conn.execute(
                "SELECT COUNT(*) FROM (SELECT cluster_id FROM cluster_members GROUP BY cluster_id "
                "HAVING COUNT(DISTINCT substr(record_id, 1, instr(record_id, ':') - 1)) > 1)").fetchone()[0]

    def save_clusters(self, members: dict[str, tuple[str, str, float | None, str]],
                      union_records: Iterable[UnionRecord], removed_ids: Iterable[str] = (),
                      aliases: dict[str, str] | None = None, replace_only: Iterable[str] | None = None) -> int:
        """Replace cluster membership and write union records in one transaction.

        `members` maps record id → (cluster id, found_by, score, decision).  With
        `replace_only` (record ids) only those records' rows are replaced, the rest
        kept: an incremental dedupe run.  A union record whose content did not change
        keeps its sequence value, so the index does not re-read it.  `union_records`
        is consumed inside the transaction, so it may be a stream.  Returns how many
        union records changed.
        """
        removed = list(removed_ids)
        only = None if replace_only is None else list(replace_only)

        def work(seq: int) -> int:
            self._keep_previous_members(only)
            if only is None:
                self._conn.execute("DELETE FROM cluster_members")
            else:
                self._conn.executemany("DELETE FROM cluster_members WHERE record_id = ?", [(rid,) for rid in only])
            self._conn.executemany(
                "INSERT INTO cluster_members (record_id, cluster_id, found_by, score, decision) VALUES (?, ?, ?, ?, ?)",
                [(rid, c, f, s, d) for rid, (c, f, s, d) in members.items()],
            )
            for alias, target in (aliases or {}).items():
                self._conn.execute(
                    "INSERT OR REPLACE INTO cluster_aliases (alias, cluster_id) VALUES (?, ?)", (alias, target)
                )
                # An alias that pointed at the merged cluster follows it.
                self._conn.execute("UPDATE cluster_aliases SET cluster_id = ? WHERE cluster_id = ?", (target, alias))
            # A merged-away union record is retired so that its id resolves through the alias.
            removed.extend(alias for alias in (aliases or {}) if alias not in removed)
            changed = 0
            for union in union_records:
                payload = union.model_dump_json()
                digest = content_hash(payload.encode("utf-8"))
                cur = self._conn.execute(
                    """INSERT INTO union_records (id, record, content_hash, deleted, created_seq, seq, id_seq)
                       VALUES (?, ?, ?, 0, ?, ?, ?)
                       ON CONFLICT (id) DO UPDATE SET record = excluded.record, content_hash = excluded.content_hash,
                           deleted = 0, seq = excluded.seq
                       WHERE union_records.content_hash != excluded.content_hash OR union_records.deleted = 1""",
                    (union.id, payload, digest, seq, seq, seq),
                )
                changed += cur.rowcount
            self._conn.execute(_INHERIT_CREATED_SEQ, (seq,))
            self._conn.execute("DROP TABLE previous_members")
            for uid in removed:
                changed += self._conn.execute(
                    # The record stays as it was last: dedupe checks a record returning under a member's
                    # id against it before the id comes back (dedupe/returning.py).
                    "UPDATE union_records SET deleted = 1, content_hash = '', seq = ? "
                    "WHERE id = ? AND deleted = 0",
                    (seq, uid),
                ).rowcount
            # The feed names the ids merged into a union record (035 $z): one that gains or loses such an
            # id is dated again, whether or not its content changed.
            self._conn.executemany("UPDATE union_records SET seq = ?1 WHERE id = ?2 AND deleted = 0 AND seq != ?1",
                                   [(seq, target) for target in set((aliases or {}).values())])
            self._conn.execute(_RESTAMP_REVIVED_ALIAS_TARGETS, (seq,))
            # An id that is a union record again (dedupe revives an alias whose seed split away) is no alias.
            self._conn.execute(
                "DELETE FROM cluster_aliases WHERE alias IN (SELECT id FROM union_records WHERE deleted = 0)")
            return changed

        return self._write(work)

    def restamp_holders(self, registry_view: dict[str, str]) -> int:
        """Give a new sequence value, and so a new feed datestamp, to every live union record held by a
        library whose `registry_view` (what the served records show of its registry entry) differs from
        the last call's, or that left or joined the registry; returns how many.  The first call only
        remembers the views.

        A library renamed in the registry changes no union record, yet the feed's 852 $a shows the new
        name: without this, an incremental harvester never received it."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'registry:view'").fetchone()
        before = json.loads(row[0]) if row else None
        if before == registry_view:
            return 0
        changed = [] if before is None else \
            sorted(lib for lib in before.keys() | registry_view.keys() if before.get(lib) != registry_view.get(lib))

        def work(seq: int | None) -> int:
            restamped = 0
            if changed:
                restamped = self._conn.execute(_RESTAMP_HOLDERS, (seq, json.dumps(changed))).rowcount
            self._conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('registry:view', ?)",
                               (json.dumps(registry_view, ensure_ascii=False, sort_keys=True),))
            return restamped

        if changed:
            return self._write(work)
        with self._lock:  # nothing to date: no sequence value spent, as in _save_stage
            try:
                return work(None)
            except sqlite3.OperationalError as exc:
                raise self._write_error(exc) from exc

    def _keep_previous_members(self, only: list[str] | None) -> None:
        """Copy the memberships about to be replaced (all, or those of `only`) for _INHERIT_CREATED_SEQ."""
        self._conn.execute("CREATE TEMP TABLE previous_members (record_id TEXT PRIMARY KEY, cluster_id TEXT NOT NULL)")
        if only is None:
            self._conn.execute("INSERT INTO previous_members SELECT record_id, cluster_id FROM cluster_members")
        else:
            self._conn.executemany("INSERT OR IGNORE INTO previous_members SELECT record_id, cluster_id "
                                   "FROM cluster_members WHERE record_id = ?", [(rid,) for rid in only])

    def union_ids(self) -> set[str]:
        with self._lock:
            return {r[0] for r in self._conn.execute("SELECT id FROM union_records WHERE deleted = 0")}

    def union_created_seq(self) -> dict[str, int]:
        """Union id → the sequence value the id was first written at (older ids survive merges).

        Not `created_seq`: a part split away takes its old union record's, so after the split is
        undone both ids looked equally old and the newer could win (review)."""
        with self._lock:
            return dict(self._conn.execute("SELECT id, id_seq FROM union_records").fetchall())

    def former_union_ids(self) -> dict[str, str | None]:
        """Union id that is no union record any more → the id it is an alias of, or None when retired."""
        with self._lock:
            return dict(self._conn.execute(
                "SELECT u.id, a.cluster_id FROM union_records u LEFT JOIN cluster_aliases a ON a.alias = u.id "
                "WHERE u.deleted = 1").fetchall())

    def retired_ids_of_returning_records(self) -> dict[str, list[str]]:
        """Live record in no cluster (new, or back) → the retired ids whose last version it was a member of.

        A retired id comes back when any of its last members does, not only the one its hash was
        derived from (dedupe/ids.py).  Reads every retired union record's holdings (0.9 s for 100,000).
        """
        with self._lock:
            rows = self._conn.execute(
                "SELECT DISTINCT json_extract(h.value, '$.record_id') AS rid, u.id "
                "FROM union_records u, json_each(u.record, '$.holdings') h "
                "WHERE u.deleted = 1 AND u.record IS NOT NULL "
                "AND NOT EXISTS (SELECT 1 FROM cluster_aliases a WHERE a.alias = u.id) "
                "AND rid IN (SELECT id FROM records WHERE deleted = 0) "
                "AND rid NOT IN (SELECT record_id FROM cluster_members) ORDER BY rid, u.id").fetchall()
        out: dict[str, list[str]] = {}
        for rid, union_id in rows:
            out.setdefault(rid, []).append(union_id)
        return out

    def last_union_records(self, union_ids: Iterable[str]) -> dict[str, UnionRecord]:
        """Retired id → the union record as it was when retired (ids retired before it was kept are left out)."""
        rows = self._rows_in("SELECT id, record FROM union_records WHERE deleted = 1 AND record IS NOT NULL "
                             "AND id IN ({})", union_ids)
        return {uid: UnionRecord.model_validate_json(payload) for uid, payload in rows}

    def union_changed_since(self, seq: int) -> Iterator[tuple[str, UnionRecord | None]]:
        """(id, union record or None when deleted) for every union record written after `seq`."""
        for uid, payload, *_ in self.union_json_changed_since(seq):
            yield uid, (UnionRecord.model_validate_json(payload) if payload else None)

    def union_json_changed_since(self, seq: int) -> Iterator[tuple[str, bytes | None, int, str | None]]:
        """`union_changed_since` with each record as the JSON (UTF-8 bytes) the store wrote from a valid
        UnionRecord, the sequence value the union record was created at (when it was new: `store.feed.SeqClock`),
        and when each library's first record of it was first harvested (`_ARRIVALS`; None when deleted).

        For bulk readers (the index build): validating a million records again costs more than
        indexing them, and the bytes go into the index as they are, never decoded to str.
        """
        conn = self._reader()
        try:
            yield from conn.execute(
                "SELECT id, CASE WHEN deleted THEN NULL ELSE CAST(record AS BLOB) END, created_seq, "
                f"CASE WHEN deleted THEN NULL ELSE {_ARRIVALS} END FROM union_records u WHERE seq > ? ORDER BY seq",
                (seq,))
        finally:
            conn.close()

    def get_union_record(self, union_id: str) -> tuple[UnionRecord | None, str | None]:
        """(record, redirect target): a merged-away id resolves through its alias, to a live union record
        only (one merged into a record withdrawn since has no target: the page, the API, /why and
        `dedupe explain` all say it is gone, where one sent a 301 to a 404)."""
        with self._lock:
            row = self._conn.execute(
                "SELECT record FROM union_records WHERE id = ? AND deleted = 0", (union_id,)
            ).fetchone()
            if row:
                return UnionRecord.model_validate_json(row[0]), None
            alias = self._conn.execute(
                "SELECT a.cluster_id FROM cluster_aliases a JOIN union_records u ON u.id = a.cluster_id "
                "AND u.deleted = 0 WHERE a.alias = ?", (union_id,)
            ).fetchone()
        return None, (alias[0] if alias else None)

    def withdrawn(self, union_id: str) -> tuple[bool, UnionRecord | None]:
        """(whether `union_id` was a union record once that every library has withdrawn since, the record
        as it was last when kept): the id retired itself, or was merged into a record retired since."""
        with self._lock:
            row = self._conn.execute(
                "SELECT record FROM union_records WHERE deleted = 1 AND id = COALESCE("
                "(SELECT cluster_id FROM cluster_aliases WHERE alias = ?1), ?1)", (union_id,)).fetchone()
        if row is None:
            return False, None
        return True, (UnionRecord.model_validate_json(row[0]) if row[0] else None)

    def example_ids(self) -> tuple[str, str] | None:
        """(a live union id, one of its members' record id "library:local id"), for messages that
        show which ids the catalogue takes; None while it holds no record."""
        with self._lock:
            row = self._conn.execute(
                "SELECT m.cluster_id, m.record_id FROM cluster_members m JOIN union_records u "
                "ON u.id = m.cluster_id AND u.deleted = 0 LIMIT 1").fetchone()
        return (row[0], row[1]) if row else None

    def save_dedupe_keys(self, keys: dict[str, list[str]], removed_ids: Iterable[str] = (),
                         replace_all: bool = False) -> None:
        """Store dedupe's keys per record id in one transaction.

        The listed records' (and `removed_ids`') old keys are dropped first; with
        `replace_all` every old key is.
        """
        dropped = list(removed_ids)

        def work(seq: int) -> None:
            if replace_all:
                self._conn.execute("DELETE FROM dedupe_keys")
            else:
                self._conn.executemany("DELETE FROM dedupe_keys WHERE record_id = ?",
                                       [(rid,) for rid in (*keys, *dropped)])
            self._conn.executemany(
                "INSERT OR IGNORE INTO dedupe_keys (record_id, key) VALUES (?, ?)",
                ((rid, key) for rid, record_keys in keys.items() for key in record_keys),
            )

        self._write(work)

    def records_with_keys(self, keys: Iterable[str]) -> set[str]:
        """Ids of the records that carry any of these dedupe keys."""
        keys = list(dict.fromkeys(keys))
        out: set[str] = set()
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                out.update(row[0] for row in self._conn.execute(
                    f"SELECT record_id FROM dedupe_keys WHERE key IN ({','.join('?' * len(chunk))})", chunk))
        return out

    def dedupe_keys_of(self, record_ids: Iterable[str]) -> dict[str, list[str]]:
        """Record id → its stored dedupe keys (records without keys are left out)."""
        ids = list(dict.fromkeys(record_ids))
        out: dict[str, list[str]] = {}
        with self._lock:
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                for rid, key in self._conn.execute(
                        f"SELECT record_id, key FROM dedupe_keys WHERE record_id IN ({','.join('?' * len(chunk))})",
                        chunk):
                    out.setdefault(rid, []).append(key)
        return out

    def cluster_members(self, union_id: str) -> list[tuple[str, str, float | None, str]]:
        """(record id, found_by, score, decision) for each member, for `dedupe explain`."""
        with self._lock:
            return self._conn.execute(
                "SELECT record_id, found_by, score, decision FROM cluster_members WHERE cluster_id = ? "
                "ORDER BY record_id", (union_id,)
            ).fetchall()

    def union_id_of(self, record_id: str) -> str | None:
        """The id of the union record a source record ("tv-tinh:P-A") is a member of, or None.

        In whichever normal form either side wrote it: a local id is kept as the library sent it (NFD
        from some systems; it is how the library's own server and its deletions name the record), and a
        person types it in NFC."""
        forms = list(dict.fromkeys((record_id, unicodedata.normalize("NFC", record_id),
                                    unicodedata.normalize("NFD", record_id))))
        with self._lock:
            row = self._conn.execute(
                f"SELECT cluster_id FROM cluster_members WHERE record_id IN ({', '.join('?' * len(forms))})",
                forms).fetchone()
        return row[0] if row else None

    # ---- status ----------------------------------------------------------------------

    def library_status(self, library: str, expected_interval_hours: float | None = None,
                       now: datetime | None = None) -> LibraryStatus:
        """Counts and the last run of one library, for `unioncat status` and GET /api/status.

        With `expected_interval_hours`, `overdue` is true when the last success
        is older than that (or there never was one).
        """
        with self._lock:
            live, deleted = self._conn.execute(
                "SELECT COALESCE(SUM(deleted = 0), 0), COALESCE(SUM(deleted = 1), 0) FROM raw_records WHERE library = ?",
                (library,),
            ).fetchone()
            rejected = self._conn.execute(
                "SELECT COUNT(*) FROM rejects WHERE library = ?", (library,)
            ).fetchone()[0]
            # A run still marked running is shown as such here: running now, or killed.  The
            # views tell them apart by the run lock (store.runlock.with_killed_runs).
            last = self._conn.execute(
                "SELECT run FROM harvest_runs WHERE library = ? ORDER BY id DESC LIMIT 1",
                (library,),
            ).fetchone()
            # By the id's range (`library:local_id`, the primary key): the library column has no index.
            # "+deleted" keeps SQLite off the index on deleted, which it chose without statistics and
            # then read every live record up to the library's (1.8 s for 40 libraries of 25,000).
            nothing_usable = live > 0 and self._conn.execute(
                "SELECT 1 FROM records WHERE id >= ? AND id < ? AND +deleted = 0 LIMIT 1", (f"{library}:", f"{library};"),
            ).fetchone() is None
            success = self._conn.execute(
                "SELECT finished_at FROM harvest_runs WHERE library = ? AND status = 'ok' ORDER BY id DESC LIMIT 1",
                (library,),
            ).fetchone()
        status = LibraryStatus(id=library, records=live, deleted=deleted, rejected=rejected, nothing_usable=nothing_usable,
                               last_success=success[0] if success else None,
                               rejects=self.rejects(library, STATUS_REJECTS_LISTED, newest_first=True) if rejected
                               else [])
        if expected_interval_hours is not None:
            if status.last_success is None:
                status.overdue = True
            else:
                succeeded = datetime.fromisoformat(status.last_success.replace("Z", "+00:00"))
                age_s = ((now or datetime.now(UTC)) - succeeded).total_seconds()
                status.overdue = age_s > expected_interval_hours * 3600
        if last:
            run = HarvestRun.model_validate_json(last[0])
            status.last_attempt = run.started_at
            status.last_status = run.status
            status.added, status.changed, status.removed = run.added, run.changed, run.deleted
            status.errors = run.errors
            status.snapshot_refused = run.snapshot_refused
            if run.duration_s is not None:
                status.duration_s = run.duration_s
            elif run.finished_at:
                started = datetime.fromisoformat(run.started_at.replace("Z", "+00:00"))
                finished = datetime.fromisoformat(run.finished_at.replace("Z", "+00:00"))
                status.duration_s = (finished - started).total_seconds()
        return status

    def holds_union_records(self) -> bool:
        """Whether any union record is live: cheaper than `counts` at a million records."""
        with self._lock:
            return self._conn.execute("SELECT 1 FROM union_records WHERE deleted = 0 LIMIT 1").fetchone() is not None

    def counts(self) -> dict[str, int]:
        """Live rows per table; the `deleted` indexes keep this from reading every record's text."""
        with self._lock:
            return {
                "raw_records": self._conn.execute("SELECT COUNT(*) FROM raw_records WHERE deleted = 0").fetchone()[0],
                "records": self._conn.execute("SELECT COUNT(*) FROM records WHERE deleted = 0").fetchone()[0],
                "union_records": self._conn.execute(
                    "SELECT COUNT(*) FROM union_records WHERE deleted = 0").fetchone()[0],
                "rejects": self._conn.execute("SELECT COUNT(*) FROM rejects").fetchone()[0],
            }
