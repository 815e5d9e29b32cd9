"""One pipeline run at a time: cron must never start a second `update` over the first."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from config.errors import UnioncatError


class RunLockedError(UnioncatError):
    """Raised when another unioncat run holds the data directory's lock."""


@contextmanager
def run_lock(data_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on `data_dir/update.lock`; fail at once if it is taken.

    flock is released by the kernel when the process dies, so a crashed run
    never leaves a stale lock behind.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "update.lock"
    handle = path.open("a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
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
