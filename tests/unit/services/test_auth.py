"""Auth use cases on fakes: who is calling, CSRF, the throttled login, logout, rotation."""

from __future__ import annotations

import pytest

from phantom.auth.throttle import InMemoryLoginThrottle
from phantom.domain.auth import (
    Credentials,
    CsrfRequired,
    Principal,
    PrincipalKind,
    TooManyAttempts,
    Unauthorized,
)
from phantom.services import auth
from tests.fakes import FakeAuthenticator, FrozenClock


@pytest.fixture
def authenticator(clock: FrozenClock) -> FakeAuthenticator:
    return FakeAuthenticator(clock)


@pytest.fixture
def throttle() -> InMemoryLoginThrottle:
    return InMemoryLoginThrottle()


async def login(authenticator, throttle, clock, token: str = "phx_right", client: str = "10.0.0.1"):
    return await auth.login(token, client, authenticator=authenticator, throttle=throttle, clock=clock)


class TestAuthenticate:
    async def test_a_valid_bearer_token_needs_no_csrf(self, authenticator: FakeAuthenticator) -> None:
        principal = await auth.authenticate(
            Credentials(bearer="phx_right"), "DELETE", authenticator=authenticator
        )
        assert principal == Principal.bearer()

    async def test_a_wrong_or_empty_bearer_is_refused_even_with_a_good_cookie(
        self, authenticator: FakeAuthenticator, throttle, clock
    ) -> None:
        session = await login(authenticator, throttle, clock)
        for bearer in ("phx_wrong", ""):
            with pytest.raises(Unauthorized):
                await auth.authenticate(
                    Credentials(bearer=bearer, session_id=session.session_id),
                    "GET",
                    authenticator=authenticator,
                )

    async def test_no_credentials(self, authenticator: FakeAuthenticator) -> None:
        with pytest.raises(Unauthorized, match="log in"):
            await auth.authenticate(Credentials(), "GET", authenticator=authenticator)

    async def test_cookie_reads_freely_but_writes_need_the_csrf_token(
        self, authenticator: FakeAuthenticator, throttle, clock
    ) -> None:
        result = await login(authenticator, throttle, clock)
        sid, csrf = result.session_id, result.session.csrf_token
        principal = await auth.authenticate(Credentials(session_id=sid), "GET", authenticator=authenticator)
        assert principal.kind is PrincipalKind.SESSION
        for bad in (None, "", "csrf-other", csrf + "x"):
            with pytest.raises(CsrfRequired):
                await auth.authenticate(
                    Credentials(session_id=sid, csrf_token=bad), "POST", authenticator=authenticator
                )
        ok = await auth.authenticate(
            Credentials(session_id=sid, csrf_token=csrf), "PATCH", authenticator=authenticator
        )
        assert ok.session == result.session

    async def test_expired_or_unknown_sessions_are_refused(
        self, authenticator: FakeAuthenticator, throttle, clock: FrozenClock
    ) -> None:
        result = await login(authenticator, throttle, clock)
        with pytest.raises(Unauthorized):
            await auth.authenticate(Credentials(session_id="nope"), "GET", authenticator=authenticator)
        clock.advance(authenticator.ttl)
        with pytest.raises(Unauthorized, match="expired"):
            await auth.authenticate(
                Credentials(session_id=result.session_id), "GET", authenticator=authenticator
            )


class TestLogin:
    async def test_five_failures_lock_out_even_the_right_token(
        self, authenticator: FakeAuthenticator, throttle, clock: FrozenClock
    ) -> None:
        for _ in range(5):
            with pytest.raises(Unauthorized):
                await login(authenticator, throttle, clock, token="phx_wrong")
        with pytest.raises(TooManyAttempts) as caught:
            await login(authenticator, throttle, clock)
        assert caught.value.retry_after == 60
        assert authenticator.logins == 0, "a locked-out client's token is not even checked"
        assert (await login(authenticator, throttle, clock, client="10.0.0.2")).session_id == "s1"
        clock.advance(60)
        assert (await login(authenticator, throttle, clock)).session_id == "s2"

    async def test_success_forgets_earlier_failures(
        self, authenticator: FakeAuthenticator, throttle, clock: FrozenClock
    ) -> None:
        for _ in range(4):
            with pytest.raises(Unauthorized):
                await login(authenticator, throttle, clock, token="phx_wrong")
        await login(authenticator, throttle, clock)
        for _ in range(4):
            with pytest.raises(Unauthorized):
                await login(authenticator, throttle, clock, token="phx_wrong")
        await login(authenticator, throttle, clock)


class TestLogoutAndRotate:
    async def test_logout_ends_only_that_session(
        self, authenticator: FakeAuthenticator, throttle, clock
    ) -> None:
        one = await login(authenticator, throttle, clock)
        two = await login(authenticator, throttle, clock)
        principal = await auth.authenticate(
            Credentials(session_id=one.session_id), "GET", authenticator=authenticator
        )
        await auth.logout(principal, authenticator=authenticator)
        assert await authenticator.authenticate_session(one.session_id) is None
        assert await authenticator.authenticate_session(two.session_id) is not None

    async def test_logout_of_a_bearer_caller_is_a_no_op(self, authenticator: FakeAuthenticator) -> None:
        await auth.logout(Principal.bearer(), authenticator=authenticator)

    async def test_rotate_needs_the_current_token_and_is_throttled(
        self, authenticator: FakeAuthenticator, throttle, clock
    ) -> None:
        for _ in range(5):
            with pytest.raises(Unauthorized):
                await auth.rotate_token(
                    "phx_wrong", "c", authenticator=authenticator, throttle=throttle, clock=clock
                )
        with pytest.raises(TooManyAttempts):
            await auth.rotate_token(
                "phx_right", "c", authenticator=authenticator, throttle=throttle, clock=clock
            )
        new = await auth.rotate_token(
            "phx_right", "other", authenticator=authenticator, throttle=throttle, clock=clock
        )
        assert new == authenticator.token == "phx_rotated1"
