"""Ports: what services need from the outside world, as Protocols. Adapters satisfy them; fakes too."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from phantom.domain.auth import LoginResult, Principal
from phantom.domain.cards import Card
from phantom.domain.checkout import (
    AttemptStatus,
    CheckoutAttempt,
    CheckoutOutcome,
    CheckoutRequest,
    Reconciliation,
)
from phantom.domain.events import EventKind, StoredEvent
from phantom.domain.health import StoreHealth
from phantom.domain.inbound import InboundChannel
from phantom.domain.models import Product, Snapshot
from phantom.domain.notifications import Channel, DeliveryResult, OutboxItem, OutboxStatus
from phantom.domain.products import ProductPoint, ProductRecord, ProductSearch, ProductSlice
from phantom.domain.profiles import Profile
from phantom.domain.proxies import Proxy, ProxyList, ProxyTestResult
from phantom.domain.rules import Rule
from phantom.domain.stores import Store
from phantom.domain.tasks import Task, TaskMode, TaskStatus, TaskTransition


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


@dataclass(frozen=True, slots=True)
class TaskQuery:
    statuses: frozenset[TaskStatus] = frozenset()
    store_id: str | None = None
    group: str | None = None
    rule_id: str | None = None
    limit: int = 500


class TaskRepository(Protocol):
    async def add(self, task: Task, created: TaskTransition) -> bool:
        """Insert with its first transition; False (nothing written) when a task for the same
        (rule_id, event_id) exists — concurrent handlers of one event create one task."""
        ...

    async def get(self, task_id: str) -> Task | None: ...
    async def groups(self) -> list[str]:
        """Every distinct task group, sorted."""
        ...

    async def transitions(self, task_id: str) -> list[TaskTransition]:
        """Oldest first."""
        ...

    async def list(self, query: TaskQuery) -> list[Task]:
        """Newest first."""
        ...

    async def update(self, task: Task, transition: TaskTransition | None = None) -> None:
        """Save the task (and record the transition when its status changed)."""
        ...

    async def delete(self, task_id: str) -> None: ...


@dataclass(frozen=True, slots=True)
class AttemptQuery:
    """Checkout history: newest first by (created_at, id), strictly before `before` (a keyset cursor)."""

    store_id: str | None = None
    mode: TaskMode | None = None
    statuses: frozenset[AttemptStatus] = frozenset()
    since: datetime | None = None  # inclusive, on created_at
    until: datetime | None = None  # exclusive
    before: tuple[datetime, str] | None = None  # (created_at, id) of the last row of the previous page
    limit: int = 50


class AttemptRepository(Protocol):
    async def add(self, attempt: CheckoutAttempt) -> bool:
        """Insert; False (nothing written) when the task already has an attempt with this number."""
        ...

    async def get(self, attempt_id: str) -> CheckoutAttempt | None: ...
    async def update(self, attempt: CheckoutAttempt) -> None: ...
    async def for_task(self, task_id: str) -> list[CheckoutAttempt]:
        """Oldest first."""
        ...

    async def open(self) -> list[CheckoutAttempt]:
        """Attempts left STARTED or SUBMITTING (by a crash, at start-up), oldest first."""
        ...

    async def list(self, query: AttemptQuery) -> list[CheckoutAttempt]:
        """Newest first (see AttemptQuery)."""
        ...


class RuleRepository(Protocol):
    async def add(self, rule: Rule) -> None: ...
    async def get(self, rule_id: str) -> Rule | None: ...
    async def list(self) -> list[Rule]: ...
    async def update(self, rule: Rule) -> None: ...
    async def delete(self, rule_id: str) -> None: ...


class InboundChannelRepository(Protocol):
    """Named, secret-holding channels external monitors post signed messages to."""

    async def add(self, channel: InboundChannel) -> None:
        """Raises DuplicateInboundChannel when the id or name exists."""
        ...

    async def get(self, channel_id: str) -> InboundChannel | None: ...
    async def get_by_name(self, name: str) -> InboundChannel | None: ...
    async def list(self) -> list[InboundChannel]:
        """By name."""
        ...

    async def update(self, channel: InboundChannel) -> None:
        """Raises InboundChannelNotFound, or DuplicateInboundChannel when the new name is taken."""
        ...

    async def delete(self, channel_id: str) -> None:
        """Idempotent."""
        ...


class ProxyRepository(Protocol):
    """Proxy lists and which list each store is assigned to (at most one)."""

    async def add(self, proxy_list: ProxyList) -> None:
        """Raises DuplicateProxyList when the id or name exists."""
        ...

    async def get(self, list_id: str) -> ProxyList | None: ...
    async def list(self) -> list[ProxyList]:
        """By name."""
        ...

    async def update(self, proxy_list: ProxyList) -> None:
        """Raises ProxyListNotFound, or DuplicateProxyList when the new name belongs to another list."""
        ...

    async def delete(self, list_id: str) -> None:
        """Idempotent; the list's store assignments go with it."""
        ...

    async def assign_store(self, store_id: str, list_id: str | None) -> None:
        """Route a store through a list (None: direct). Store and list must exist."""
        ...

    async def store_assignments(self) -> dict[str, str]:
        """store id -> proxy list id, for every assigned store."""
        ...


class CardCipher(Protocol):
    """Encrypts card fields at rest. The row id and the column name are bound in: a ciphertext decrypts
    only where it was written."""

    def encrypt(self, plaintext: str, *, row_id: str, field: str) -> bytes: ...
    def decrypt(self, blob: bytes, *, row_id: str, field: str) -> str:
        """Raises CardUnreadable (the key is not loaded, or the ciphertext was altered or moved)."""
        ...


class ProfileRepository(Protocol):
    """Checkout profiles. The card number and CVV are stored encrypted; everything else in clear."""

    async def add(self, profile: Profile, card: Card) -> None:
        """Raises DuplicateProfile when the id or the name exists."""
        ...

    async def update(self, profile: Profile, card: Card | None = None) -> None:
        """Replace the profile (and its card when given). Raises ProfileNotFound or DuplicateProfile."""
        ...

    async def get(self, profile_id: str) -> Profile | None: ...
    async def get_by_name(self, name: str) -> Profile | None: ...
    async def list(self, group: str | None = None) -> list[Profile]:
        """By name; only the group's profiles when `group` is given."""
        ...

    async def delete(self, profile_id: str) -> None:
        """Idempotent."""
        ...

    async def card(self, profile_id: str) -> Card | None:
        """The decrypted card; None for an unknown id. Raises CardUnreadable."""
        ...

    async def reencrypt_all(self, cipher: CardCipher) -> int:
        """Re-encrypt every stored card under `cipher` (reading with the current one); the row count."""
        ...


class UnitOfWork(Protocol):
    """One transaction. `async with uow:` begins it; leaving without `commit()` rolls back."""

    stores: StoreRepository
    states: StoreStateRepository
    events: EventRepository
    channels: ChannelRepository
    outbox: OutboxRepository
    products: ProductRepository
    tasks: TaskRepository
    attempts: AttemptRepository
    rules: RuleRepository
    inbound: InboundChannelRepository
    proxies: ProxyRepository
    profiles: ProfileRepository

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


# ---- checkout ------------------------------------------------------------------------------------


class SubmitGuard(Protocol):
    async def before_submit(self, checkout_url: str) -> None:
        """Record (and commit) that the final submission is about to happen, for this checkout URL.

        A checkout module calls it exactly once, immediately before the request or click that places the
        order, and does not submit when it raises."""
        ...


class CheckoutModule(Protocol):
    """One site's checkout (phantom/checkout). Never solves a challenge: reports NEEDS_ACTION instead."""

    async def run(self, request: CheckoutRequest, guard: SubmitGuard) -> CheckoutOutcome: ...
    async def reconcile(self, attempt: CheckoutAttempt) -> Reconciliation:
        """After a crash: does the store hold an order for this attempt's checkout?"""
        ...


class LinkOpener(Protocol):
    def open(self, url: str) -> None:
        """Open a URL in the person's own browser (no-op when they did not enable it)."""
        ...


class TaskControl(Protocol):
    """The task runner, as services and the API see it."""

    def run(self, task_id: str, event: StoredEvent | None = None) -> None:
        """Run the task's checkout now (an event that triggered it saves re-reading the product)."""
        ...

    def stop(self, task_id: str) -> None:
        """Stop the task if it is running (it is cancelled or returns to idle by the caller)."""
        ...


# ---- proxies (a routing setting: one sticky proxy per store or task, never rotated) ----------------


class ProxyTester(Protocol):
    async def test(
        self, proxies: Sequence[Proxy], url: str, *, request_timeout: float
    ) -> list[ProxyTestResult]:
        """GET `url` once through each proxy (no retries, bounded concurrency); results in input order.
        Never raises for a proxy's failure: it is in that proxy's result."""
        ...


class ProxyRouting(Protocol):
    """Which proxy each store's polls go through, as the store sources see it."""

    def replace(self, routes: Mapping[str, str]) -> None:
        """store id -> proxy URL (credentials included) for every routed store; any other store is direct.
        Takes effect from each store's next request."""
        ...


class EventSink(Protocol):
    """Where newly written events go next (the live feed, rules → tasks, the outbox worker)."""

    def publish(self, store: Store, events: list[StoredEvent], alerts: Sequence[OutboxItem]) -> None: ...
