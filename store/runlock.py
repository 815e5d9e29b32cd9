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

from store.models import LibraryStatus, StageStatus

LOCK_FILE_NAME = "update.lock"
KILLED = "killed"  # the status views' value for a run marked running that no process holds
_CAUSE = "was killed (kill -9, out of memory, a crash or a reboot)"


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


def killed_harvest_error(library: str) -> str:
    """What a library's harvest killed mid-run means; `close_killed_runs` records the same words."""
    return (f"library {library!r}: the unioncat run {_CAUSE} before this harvest finished; "
            "the records it saved are kept, and the next harvest continues from there")


def killed_stage_error(stage: str) -> str:
    """What a stage killed mid-run means; `close_killed_runs` records the same words."""
    return f"the unioncat run {_CAUSE} during {stage}; the next run does it again"


def with_killed_runs(data_dir: Path, libraries: list[LibraryStatus],
                     stages: list[StageStatus]) -> tuple[list[LibraryStatus], list[StageStatus]]:
    """The states read from the store, with a run marked running shown as `killed` when no run holds the lock.

    Call it *after* reading them: a run alive at that read still holds the lock at the probe (or
    it has ended), so a live run is never shown killed.  Probing first would let a run start
    between the probe and the read and be called killed.  Nothing is written: the next run,
    holding the lock, records them as failed (`CatalogStore.close_killed_runs`).
    """
    if not any(item.last_status == "running" for item in [*libraries, *stages]) or run_in_progress(data_dir):
        return libraries, stages
    libraries = [item.model_copy(update={"last_status": KILLED,
                                         "errors": [*item.errors, killed_harvest_error(item.id)]})
                 if item.last_status == "running" else item for item in libraries]
    stages = [item.model_copy(update={"last_status": KILLED, "error": killed_stage_error(item.stage)})
              if item.last_status == "running" else item for item in stages]
    return libraries, stages
