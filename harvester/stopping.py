"""Stopping a harvest when the run is asked to end (Ctrl+C, or SIGTERM from `kill` or systemd).

The CLI's main thread gets the signal; the libraries are harvested on other
threads, which Python never interrupts.  `request_stop()` tells them: each
stops at its next request, retry wait, chunk of a response or batch of a file
with `HarvestInterrupted`, so its run is recorded failed with the reason, what
it saved stays saved (a page and its resumption token are one transaction), and
libraries not started yet are not started.  The next run continues.
"""

from __future__ import annotations

import threading

from harvester.errors import HarvestInterrupted

_requested = threading.Event()
_why = {"reason": "interrupted"}


def request_stop(reason: str = "interrupted") -> None:
    """Ask every harvest thread to stop at its next step."""
    _why["reason"] = reason
    _requested.set()


def clear() -> None:
    """A new harvest starts: forget an earlier request (tests run many harvests in one process)."""
    _requested.clear()


def stop_requested() -> bool:
    return _requested.is_set()


def check(library: str, source: str) -> None:
    """Raise HarvestInterrupted when the run was asked to stop."""
    if _requested.is_set():
        raise HarvestInterrupted(library, source, _why["reason"])


def pause(seconds: float, library: str, source: str) -> None:
    """Sleep `seconds` (a retry backoff, a politeness delay), or raise at once when asked to stop."""
    if _requested.wait(seconds) if seconds > 0 else _requested.is_set():
        raise HarvestInterrupted(library, source, _why["reason"])
