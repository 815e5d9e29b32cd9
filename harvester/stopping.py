"""Stopping a harvest when the run is asked to end (Ctrl+C, or SIGTERM from `kill` or systemd).

The CLI's main thread gets the signal; the libraries are harvested on other
threads, which Python never interrupts.  `request_stop()` tells them: each
stops at its next request, retry wait, chunk of a response or batch of a file
with `HarvestInterrupted` (a request in flight has its socket shut down, so a
server that hangs does not hold the stop for the read timeout), so its run is
recorded failed with the reason, what it saved stays saved (a page and its
resumption token are one transaction), and libraries not started yet are not
started.  The next run continues.
"""

from __future__ import annotations

import socket
import threading
import weakref

from harvester.errors import HarvestInterrupted

_requested = threading.Event()
_why = {"reason": "interrupted"}
# The harvest's open sockets: a thread waiting on a server that hangs sits in recv() for up
# to the read timeout (30 s by default), longer than a container's stop grace period, so a
# stop shuts them down and the recv returns at once.  RLock: the signal handler that asks
# for the stop may interrupt its own thread while it holds the lock.
_sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
_sockets_lock = threading.RLock()


def request_stop(reason: str = "interrupted") -> None:
    """Ask every harvest thread to stop at its next step, cutting short any request in flight."""
    _why["reason"] = reason
    _requested.set()
    with _sockets_lock:
        in_flight = list(_sockets)
    for sock in in_flight:
        _shut(sock)


def watch_connection(event: str, info: dict) -> None:
    """httpx's `trace` request extension: note each new connection's socket for `request_stop`."""
    if event != "connection.connect_tcp.complete":
        return
    sock = info["return_value"].get_extra_info("socket")
    if sock is None:
        return
    with _sockets_lock:
        _sockets.add(sock)
    if _requested.is_set():  # connected just as the stop came
        _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # closed meanwhile: nothing to cut short
        pass


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
