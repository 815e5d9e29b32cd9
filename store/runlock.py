"""Whether a unioncat run is alive now, and how the status views show a run that was killed.

Every run (`update`, `harvest`, a stage, `purge`) holds an exclusive flock on
`data_dir/update.lock` (harvester/lock.py), and the kernel releases it when the process
dies.  So a view that finds the lock free knows that a harvest or stage still marked
running belongs to a process that was killed (kill -9, out of memory, a reboot); without
this the department read "Đang chạy" until the next night's run closed it.  It lives in
`store` because both the CLI and search_api show status, and search_api may not import
the harvester.
"""

from __future__ import annotations

import fcntl
from pathlib import Path

LOCK_FILE_NAME = "update.lock"


def lock_path(data_dir: Path) -> Path:
    """The file every unioncat run locks; its text is the pid of the last run that took it."""
    return data_dir / LOCK_FILE_NAME


def run_in_progress(data_dir: Path) -> bool:
    """True while a unioncat run holds the run lock of `data_dir`, by a non-blocking probe.

    The probe takes a *shared* lock and drops it at once: two status views probing at the
    same moment never see each other as a run.  A run starting in that instant finds its
    exclusive lock taken; `run_lock` tries again for a moment before it calls the lock busy.
    Read-only: a data_dir no run has used (no lock file) has nothing running, and nothing is
    created.  When the file cannot be read, it answers True: never show a live run as killed.
    """
    try:
        handle = lock_path(data_dir).open("rb")
    except FileNotFoundError:
        return False
    except OSError:
        return True
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        except OSError:  # a file system without flock: cannot tell
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False
