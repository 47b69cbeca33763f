"""A small in-process cache of rendered page fragments (and whole pages), keyed by what they
were made from.

The Förbrukning page's chart and table are a pure function of the installation, the chosen
period and resolution, the customer's first day, the language and the stored values. The key
carries a version of those values (``metering.repository.days_version``), so a new or corrected
value changes the key and the next view renders afresh (SUP-12: latest values at once); entries
are never invalidated, only pushed out when the cache is full.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class LruCache(Generic[V]):
    """Least-recently-used, thread-safe (the portal renders in a thread pool)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_render(self, key: Hashable, render: Callable[[], V]) -> V:
        found = self.get(key)
        if found is not None:
            return found
        fragment = render()  # outside the lock: two threads may render the same key, harmlessly
        self.put(key, fragment)
        return fragment

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        return None

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
