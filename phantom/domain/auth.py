"""Who is calling: the admin token, dashboard sessions, and the rules that guard them (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from phantom.domain.errors import DomainError

# Methods a browser can be tricked into sending cross-site; with a session cookie they need the CSRF header.
STATE_CHANGING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Login throttle: this many failures from one client inside the window lock it out.
MAX_LOGIN_FAILURES = 5
FAILURE_WINDOW_SECONDS = 300.0
FIRST_LOCKOUT_SECONDS = 60.0
MAX_LOCKOUT_SECONDS = 900.0


class Unauthorized(DomainError):
    """No credentials, or credentials that are wrong or expired (HTTP 401)."""


class Forbidden(DomainError):
    """Authenticated, but this request is not allowed as it was made (HTTP 403)."""


class CsrfRequired(Forbidden):
    """A state-changing request authenticated by the session cookie without the matching X-CSRF-Token."""


class TooManyAttempts(DomainError):
    """Too many failed logins from one client; try again after `retry_after` seconds (HTTP 429)."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"too many failed attempts; try again in {round(retry_after)} s")
        self.retry_after = retry_after


class PrincipalKind(StrEnum):
    BEARER = "bearer"  # Authorization: Bearer <admin token> (API clients)
    SESSION = "session"  # the dashboard's session cookie


@dataclass(frozen=True, slots=True)
class Session:
    """A dashboard login. `key` is the SHA-256 of the cookie value: the cookie itself is never stored."""

    key: str
    csrf_token: str
    created_at: datetime
    expires_at: datetime
    last_seen_at: datetime

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at


@dataclass(frozen=True, slots=True)
class Principal:
    kind: PrincipalKind
    session: Session | None = None

    @classmethod
    def bearer(cls) -> Principal:
        return cls(PrincipalKind.BEARER)

    @classmethod
    def of_session(cls, session: Session) -> Principal:
        return cls(PrincipalKind.SESSION, session)


@dataclass(frozen=True, slots=True)
class LoginResult:
    """A new session. `session_id` is the cookie value, handed out once and kept nowhere else."""

    session_id: str
    session: Session


@dataclass(frozen=True, slots=True)
class Credentials:
    """What one request presented. Either may be absent; the bearer token wins when both are."""

    bearer: str | None = None
    session_id: str | None = None
    csrf_token: str | None = None


def needs_csrf(method: str) -> bool:
    return method.upper() in STATE_CHANGING_METHODS


def lockout_seconds(lockouts: int) -> float:
    """Length of the n-th lockout (n >= 1) in a row: 60 s, doubling each time, at most 15 minutes."""
    return min(FIRST_LOCKOUT_SECONDS * (1 << min(max(lockouts - 1, 0), 16)), MAX_LOCKOUT_SECONDS)


def origin_allowed(origin: str | None, own_origin: str, allowed: frozenset[str]) -> bool:
    """A cross-site WebSocket is refused: no Origin (not a browser), our own origin, or a configured one."""
    if origin is None:
        return True
    origin = origin.rstrip("/").lower()
    return origin == own_origin.rstrip("/").lower() or origin in {a.rstrip("/").lower() for a in allowed}
