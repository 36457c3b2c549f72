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


# ---- proxies: messages name the line and the reason, never the line (it may hold a password) ----------


class InvalidProxy(DomainError):
    pass


class ProxyListNotFound(DomainError):
    pass


class DuplicateProxyList(DomainError):
    pass


class InvalidProxyTest(DomainError):
    """A proxy test the tester will not run (a URL that is not http(s), a time-out out of range)."""


# ---- profiles: messages name the field and the reason, never the value (it may be a card number) ----


class ProfileNotFound(DomainError):
    pass


class DuplicateProfile(DomainError):
    pass


class InvalidProfile(DomainError):
    """One or more fields are invalid. `problems` holds (field, reason) pairs; no value is ever quoted."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in self.problems))


class ProfileImportRejected(DomainError):
    """An import with bad rows: nothing was imported. `problems` holds (row, field, reason) triples, row
    counted from 1 (0: the file as a whole)."""

    def __init__(self, problems: list[tuple[int, str, str]]) -> None:
        self.problems = tuple(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the import; nothing was imported")


class CardUnreadable(DomainError):
    """A stored card cannot be decrypted: its key is missing (lost key file, wrong PHANTOM_MASTER_KEY) or
    the ciphertext was altered or copied from another row."""
