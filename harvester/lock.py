"""One pipeline run at a time: cron must never start a second `update` over the first."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from config.errors import UnioncatError
from store.runlock import lock_path

# A status view probes the lock for an instant (store.runlock.run_in_progress); a run starting
# in that instant waits this long for it instead of failing.  A real run holds it for minutes.
PROBE_WAIT_S = 0.5
PROBE_RETRY_S = 0.01


class RunLockedError(UnioncatError):
    """Raised when another unioncat run holds the data directory's lock."""


@contextmanager
def run_lock(data_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on `data_dir/update.lock`; fail within PROBE_WAIT_S if it is taken.

    flock is released by the kernel when the process dies, so a crashed run
    never leaves a stale lock behind.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = lock_path(data_dir)
    handle = path.open("a+")
    try:
        try:
            _take(handle)
        except BlockingIOError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise RunLockedError(f"another unioncat run (pid {holder}) holds {path}; try again when it ends") from exc
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


def _take(handle: IO[str]) -> None:
    """The exclusive lock, tried again for PROBE_WAIT_S: a status probe's shared lock lasts an instant."""
    deadline = time.monotonic() + PROBE_WAIT_S
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(PROBE_RETRY_S)
