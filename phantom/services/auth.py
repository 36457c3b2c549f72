"""Auth use cases: who is calling, logging in (throttled), logging out and rotating the admin token."""

from __future__ import annotations

import hmac

from phantom.domain.auth import (
    Credentials,
    CsrfRequired,
    LoginResult,
    Principal,
    PrincipalKind,
    TooManyAttempts,
    Unauthorized,
    needs_csrf,
)
from phantom.domain.ports import Authenticator, Clock, LoginThrottle


async def authenticate(creds: Credentials, method: str, *, authenticator: Authenticator) -> Principal:
    """The caller of one request, or Unauthorized / CsrfRequired.

    A bearer token needs no CSRF token: browsers never attach it on their own. The session cookie they do
    attach, so a state-changing request made with it must echo the session's CSRF token in a header.
    """
    if creds.bearer is not None:
        principal = await authenticator.authenticate_bearer(creds.bearer)
        if principal is None:
            raise Unauthorized("invalid access token")
        return principal
    if creds.session_id is None:
        raise Unauthorized("log in, or send Authorization: Bearer <access token>")
    principal = await authenticator.authenticate_session(creds.session_id)
    if principal is None or principal.session is None:
        raise Unauthorized("session expired or ended; log in again")
    if needs_csrf(method) and not _same(creds.csrf_token, principal.session.csrf_token):
        raise CsrfRequired("this request needs the X-CSRF-Token header of the session")
    return principal


async def login(
    token: str, client: str, *, authenticator: Authenticator, throttle: LoginThrottle, clock: Clock
) -> LoginResult:
    """Exchange the admin token for a session. Repeated failures from one client lock it out for a while
    (TooManyAttempts), and during a lockout not even the right token is checked."""
    wait = throttle.retry_after(client, clock.monotonic())
    if wait is not None:
        raise TooManyAttempts(wait)
    result = await authenticator.login(token)
    if result is None:
        throttle.failed(client, clock.monotonic())
        raise Unauthorized("wrong access token")
    throttle.succeeded(client)
    return result


async def logout(principal: Principal, *, authenticator: Authenticator) -> None:
    """End the caller's session; for a bearer caller there is nothing to end."""
    if principal.kind is PrincipalKind.SESSION and principal.session is not None:
        await authenticator.logout(principal.session.key)


async def rotate_token(
    current: str, client: str, *, authenticator: Authenticator, throttle: LoginThrottle, clock: Clock
) -> str:
    """Replace the admin token (proving the current one, throttled like a login) and end every session."""
    wait = throttle.retry_after(client, clock.monotonic())
    if wait is not None:
        raise TooManyAttempts(wait)
    if await authenticator.authenticate_bearer(current) is None:
        throttle.failed(client, clock.monotonic())
        raise Unauthorized("wrong access token")
    throttle.succeeded(client)
    return await authenticator.rotate()


def _same(presented: str | None, expected: str) -> bool:
    return presented is not None and hmac.compare_digest(presented.encode(), expected.encode())
