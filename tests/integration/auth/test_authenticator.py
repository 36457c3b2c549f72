"""TokenAuthenticator over SqlAuthStore on a real (migrated) SQLite database."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from phantom.auth.store import SqlAuthStore
from phantom.auth.tokens import TokenHasher, fingerprint, looks_like_token
from phantom.domain.auth import PrincipalKind
from tests.fakes import FrozenClock
from tests.integration.auth.conftest import FAST, authenticator


class CountingHasher(TokenHasher):
    def __init__(self) -> None:
        super().__init__(FAST)
        self.verifies = 0

    async def verify(self, token_hash: str, token: str) -> bool:
        self.verifies += 1
        return await super().verify(token_hash, token)


async def rows(engine: AsyncEngine, sql: str) -> list[tuple[object, ...]]:
    async with engine.connect() as conn:
        return [tuple(r) for r in (await conn.execute(text(sql))).all()]


class TestAdminToken:
    async def test_created_once_and_stored_only_as_argon2id(
        self, store: SqlAuthStore, clock: FrozenClock, engine: AsyncEngine
    ) -> None:
        auth = authenticator(store, clock)
        token = await auth.ensure_token()
        assert token is not None and looks_like_token(token)
        assert await auth.ensure_token() is None
        assert await authenticator(store, clock).ensure_token() is None, "another process sees it too"
        [(stored,)] = await rows(engine, "SELECT hash FROM api_token")
        assert str(stored).startswith("$argon2id$") and token not in str(stored)
        assert fingerprint(token) not in str(stored)

    async def test_bearer_checks_are_cached_per_token(self, store: SqlAuthStore, clock: FrozenClock) -> None:
        hasher = CountingHasher()
        auth = authenticator(store, clock, hasher=hasher)
        token = await auth.ensure_token()
        assert token is not None
        for _ in range(20):
            principal = await auth.authenticate_bearer(token)
            assert principal is not None and principal.kind is PrincipalKind.BEARER
        for _ in range(20):
            assert await auth.authenticate_bearer("phx_" + "A" * 43) is None
        assert await auth.authenticate_bearer("garbage") is None
        assert hasher.verifies == 2, "one argon2 check for the right token, one for the wrong one"

    async def test_cached_checks_are_fast(self, store: SqlAuthStore, clock: FrozenClock) -> None:
        auth = authenticator(store, clock, hasher=TokenHasher())  # real cost
        token = await auth.ensure_token()
        assert token is not None
        assert await auth.authenticate_bearer(token) is not None
        start = time.perf_counter()
        for _ in range(200):
            assert await auth.authenticate_bearer(token) is not None
        per_check = (time.perf_counter() - start) / 200
        assert per_check < 0.002, f"{per_check * 1000:.2f} ms per cached check"

    async def test_rotate_replaces_the_token_and_ends_every_session(
        self, store: SqlAuthStore, clock: FrozenClock, engine: AsyncEngine
    ) -> None:
        auth = authenticator(store, clock)
        old = await auth.ensure_token()
        assert old is not None
        session = await auth.login(old)
        assert session is not None
        new = await auth.rotate()
        assert new != old
        assert await auth.authenticate_bearer(old) is None
        assert await auth.authenticate_bearer(new) is not None
        assert await auth.authenticate_session(session.session_id) is None
        assert await rows(engine, "SELECT count(*) FROM auth_session") == [(0,)]
        assert await rows(engine, "SELECT count(*) FROM api_token") == [(1,)]

    async def test_a_rotation_elsewhere_is_seen_after_the_cache_ttl(
        self, store: SqlAuthStore, clock: FrozenClock
    ) -> None:
        server = authenticator(store, clock, cache_ttl=5.0)
        cli = authenticator(store, clock)
        old = await server.ensure_token()
        assert old is not None
        session = await server.login(old)
        assert session is not None
        assert await server.authenticate_bearer(old) is not None
        await cli.rotate()
        clock.advance(5.0)
        assert await server.authenticate_bearer(old) is None
        assert await server.authenticate_session(session.session_id) is None


class TestSessions:
    async def test_login_stores_only_the_hash_of_the_cookie(
        self, store: SqlAuthStore, clock: FrozenClock, engine: AsyncEngine
    ) -> None:
        auth = authenticator(store, clock)
        token = await auth.ensure_token()
        assert token is not None
        assert await auth.login("phx_" + "B" * 43) is None
        result = await auth.login(token)
        assert result is not None
        [(key, csrf)] = await rows(engine, "SELECT id, csrf_token FROM auth_session")
        assert key == fingerprint(result.session_id) and csrf == result.session.csrf_token
        principal = await auth.authenticate_session(result.session_id)
        assert principal is not None and principal.session == result.session

    async def test_sessions_expire_and_are_purged(
        self, store: SqlAuthStore, clock: FrozenClock, engine
    ) -> None:
        auth = authenticator(store, clock, session_ttl=timedelta(hours=1))
        token = await auth.ensure_token()
        assert token is not None
        first = await auth.login(token)
        assert first is not None
        clock.advance(3600)
        assert await auth.authenticate_session(first.session_id) is None
        await auth.login(token)
        assert await rows(engine, "SELECT count(*) FROM auth_session") == [(1,)], "expired rows purged"

    async def test_last_seen_is_written_at_most_once_a_minute(
        self, store: SqlAuthStore, clock: FrozenClock, engine: AsyncEngine
    ) -> None:
        auth = authenticator(store, clock, cache_ttl=0.0)
        token = await auth.ensure_token()
        assert token is not None
        result = await auth.login(token)
        assert result is not None
        start = result.session.last_seen_at
        clock.advance(30)
        await auth.authenticate_session(result.session_id)
        assert (await store.get_session(result.session.key)).last_seen_at == start  # type: ignore[union-attr]
        clock.advance(31)
        await auth.authenticate_session(result.session_id)
        assert (await store.get_session(result.session.key)).last_seen_at == clock.now()  # type: ignore[union-attr]

    async def test_logout_is_immediate_in_this_process(self, store: SqlAuthStore, clock: FrozenClock) -> None:
        auth = authenticator(store, clock)
        token = await auth.ensure_token()
        assert token is not None
        result = await auth.login(token)
        assert result is not None
        assert await auth.authenticate_session(result.session_id) is not None
        await auth.logout(result.session.key)
        assert await auth.authenticate_session(result.session_id) is None
        assert await auth.authenticate_session("x" * 500) is None
