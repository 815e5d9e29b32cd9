"""Peak memory of a benchmark's worker processes (Linux /proc)."""

from __future__ import annotations

import os
import threading
from pathlib import Path


class DescendantPeak(threading.Thread):
    """Largest peak RSS (VmHWM) of any descendant process, sampled from /proc (Linux).

    Pool workers are children of the forkserver, not of this process, so
    RUSAGE_CHILDREN never sees them.  Finding descendants reads every process's
    stat file, a few milliseconds on a 2-core machine that the workers need, so the
    tree is walked every RESCAN_TICKS ticks; the known descendants are read every tick.
    """

    TICK_S = 0.05
    RESCAN_TICKS = 10

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb = 0
        self._pids: set[int] = set()
        self._done = threading.Event()

    def run(self) -> None:
        ticks = 0
        while not self._done.wait(self.TICK_S):
            if ticks % self.RESCAN_TICKS == 0:
                self._pids = self._descendants()
            self._read_peaks()
            ticks += 1

    def stop(self) -> None:
        self._pids = self._descendants()
        self._read_peaks()
        self._done.set()
        self.join()

    @staticmethod
    def _descendants() -> set[int]:
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                    parents[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
                except (OSError, ValueError, IndexError):
                    continue
        mine = {os.getpid()}
        changed = True
        while changed:
            found = {pid for pid, ppid in parents.items() if ppid in mine} - mine
            changed = bool(found)
            mine |= found
        return mine - {os.getpid()}

    def _read_peaks(self) -> None:
        for pid in self._pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak_kb = max(self.peak_kb, int(line.split()[1]))
            except (OSError, ValueError):
                continue
