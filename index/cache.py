"""A small thread-safe LRU for search answers, facet counts and rendered bodies, kept until the index changes."""

from __future__ import annotations

import threading
from typing import Any

import cachetools


class LruCache:
    """A thread-safe LRU of `size` entries (none when 0)."""

    def __init__(self, size: int):
        self._entries: cachetools.LRUCache | None = cachetools.LRUCache(maxsize=size) if size else None
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any:
        if self._entries is None:
            return None
        with self._lock:
            return self._entries.get(key)

    def put(self, key: Any, value: Any) -> None:
        if self._entries is not None:
            with self._lock:
                self._entries[key] = value

    def clear(self) -> None:
        if self._entries is not None:
            with self._lock:
                self._entries.clear()
