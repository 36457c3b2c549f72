"""A small in-process cache for lists that are read on every event but written almost never."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class ListCache(Generic[T]):
    """Writes through this process invalidate it at once; `ttl` bounds how long a change made by another
    process goes unseen."""

    def __init__(self, ttl: float = 2.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._clock = clock
        self._items: list[T] | None = None
        self._loaded_at = 0.0

    def get(self) -> list[T] | None:
        if self._items is None or self._clock() - self._loaded_at > self._ttl:
            return None
        return list(self._items)

    def put(self, items: list[T]) -> None:
        self._items, self._loaded_at = list(items), self._clock()

    def invalidate(self) -> None:
        self._items = None
