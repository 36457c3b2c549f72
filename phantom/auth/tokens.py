"""The admin access token: `phx_` + 43 URL-safe characters (256 random bits), stored only as argon2id."""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

TOKEN_PREFIX = "phx_"
_TOKEN_SHAPE = re.compile(r"phx_[A-Za-z0-9_-]{43}")


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def looks_like_token(token: str) -> bool:
    """A cheap shape check before the costly hash check: garbage never reaches argon2."""
    return _TOKEN_SHAPE.fullmatch(token) is not None


def fingerprint(secret: str) -> str:
    """SHA-256 (hex) of a high-entropy secret: the cache key of a verified token and a session's DB key.

    Unlike a password, a 256-bit random value cannot be guessed from its SHA-256, so this is safe to keep.
    """
    return hashlib.sha256(secret.encode()).hexdigest()


class TokenHasher:
    """argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile: ~0.1 s and 64 MiB per check here).

    The work runs in a thread so the event loop (and every monitor) keeps going, and at most `concurrency`
    checks run at once so a flood of wrong tokens cannot eat the machine's memory.
    """

    def __init__(self, hasher: PasswordHasher | None = None, *, concurrency: int = 2) -> None:
        self._hasher = hasher or PasswordHasher()
        self._slots = asyncio.Semaphore(concurrency)

    async def hash(self, token: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(self._hasher.hash, token)

    async def verify(self, token_hash: str, token: str) -> bool:
        async with self._slots:
            return await asyncio.to_thread(self._verify, token_hash, token)

    def _verify(self, token_hash: str, token: str) -> bool:
        try:
            return self._hasher.verify(token_hash, token)
        except (VerificationError, InvalidHashError):
            return False
