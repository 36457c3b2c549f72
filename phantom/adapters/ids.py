"""Time-ordered unique ids (ULID layout): 48-bit millisecond timestamp + 80 random bits, 26 characters of
Crockford base32. Ids sort lexicographically in creation order, within one process even inside one
millisecond (the random part is incremented), which is what the event list's `before_id` cursor relies on.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
ID_LENGTH = 26
_RANDOM_BITS = 80
_RANDOM_MAX = (1 << _RANDOM_BITS) - 1


class IdGenerator:
    """Monotonic within one instance; thread-safe. `now_ms` is injectable for tests."""

    def __init__(self, now_ms: Callable[[], int] | None = None) -> None:
        self._now_ms = now_ms or _wall_ms
        self._lock = threading.Lock()
        self._last_ms = -1
        self._last_rand = 0

    def __call__(self) -> str:
        with self._lock:
            ms = int(self._now_ms())
            if ms <= self._last_ms:  # same millisecond, or the wall clock stepped back
                ms, rand = self._last_ms, self._last_rand + 1
                if rand > _RANDOM_MAX:
                    ms, rand = ms + 1, secrets.randbits(_RANDOM_BITS - 1)
            else:
                # Leave headroom below the maximum so increments within the millisecond rarely overflow.
                rand = secrets.randbits(_RANDOM_BITS - 1)
            self._last_ms, self._last_rand = ms, rand
        return encode(ms, rand)


def encode(ms: int, rand: int) -> str:
    if not 0 <= ms < 1 << 48:
        raise ValueError(f"timestamp out of range: {ms}")
    value = (ms << _RANDOM_BITS) | rand
    chars = []
    for _ in range(ID_LENGTH):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def timestamp_ms(id_: str) -> int:
    """The millisecond timestamp an id was made at."""
    value = 0
    for char in id_.upper():
        value = value * 32 + ALPHABET.index(char)
    return value >> _RANDOM_BITS


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


new_id = IdGenerator()
