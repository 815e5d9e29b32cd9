"""A small thread-safe LRU for search answers, facet counts and rendered bodies, kept until the index
changes, and bounded by the memory its values hold as well as by their number: a count alone let
500 answers of 100 hits hold ~500 MB, filled by anyone in seconds with distinct searches."""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from typing import Any

from config.settings import ApiSettings

MB = 2 ** 20
# How `[api] cached_searches_mb` is shared, in proportion to what one search puts in each cache
# (scale-10 fixtures, 100 hits: ~650 KB of hits, a ~280 KB JSON body, ~20 KB of facet counts),
# so that each cache keeps about as many searches as the others.
SHARES = {"answers": 0.6, "bodies": 0.3, "facets": 0.1}


def cache_bytes(api: ApiSettings, cache: str) -> int:
    """The bytes `cache` (a key of SHARES) may hold under these settings."""
    return int(api.cached_searches_mb * MB * SHARES[cache])


def held_bytes(value: Any) -> int:
    """Bytes `value` holds as Python objects: itself, and the values of its dicts, lists and tuples
    (an object shared inside it counted once; dict keys, field names shared by every hit, not at all).
    Matched tracemalloc within 1% on an answer of 100 hits; ~1.5 ms for 20 hits, ~8 ms for 100, paid
    once when a search that was not cached is put in."""
    seen: set[int] = set()
    total = 0
    pending = [value]
    while pending:
        item = pending.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        total += sys.getsizeof(item)
        kind = type(item)
        if kind is dict:
            pending.extend(item.values())
        elif kind is list or kind is tuple:
            pending.extend(item)
        elif hasattr(item, "__dataclass_fields__"):  # a SearchResult, its SearchParams
            pending.append(item.__dict__)
    return total


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
