"""Token shape, fingerprints, argon2id hashing off the event loop, session values."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from phantom.auth.sessions import needs_touch, new_session, session_key
from phantom.auth.tokens import TokenHasher, fingerprint, looks_like_token, new_token
from tests.fakes import EPOCH


class TestTokens:
    def test_new_tokens_have_the_documented_shape_and_differ(self) -> None:
        tokens = {new_token() for _ in range(50)}
        assert len(tokens) == 50
        assert all(t.startswith("phx_") and len(t) == 47 and looks_like_token(t) for t in tokens)

    def test_garbage_is_not_a_token(self) -> None:
        for bad in [
            "",
            "phx_",
            "phx_short",
            "Bearer phx_" + "a" * 43,
            "phx_" + "a" * 44,
            "phx_" + "a" * 42 + "!",
        ]:
            assert not looks_like_token(bad)

    def test_fingerprint_is_sha256_hex(self) -> None:
        assert fingerprint("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


class TestTokenHasher:
    async def test_hash_is_argon2id_and_verifies_only_the_token(self) -> None:
        hasher = TokenHasher()
        token = new_token()
        stored = await hasher.hash(token)
        assert stored.startswith("$argon2id$") and token not in stored
        assert await hasher.verify(stored, token)
        assert not await hasher.verify(stored, new_token())
        assert not await hasher.verify("not a hash", token)

    async def test_checks_run_off_the_event_loop(self) -> None:
        hasher = TokenHasher()
        stored = await hasher.hash("phx_x")
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.005)

        task = asyncio.create_task(ticker())
        start = time.perf_counter()
        assert await hasher.verify(stored, "phx_x")
        elapsed = time.perf_counter() - start
        task.cancel()
        assert ticks >= 3, f"the loop stalled during a {elapsed:.3f} s argon2 check"


class TestSessions:
    def test_new_session_keeps_only_the_hash_of_its_cookie(self) -> None:
        result = new_session(EPOCH, timedelta(days=7))
        assert result.session.key == fingerprint(result.session_id) == session_key(result.session_id)
        assert result.session.expires_at == EPOCH + timedelta(days=7)
        assert len(result.session.csrf_token) >= 43 and result.session.csrf_token != result.session_id

    def test_implausible_cookie_values_have_no_key(self) -> None:
        assert session_key("") is None
        assert session_key("x" * 129) is None

    def test_touch_at_most_once_a_minute(self) -> None:
        session = new_session(EPOCH).session
        assert not needs_touch(session, EPOCH + timedelta(seconds=59))
        assert needs_touch(session, EPOCH + timedelta(seconds=60))
