"""A small thread-safe LRU for search answers, facet counts and rendered bodies, kept until the index
changes, and bounded by the memory its values hold as well as by their number: a count alone let
500 answers of 100 hits hold ~500 MB, filled by anyone in seconds with distinct searches."""

from __future__ import annotations

import sys
import threading
import weakref
from collections import OrderedDict
from typing import Any

import orjson

from config.settings import ApiSettings

MB = 2 ** 20
# How `[api] cached_searches_mb` is shared, in proportion to what one search puts in each cache
# (scale-10 fixtures, 100 hits: ~650 KB of hits, a ~280 KB JSON body, ~20 KB of facet counts),
# so that each cache keeps about as many searches as the others.
SHARES = {"answers": 0.6, "bodies": 0.3, "facets": 0.1}


def cache_bytes(api: ApiSettings, cache: str) -> int:
    """The bytes `cache` (a key of SHARES) may hold under these settings."""
    return int(api.cached_searches_mb * MB * SHARES[cache])


# Python objects of a search answer (dicts of str, lists, ints) hold 2.35-2.41 times the bytes of its
# JSON (the demo catalogue, 20 to 100 hits, measured by walking them with sys.getsizeof, which matched
# tracemalloc within 1%); rounded up, so the budget errs on the safe side.
HELD_PER_JSON_BYTE = 2.5


def held_bytes(value: Any) -> int:
    """Bytes `value` holds as Python objects, estimated from its JSON length (`HELD_PER_JSON_BYTE`);
    bytes and str exactly, a tuple as the sum of its items (a body beside its answer's weak reference).

    Walking every object with sys.getsizeof took 0.6 ms for 20 hits and 7 ms for 100, paid by
    each search not cached; orjson writes the same answer in a tenth to a sixteenth of that.
    """
    if isinstance(value, bytes | str):
        return sys.getsizeof(value)
    if type(value) is tuple:
        return sys.getsizeof(value) + sum(map(held_bytes, value))
    if isinstance(value, weakref.ref):
        return sys.getsizeof(value)
    try:
        written = len(orjson.dumps(value, default=_json_default))
    except TypeError:  # an int past 64 bits (a year or page of a refused search's echo): rare, so repr
        written = len(repr(value))
    return int(HELD_PER_JSON_BYTE * written)


def _json_default(value: Any) -> Any:
    """What orjson cannot write itself, for `held_bytes`: sets as lists, anything else as its str."""
    return list(value) if isinstance(value, set | frozenset) else str(value)


class LruCache:
    """A thread-safe LRU of at most `size` entries whose values hold at most `max_bytes` (none when either is 0)."""

    def __init__(self, size: int, max_bytes: int):
        self._size = size
        self._max_bytes = max_bytes if size else 0
        self._entries: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        if not self._max_bytes:
            return None
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: Any, value: Any) -> None:
        if not self._max_bytes:
            return
        size = held_bytes(value)  # outside the lock: the one slow step
        if size > self._max_bytes:
            return  # larger than the whole budget: kept, it would evict everything else
        with self._lock:
            _, replaced = self._entries.pop(key, (None, 0))
            self._entries[key] = (value, size)
            self._bytes += size - replaced
            while self._bytes > self._max_bytes or len(self._entries) > self._size:
                _, (_, freed) = self._entries.popitem(last=False)
                self._bytes -= freed

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
