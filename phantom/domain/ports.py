"""Ports: what services need from the outside world, as Protocols. Adapters satisfy them; fakes too."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from phantom.domain.auth import LoginResult, Principal
from phantom.domain.events import EventKind, StoredEvent
from phantom.domain.health import StoreHealth
from phantom.domain.models import Product, Snapshot
from phantom.domain.notifications import Channel, DeliveryResult, OutboxItem, OutboxStatus
from phantom.domain.products import ProductPoint, ProductRecord, ProductSearch, ProductSlice
from phantom.domain.stores import Store


class Clock(Protocol):
    def now(self) -> datetime:
        """Timezone-aware UTC wall-clock time."""
        ...

    def monotonic(self) -> float: ...


class IdFactory(Protocol):
    def __call__(self) -> str:
        """A new unique, roughly time-ordered id."""
        ...


# ---- store sources ---------------------------------------------------------------------------------


@dataclass(slots=True)
class CachedPage:
    """What a source remembers about one URL it polls, to ask conditionally and skip unchanged bytes."""

    etag: str | None = None
    last_modified: str | None = None
    body_hash: bytes | None = None
    products: tuple[Product, ...] = ()
    password_locked: bool = False


@dataclass(slots=True)
class SourceCache:
    """Per-store, per-process memory of a source. Owned by that store's monitor and nothing else."""

    pages: dict[str, CachedPage] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One poll's outcome. `snapshot` is None when nothing changed since the cache's last snapshot."""

    snapshot: Snapshot | None
    requests: int = 1
    not_modified: bool = False  # every request answered 304
    hash_skip: bool = False  # bytes identical to last time: not decoded
    changed_at: datetime | None = None  # newest `updated_at` the store reported


class StoreSource(Protocol):
    async def fetch(self, store: Store, cache: SourceCache) -> FetchResult:
        """Poll the store's catalogue (or watch list).

        Raises StoreUnavailable, StoreRateLimited or StoreBlocked; never an HTTP-library exception.
        """
        ...


class ProductSource(Protocol):
    async def fetch_product(self, store: Store, handle: str, cache: SourceCache) -> Product | None:
        """Poll one product closely (Shopify `/products/<handle>.js`); None when unchanged. Same errors."""
        ...


# ---- notifications ---------------------------------------------------------------------------------


class Notifier(Protocol):
    async def wait_ready(self, channel: Channel) -> None:
        """Wait until the channel's known rate limits allow a send (called before an alert is claimed)."""
        ...

    async def send(self, channel: Channel, event: StoredEvent) -> DeliveryResult:
        """Deliver one alert. Waits out known rate-limit buckets itself; never raises for HTTP failures."""
        ...


class EventBus(Protocol):
    def publish(self, topic: str, payload: object) -> None:
        """Fan a message out to in-process subscribers without blocking the publisher."""
        ...


class Metrics(Protocol):
    """Counters and histograms for /metrics. No per-store labels: thousands of stores would explode them."""

    def poll(self, outcome: str) -> None:
        """outcome: changed | unchanged | not_modified | hash_skip | error"""
        ...

    def error(self, kind: str) -> None: ...
    def requests(self, count: int) -> None: ...
    def events(self, kind: str) -> None: ...
    def detection_latency(self, seconds: float) -> None: ...
    def delivery(self, outcome: str, latency_seconds: float | None) -> None: ...


# ---- persistence -----------------------------------------------------------------------------------


class StoreRepository(Protocol):
    async def add(self, store: Store) -> None: ...
    async def get(self, store_id: str) -> Store | None: ...
    async def get_by_url(self, url: str) -> Store | None: ...
    async def list(self) -> list[Store]: ...
    async def update(self, store: Store) -> None: ...
    async def delete(self, store_id: str) -> None: ...


class StoreStateRepository(Protocol):
    async def get(self, store_id: str) -> Snapshot | None: ...
    async def put(self, store_id: str, snapshot: Snapshot, at: datetime) -> None: ...


@dataclass(frozen=True, slots=True)
class EventQuery:
    store_id: str | None = None
    kinds: frozenset[EventKind] = frozenset()
    since: datetime | None = None
    until: datetime | None = None
    before_id: str | None = None  # cursor: events older than this id (ids are time-ordered)
    limit: int = 50


class EventRepository(Protocol):
    async def add(self, event: StoredEvent) -> bool:
        """Insert; False (and nothing written) when an event with the same dedup key exists."""
        ...

    async def get(self, event_id: str) -> StoredEvent | None: ...
    async def list(self, query: EventQuery) -> list[StoredEvent]:
        """Newest first."""
        ...


class ChannelRepository(Protocol):
    async def add(self, channel: Channel) -> None: ...
    async def get(self, channel_id: str) -> Channel | None: ...
    async def list(self) -> list[Channel]: ...
    async def update(self, channel: Channel) -> None: ...
    async def delete(self, channel_id: str) -> None: ...


class OutboxRepository(Protocol):
    async def add(self, item: OutboxItem) -> None: ...
    async def get(self, item_id: str) -> OutboxItem | None: ...
    async def due(self, now: datetime, limit: int) -> list[OutboxItem]:
        """Pending rows whose next attempt is due, oldest first."""
        ...

    async def next_due_at(self) -> datetime | None: ...
    async def mark_sending(self, item_id: str) -> bool:
        """PENDING -> SENDING, atomically; False when another worker claimed (or finished) it first."""
        ...

    async def mark_sent(self, item_id: str, at: datetime, *, attempts: int) -> None: ...
    async def mark_retry(
        self, item_id: str, *, attempts: int, next_attempt_at: datetime, error: str
    ) -> None: ...
    async def mark_failed(self, item_id: str, *, attempts: int, error: str) -> None: ...
    async def fail_interrupted(self, error: str) -> int:
        """Rows left SENDING by a crash (outcome unknown) become FAILED; returns how many."""
        ...

    async def fail_pending_for_channel(self, channel_id: str, error: str) -> int: ...
    async def list(
        self, *, status: OutboxStatus | None = None, channel_id: str | None = None, limit: int = 100
    ) -> list[OutboxItem]: ...
    async def counts(self) -> dict[OutboxStatus, int]: ...


class ProductRepository(Protocol):
    """The product read model (phantom.domain.products) and its history points."""

    async def upsert(self, records: Sequence[ProductRecord]) -> None:
        """Insert or replace each (store, product) in bulk; an existing row keeps its `first_seen_at`."""
        ...

    async def add_points(self, points: Sequence[ProductPoint]) -> None: ...
    async def get(self, store_id: str, product_id: str) -> ProductRecord | None: ...
    async def search(self, query: ProductSearch) -> ProductSlice:
        """Newest updated first (ties: store id, product id, descending), strictly after `query.after`;
        examines at most `query.window` rows (see ProductSearch). Items carry no variants (`get` does)."""
        ...

    async def history(
        self, store_id: str, product_id: str, *, since: datetime | None = None, limit: int = 1000
    ) -> list[ProductPoint]:
        """The newest `limit` points at or after `since`, returned oldest first."""
        ...


class UnitOfWork(Protocol):
    """One transaction. `async with uow:` begins it; leaving without `commit()` rolls back."""

    stores: StoreRepository
    states: StoreStateRepository
    events: EventRepository
    channels: ChannelRepository
    outbox: OutboxRepository
    products: ProductRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def commit(self) -> None: ...
    async def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


class MonitorControl(Protocol):
    """The running monitor loop, as services and the API see it."""

    def watch(self, store: Store) -> None:
        """Start (or restart with new settings) monitoring a store."""
        ...

    def unwatch(self, store_id: str) -> None: ...
    def health(self, store_id: str) -> StoreHealth | None: ...


# ---- auth and the live feed (the dashboard) --------------------------------------------------------


class Authenticator(Protocol):
    """The admin token and dashboard sessions. Implemented in phantom/auth; reached by the API only here."""

    async def ensure_token(self) -> str | None:
        """Create the admin token if there is none; the plaintext when created (shown once), else None."""
        ...

    async def authenticate_bearer(self, token: str) -> Principal | None: ...
    async def authenticate_session(self, session_id: str) -> Principal | None:
        """The session's principal, or None when unknown or expired."""
        ...

    async def login(self, token: str) -> LoginResult | None:
        """A new session when `token` is the admin token, else None."""
        ...

    async def logout(self, session_key: str) -> None: ...
    async def rotate(self) -> str:
        """Replace the admin token and end every session; the new plaintext token (shown once)."""
        ...


class LoginThrottle(Protocol):
    """Failed-login bookkeeping per client (an IP address). Times are monotonic seconds."""

    def retry_after(self, client: str, now: float) -> float | None:
        """Seconds until `client` may try again; None when it may try now."""
        ...

    def failed(self, client: str, now: float) -> None: ...
    def succeeded(self, client: str) -> None: ...


class FeedMessage(Protocol):
    """What the engine publishes: topic `event` (StoredEvent), `store_health` ((Store, StoreHealth)) or
    `notification` (OutboxItem)."""

    @property
    def topic(self) -> str: ...
    @property
    def payload(self) -> object: ...


class FeedQueue(Protocol):
    async def get(self) -> FeedMessage: ...


class LiveFeed(Protocol):
    def subscribe(self) -> AbstractAsyncContextManager[FeedQueue]:
        """A bounded queue of everything published from now on, until the context exits. A subscriber that
        falls behind loses messages; the publisher never waits."""
        ...
