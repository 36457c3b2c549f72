"""Domain errors. HTTP status codes for them are set in one table in api/errors.py."""


class DomainError(Exception):
    """Base of every error a use case raises on purpose."""


class InvalidStore(DomainError):
    pass


class StoreNotFound(DomainError):
    pass


class DuplicateStore(DomainError):
    pass


class ChannelNotFound(DomainError):
    pass


class InvalidChannel(DomainError):
    pass


# Raised by store sources (monitors/) and handled by the monitor loop. They are domain errors so that
# HTTP-library exceptions never reach services.
class StoreError(DomainError):
    """A poll failed; the loop backs off."""


class StoreUnavailable(StoreError):
    """Network error, time-out, 5xx, malformed or oversized body."""


class StoreRateLimited(StoreError):
    def __init__(self, retry_after: float, message: str = "rate limited") -> None:
        super().__init__(f"{message} (retry after {retry_after:.1f}s)")
        self.retry_after = retry_after


class StoreBlocked(StoreError):
    """A challenge, CAPTCHA, queue page or 403: never a false event, never a retry loop against it."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        # A block page may still say when to come back (429 + Retry-After): then not one request before.
        self.retry_after = retry_after


class ProductNotFound(DomainError):
    pass


class InvalidProductQuery(DomainError):
    """A product search the API cannot run (a malformed cursor)."""
