"""Dashboard session values: the cookie's random id (kept only as its SHA-256) and the CSRF token."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from phantom.auth.tokens import fingerprint
from phantom.domain.auth import LoginResult, Session

SESSION_TTL = timedelta(days=7)
# last_seen_at is written at most this often per session: a write per request would contend with monitors.
TOUCH_EVERY = timedelta(minutes=1)
_MAX_SESSION_ID = 128


def new_session(now: datetime, ttl: timedelta = SESSION_TTL) -> LoginResult:
    session_id = secrets.token_urlsafe(32)
    session = Session(
        key=fingerprint(session_id),
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + ttl,
        last_seen_at=now,
    )
    return LoginResult(session_id=session_id, session=session)


def session_key(session_id: str) -> str | None:
    """The DB key of a presented cookie value; None for values no session could have."""
    if not session_id or len(session_id) > _MAX_SESSION_ID:
        return None
    return fingerprint(session_id)


def needs_touch(session: Session, now: datetime) -> bool:
    return now - session.last_seen_at >= TOUCH_EVERY
