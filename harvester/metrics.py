"""Where a harvest's time goes: HTTP, parsing, storing.

Accumulated per page (never per record), so measuring costs nothing worth
noticing; `bench/harvest.py` passes a `StageTimes` to `OaiHarvester` and reads
it after the run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class StageTimes:
    """Seconds spent in each step of the harvest loop, summed over pages and threads."""

    http_s: float = 0.0
    parse_s: float = 0.0
    store_s: float = 0.0
    pages: int = 0
    records: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @contextmanager
    def measure(self, step: str) -> Iterator[None]:
        """Add the time spent in the block to `<step>_s`."""
        started = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            with self._lock:
                setattr(self, f"{step}_s", getattr(self, f"{step}_s") + elapsed)

    def count_page(self, records: int) -> None:
        with self._lock:
            self.pages += 1
            self.records += records
