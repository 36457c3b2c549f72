"""`TokenAuthenticator`: the Authenticator port over SqlAuthStore, with the caches that keep it cheap.

Checking argon2 on every request would cost ~0.1 s of CPU each, so a successful check is remembered by the
token's SHA-256 for as long as the stored hash stays the same. The stored hash and sessions are re-read
at most every `cache_ttl` seconds, so a `phantom token rotate` in another process takes effect within
that time; in this process rotate and logout take effect at once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from phantom.auth.sessions import SESSION_TTL, needs_touch, new_session, session_key
from phantom.auth.store import SqlAuthStore
from phantom.auth.tokens import TokenHasher, fingerprint, looks_like_token, new_token
from phantom.domain.auth import LoginResult, Principal, Session
from phantom.domain.ports import Clock

CACHE_TTL = 5.0
_MAX_CACHED = 4096
V = TypeVar("V")


class TokenAuthenticator:
    def __init__(
        self,
        store: SqlAuthStore,
        clock: Clock,
        *,
        hasher: TokenHasher | None = None,
        session_ttl: timedelta = SESSION_TTL,
        cache_ttl: float = CACHE_TTL,
        new_token: Callable[[], str] = new_token,
    ) -> None:
        self._store = store
        self._clock = clock
        self._hasher = hasher or TokenHasher()
        self._session_ttl = session_ttl
        self._cache_ttl = cache_ttl
        self._new_token = new_token
        self._hash: str | None = None
        self._hash_read_at: float | None = None
        # token fingerprint -> the stored hash it was checked against (valid while that hash is current)
        self._verified: dict[str, str] = {}
        self._rejected: OrderedDict[str, str] = OrderedDict()
        self._sessions: OrderedDict[str, tuple[Session, float]] = OrderedDict()

    async def ensure_token(self) -> str | None:
        if await self._current_hash(fresh=True) is not None:
            return None
        token = self._new_token()
        created = await self._store.create_token(await self._hasher.hash(token), self._clock.now())
        self._forget()
        return token if created else None

    async def authenticate_bearer(self, token: str) -> Principal | None:
        return Principal.bearer() if await self._token_ok(token) else None

    async def authenticate_session(self, session_id: str) -> Principal | None:
        key = session_key(session_id)
        if key is None:
            return None
        now = self._clock.now()
        cached = self._sessions.get(key)
        fresh = cached is None or self._clock.monotonic() - cached[1] >= self._cache_ttl
        session = await self._store.get_session(key) if fresh or cached is None else cached[0]
        if session is None or session.expired(now):
            self._sessions.pop(key, None)
            return None
        if needs_touch(session, now):
            session = await self._store.touch_session(session, now)
            fresh = True
        if fresh:
            _remember(self._sessions, key, (session, self._clock.monotonic()))
        return Principal.of_session(session)

    async def login(self, token: str) -> LoginResult | None:
        if not await self._token_ok(token):
            return None
        now = self._clock.now()
        await self._store.delete_expired(now)
        result = new_session(now, self._session_ttl)
        await self._store.add_session(result.session)
        return result

    async def logout(self, session_key: str) -> None:
        self._sessions.pop(session_key, None)
        await self._store.delete_session(session_key)

    async def rotate(self) -> str:
        token = self._new_token()
        await self._store.replace_token(await self._hasher.hash(token), self._clock.now())
        self._forget()
        return token

    # ---- internals -----------------------------------------------------------------------------------

    async def _token_ok(self, token: str) -> bool:
        if not looks_like_token(token):
            return False
        current = await self._current_hash()
        if current is None:
            return False
        fp = fingerprint(token)
        if self._verified.get(fp) == current:
            return True
        if self._rejected.get(fp) == current:
            return False  # the same wrong token again: no second argon2 check
        ok = await self._hasher.verify(current, token)
        if ok:
            self._verified = {fp: current}  # one admin token: only its latest check matters
        else:
            _remember(self._rejected, fp, current)
        return ok

    async def _current_hash(self, *, fresh: bool = False) -> str | None:
        now = self._clock.monotonic()
        if fresh or self._hash_read_at is None or now - self._hash_read_at >= self._cache_ttl:
            token_hash = await self._store.token_hash()
            if token_hash != self._hash:
                self._sessions.clear()  # rotated elsewhere: every session ended with it
            self._hash, self._hash_read_at = token_hash, now
        return self._hash

    def _forget(self) -> None:
        self._hash_read_at = None
        self._verified.clear()
        self._rejected.clear()
        self._sessions.clear()


def _remember(cache: OrderedDict[str, V], key: str, value: V) -> None:
    """Insert as most recent, forgetting the least recent beyond _MAX_CACHED entries."""
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > _MAX_CACHED:
        cache.popitem(last=False)
