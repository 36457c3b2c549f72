"""In-memory login throttle (one process). Behind the LoginThrottle port, so it can move to Redis later."""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field

from phantom.domain.auth import (
    FAILURE_WINDOW_SECONDS,
    MAX_LOCKOUT_SECONDS,
    MAX_LOGIN_FAILURES,
    lockout_seconds,
)


@dataclass(slots=True)
class _Client:
    failures: deque[float] = field(default_factory=deque)
    lockouts: int = 0  # lockouts in a row; forgotten after a quiet spell as long as the longest lockout
    locked_until: float = 0.0


class InMemoryLoginThrottle:
    """`max_failures` failures inside `window` seconds lock a client out for 60 s, then 120 s, … 15 min.

    Memory is bounded: at most `max_clients` are remembered (the least recently seen is forgotten first).
    """

    def __init__(
        self,
        *,
        max_failures: int = MAX_LOGIN_FAILURES,
        window: float = FAILURE_WINDOW_SECONDS,
        max_clients: int = 10_000,
    ) -> None:
        self._max_failures = max_failures
        self._window = window
        self._max_clients = max_clients
        self._clients: OrderedDict[str, _Client] = OrderedDict()

    def retry_after(self, client: str, now: float) -> float | None:
        state = self._clients.get(client)
        if state is None or state.locked_until <= now:
            return None
        return state.locked_until - now

    def failed(self, client: str, now: float) -> None:
        state = self._state(client, now)
        while state.failures and state.failures[0] <= now - self._window:
            state.failures.popleft()
        state.failures.append(now)
        if len(state.failures) >= self._max_failures:
            state.lockouts += 1
            state.locked_until = now + lockout_seconds(state.lockouts)
            state.failures.clear()

    def succeeded(self, client: str) -> None:
        self._clients.pop(client, None)

    def _state(self, client: str, now: float) -> _Client:
        state = self._clients.pop(client, None)
        if state is None:
            state = _Client()
        elif state.locked_until and now - state.locked_until > MAX_LOCKOUT_SECONDS:
            state.lockouts = 0  # behaved for a long while: the next lockout starts short again
        self._clients[client] = state  # most recently seen last
        while len(self._clients) > self._max_clients:
            self._clients.popitem(last=False)
        return state
