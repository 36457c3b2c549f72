"""In-memory fakes of every port, for unit tests (no I/O). The repository fakes pass the same contract tests
as the SQL repositories (tests/integration/db/), so a service tested on fakes behaves the same on SQL.

Persistence: one `FakeDatabase` holds committed rows. A `FakeUnitOfWork` works on a snapshot of it taken at
`async with` and merges the rows it wrote into it on `commit()`; leaving without commit discards them.
Outside `async with`, repositories read and write the committed rows directly (handy to seed and inspect).
Foreign keys, unique keys and ON DELETE CASCADE behave as in tables.py (violations raise
FakeIntegrityError where SQL would raise IntegrityError).
"""

from __future__ import annotations

import asyncio
import itertools
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Self

from phantom.domain.auth import LoginResult, Principal, Session
from phantom.domain.cards import Card
from phantom.domain.checkout import CheckoutAttempt
from phantom.domain.errors import (
    ChannelNotFound,
    DuplicateProfile,
    DuplicateProxyList,
    DuplicateStore,
    InvalidChannel,
    ProfileNotFound,
    ProxyListNotFound,
    StoreNotFound,
)
from phantom.domain.events import StoredEvent
from phantom.domain.health import StoreHealth
from phantom.domain.inbound import InboundChannel
from phantom.domain.models import Product, Snapshot
from phantom.domain.notifications import Channel, DeliveryResult, OutboxItem, OutboxStatus
from phantom.domain.ports import (
    AttemptRepository,
    CardCipher,
    ChannelRepository,
    EventQuery,
    EventRepository,
    FetchResult,
    InboundChannelRepository,
    OutboxRepository,
    ProductRepository,
    ProfileRepository,
    ProxyRepository,
    RuleRepository,
    SourceCache,
    StoreRepository,
    StoreStateRepository,
    TaskRepository,
)
from phantom.domain.products import (
    ProductCursor,
    ProductPoint,
    ProductRecord,
    ProductSearch,
    ProductSlice,
    size_key,
    style_key,
)
from phantom.domain.profiles import Profile
from phantom.domain.proxies import Proxy, ProxyList, ProxyTestResult
from phantom.domain.rules import Rule
from phantom.domain.stores import Store
from phantom.domain.tasks import Task, TaskTransition
from tests.fakes_tasks import (
    TASK_TABLE_NAMES,
    FakeAttemptRepository,
    FakeEventSink,  # noqa: F401  (re-exported: service tests import it from here)
    FakeInboundRepository,
    FakeRuleRepository,
    FakeTaskControl,  # noqa: F401  (re-exported)
    FakeTaskRepository,
    cascade_store,
    null_references,
)


class FakeIntegrityError(Exception):
    """A foreign-key or unique violation the SQL adapter would report as IntegrityError."""


# ---- the in-memory database ------------------------------------------------------------------------


class _Tables:
    def __init__(self) -> None:
        self.stores: dict[str, Store] = {}
        self.states: dict[str, Snapshot] = {}
        self.events: dict[str, StoredEvent] = {}
        self.channels: dict[str, Channel] = {}
        self.outbox: dict[str, OutboxItem] = {}
        self.products: dict[str, ProductRecord] = {}  # key: product_key(store_id, product_id)
        self.points: dict[str, ProductPoint] = {}  # key: fixed-width insertion number
        self.proxy_lists: dict[str, ProxyList] = {}
        self.store_proxies: dict[str, str] = {}  # store id -> proxy list id
        self.profiles: dict[str, tuple[Profile, Card]] = {}  # the card in clear: no cipher in fakes
        # tests/fakes_tasks.py
        self.tasks: dict[str, Task] = {}
        self.transitions: dict[str, TaskTransition] = {}  # key: transition_key(task_id, seq)
        self.attempts: dict[str, CheckoutAttempt] = {}
        self.rules: dict[str, Rule] = {}
        self.inbound: dict[str, InboundChannel] = {}

    def touch(self, table: str, key: str) -> None:
        """Record a write (a transaction merges only what it wrote)."""


class FakeDatabase(_Tables):
    """Committed state shared by every FakeUnitOfWork made from it."""

    def __init__(self) -> None:
        super().__init__()
        self.commits = 0

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)

    def uow_factory(self) -> Callable[[], FakeUnitOfWork]:
        return self.uow


_TABLE_NAMES = (
    "stores",
    "states",
    "events",
    "channels",
    "outbox",
    "products",
    "points",
    "proxy_lists",
    "store_proxies",
    "profiles",
    *TASK_TABLE_NAMES,
)


class _Transaction(_Tables):
    """Snapshot of the database at begin, plus the keys this transaction wrote."""

    def __init__(self, db: FakeDatabase) -> None:
        super().__init__()
        for name in _TABLE_NAMES:
            setattr(self, name, dict(getattr(db, name)))
        self.written: dict[str, dict[str, None]] = defaultdict(dict)  # ordered: commit keeps write order

    def touch(self, table: str, key: str) -> None:
        self.written[table][key] = None

    def apply(self, db: FakeDatabase) -> None:
        for table, keys in self.written.items():
            mine: dict[str, object] = getattr(self, table)
            theirs: dict[str, object] = getattr(db, table)
            for key in keys:
                if key in mine:
                    theirs[key] = mine[key]
                else:
                    theirs.pop(key, None)


class FakeUnitOfWork:
    """Satisfies phantom.domain.ports.UnitOfWork. Reusable: `uow_factory=lambda: uow` works.

    `committed` counts this instance's commits (`db.commits` counts all). Set `fail_next_commit` to an
    exception to make the next commit raise it (and write nothing).
    """

    def __init__(self, db: FakeDatabase | None = None) -> None:
        self.db = db if db is not None else FakeDatabase()
        self.committed = 0
        self.rolled_back = 0
        self.fail_next_commit: BaseException | None = None
        self._tx: _Transaction | None = None
        self.stores: StoreRepository = FakeStoreRepository(self)
        self.states: StoreStateRepository = FakeStoreStateRepository(self)
        self.events: EventRepository = FakeEventRepository(self)
        self.channels: ChannelRepository = FakeChannelRepository(self)
        self.outbox: OutboxRepository = FakeOutboxRepository(self)
        self.products: ProductRepository = FakeProductRepository(self)
        self.proxies: ProxyRepository = FakeProxyRepository(self)
        self.profiles: ProfileRepository = FakeProfileRepository(self)
        self.tasks: TaskRepository = FakeTaskRepository(self)
        self.attempts: AttemptRepository = FakeAttemptRepository(self)
        self.rules: RuleRepository = FakeRuleRepository(self)
        self.inbound: InboundChannelRepository = FakeInboundRepository(self)

    @property
    def tables(self) -> _Tables:
        return self._tx if self._tx is not None else self.db

    async def __aenter__(self) -> Self:
        if self._tx is not None:
            raise RuntimeError("unit of work already entered")
        self._tx = _Transaction(self.db)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._tx is not None and any(self._tx.written.values()):
            self.rolled_back += 1
        self._tx = None

    async def commit(self) -> None:
        tx = self._require()
        if self.fail_next_commit is not None:
            error, self.fail_next_commit = self.fail_next_commit, None
            raise error
        tx.apply(self.db)
        self.db.commits += 1
        self.committed += 1
        self._tx = _Transaction(self.db)

    async def rollback(self) -> None:
        self._require()
        self._tx = _Transaction(self.db)

    def _require(self) -> _Transaction:
        if self._tx is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self._tx


class _Repo:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    @property
    def _t(self) -> _Tables:
        return self._uow.tables


class FakeStoreRepository(_Repo):
    async def add(self, store: Store) -> None:
        t = self._t
        if store.id in t.stores or any(s.url == store.url for s in t.stores.values()):
            raise DuplicateStore(f"a store with id {store.id} or url {store.url} exists")
        t.stores[store.id] = store
        t.touch("stores", store.id)

    async def get(self, store_id: str) -> Store | None:
        return self._t.stores.get(store_id)

    async def get_by_url(self, url: str) -> Store | None:
        return next((s for s in self._t.stores.values() if s.url == url), None)

    async def list(self) -> list[Store]:
        return list(self._t.stores.values())

    async def update(self, store: Store) -> None:
        t = self._t
        if store.id not in t.stores:
            raise StoreNotFound(f"no store with id {store.id}")
        if any(s.url == store.url and s.id != store.id for s in t.stores.values()):
            raise DuplicateStore(f"another store has url {store.url}")
        t.stores[store.id] = store
        t.touch("stores", store.id)

    async def delete(self, store_id: str) -> None:
        t = self._t
        if t.stores.pop(store_id, None) is None:
            return
        t.touch("stores", store_id)
        if t.states.pop(store_id, None) is not None:
            t.touch("states", store_id)
        gone = {e.id for e in t.events.values() if e.store_id == store_id}
        for event_id in gone:
            del t.events[event_id]
            t.touch("events", event_id)
        _delete_outbox(t, lambda i: i.event_id in gone)
        _delete_products(t, store_id)
        if t.store_proxies.pop(store_id, None) is not None:
            t.touch("store_proxies", store_id)
        cascade_store(t, store_id)


def _delete_outbox(t: _Tables, doomed: Callable[[OutboxItem], bool]) -> None:
    for item_id in [i.id for i in t.outbox.values() if doomed(i)]:
        del t.outbox[item_id]
        t.touch("outbox", item_id)


class FakeStoreStateRepository(_Repo):
    async def get(self, store_id: str) -> Snapshot | None:
        return self._t.states.get(store_id)

    async def put(self, store_id: str, snapshot: Snapshot, at: datetime) -> None:
        t = self._t
        if store_id not in t.stores:
            raise FakeIntegrityError(f"store_state.store_id: no store {store_id}")
        _require_aware(at)
        t.states[store_id] = snapshot
        t.touch("states", store_id)


class FakeEventRepository(_Repo):
    async def add(self, event: StoredEvent) -> bool:
        t = self._t
        if event.store_id not in t.stores:
            raise FakeIntegrityError(f"event.store_id: no store {event.store_id}")
        if any(e.dedup_key == event.dedup_key for e in t.events.values()):
            return False
        if event.id in t.events:
            raise FakeIntegrityError(f"event.id {event.id} exists")
        _require_aware(event.detected_at)
        t.events[event.id] = event
        t.touch("events", event.id)
        return True

    async def get(self, event_id: str) -> StoredEvent | None:
        return self._t.events.get(event_id)

    async def list(self, query: EventQuery) -> list[StoredEvent]:
        """Newest first by (detected_at, id); `since` inclusive, `until` exclusive; `before_id` continues
        after that event (an unknown id: from the newest event with a smaller id on) — as the SQL repository."""
        bound: tuple[datetime, str] | None = None
        inclusive = False
        if query.before_id is not None:
            if (cursor := self._t.events.get(query.before_id)) is None:
                older = [e for e in self._t.events.values() if e.id < query.before_id]
                if not older:
                    return []
                cursor, inclusive = max(older, key=lambda e: e.id), True
            bound = (cursor.detected_at, cursor.id)

        def after(e: StoredEvent) -> bool:
            key = (e.detected_at, e.id)
            return bound is None or key < bound or (inclusive and key == bound)

        def wanted(e: StoredEvent) -> bool:
            return (
                (query.store_id is None or e.store_id == query.store_id)
                and (not query.kinds or e.kind in query.kinds)
                and (query.since is None or e.detected_at >= query.since)
                and (query.until is None or e.detected_at < query.until)
                and after(e)
            )

        found = sorted(
            (e for e in self._t.events.values() if wanted(e)),
            key=lambda e: (e.detected_at, e.id),
            reverse=True,
        )
        return found[: query.limit]


class FakeChannelRepository(_Repo):
    async def add(self, channel: Channel) -> None:
        t = self._t
        if channel.id in t.channels:
            raise InvalidChannel(f"a channel with id {channel.id} exists")
        t.channels[channel.id] = channel
        t.touch("channels", channel.id)

    async def get(self, channel_id: str) -> Channel | None:
        return self._t.channels.get(channel_id)

    async def list(self) -> list[Channel]:
        return list(self._t.channels.values())

    async def update(self, channel: Channel) -> None:
        t = self._t
        if channel.id not in t.channels:
            raise ChannelNotFound(f"no channel with id {channel.id}")
        t.channels[channel.id] = channel
        t.touch("channels", channel.id)

    async def delete(self, channel_id: str) -> None:
        t = self._t
        if t.channels.pop(channel_id, None) is None:
            return
        t.touch("channels", channel_id)
        _delete_outbox(t, lambda i: i.channel_id == channel_id)


class FakeOutboxRepository(_Repo):
    async def add(self, item: OutboxItem) -> None:
        t = self._t
        if item.event_id not in t.events or item.channel_id not in t.channels:
            raise FakeIntegrityError(f"outbox: unknown event {item.event_id} or channel {item.channel_id}")
        if item.id in t.outbox or any(
            (i.event_id, i.channel_id) == (item.event_id, item.channel_id) for i in t.outbox.values()
        ):
            raise FakeIntegrityError(f"outbox: duplicate {item.id} or (event, channel)")
        _require_aware(item.created_at, item.next_attempt_at)
        self._put(item)

    async def get(self, item_id: str) -> OutboxItem | None:
        return self._t.outbox.get(item_id)

    async def due(self, now: datetime, limit: int) -> list[OutboxItem]:
        due = [
            i
            for i in self._t.outbox.values()
            if i.status is OutboxStatus.PENDING and i.next_attempt_at <= now
        ]
        return sorted(due, key=lambda i: (i.created_at, i.id))[:limit]

    async def next_due_at(self) -> datetime | None:
        return min(
            (i.next_attempt_at for i in self._t.outbox.values() if i.status is OutboxStatus.PENDING),
            default=None,
        )

    async def mark_sending(self, item_id: str) -> bool:
        item = self._t.outbox.get(item_id)
        if item is not None and item.status is OutboxStatus.PENDING:
            self._put(_with(item, status=OutboxStatus.SENDING))
            return True
        return False

    async def mark_sent(self, item_id: str, at: datetime, *, attempts: int) -> None:
        if (item := self._t.outbox.get(item_id)) is not None:
            self._put(_with(item, status=OutboxStatus.SENT, sent_at=at, attempts=attempts))

    async def mark_retry(self, item_id: str, *, attempts: int, next_attempt_at: datetime, error: str) -> None:
        if (item := self._t.outbox.get(item_id)) is not None:
            self._put(
                _with(
                    item,
                    status=OutboxStatus.PENDING,
                    attempts=attempts,
                    next_attempt_at=next_attempt_at,
                    last_error=error,
                )
            )

    async def mark_failed(self, item_id: str, *, attempts: int, error: str) -> None:
        if (item := self._t.outbox.get(item_id)) is not None:
            self._put(_with(item, status=OutboxStatus.FAILED, attempts=attempts, last_error=error))

    async def fail_interrupted(self, error: str) -> int:
        return self._fail_where(lambda i: i.status is OutboxStatus.SENDING, error)

    async def fail_pending_for_channel(self, channel_id: str, error: str) -> int:
        return self._fail_where(
            lambda i: i.status is OutboxStatus.PENDING and i.channel_id == channel_id, error
        )

    async def list(
        self, *, status: OutboxStatus | None = None, channel_id: str | None = None, limit: int = 100
    ) -> list[OutboxItem]:
        found = [
            i
            for i in self._t.outbox.values()
            if (status is None or i.status is status) and (channel_id is None or i.channel_id == channel_id)
        ]
        return sorted(found, key=lambda i: (i.created_at, i.id), reverse=True)[:limit]

    async def counts(self) -> dict[OutboxStatus, int]:
        counts = dict.fromkeys(OutboxStatus, 0)
        for item in self._t.outbox.values():
            counts[item.status] += 1
        return counts

    def _put(self, item: OutboxItem) -> None:
        self._t.outbox[item.id] = item
        self._t.touch("outbox", item.id)

    def _fail_where(self, match: Callable[[OutboxItem], bool], error: str) -> int:
        doomed = [i for i in self._t.outbox.values() if match(i)]
        for item in doomed:
            self._put(_with(item, status=OutboxStatus.FAILED, last_error=error))
        return len(doomed)


_POINT_IDS = itertools.count(1)


def product_key(store_id: str, product_id: str) -> str:
    return f"{store_id}\x1f{product_id}"


def _delete_products(t: _Tables, store_id: str) -> None:
    for key in [k for k, r in t.products.items() if r.store_id == store_id]:
        del t.products[key]
        t.touch("products", key)
    for key in [k for k, p in t.points.items() if p.store_id == store_id]:
        del t.points[key]
        t.touch("points", key)


def _order_key(r: ProductRecord) -> tuple[datetime, str, str]:
    return (r.updated_at, r.store_id, r.product_id)


class FakeProductRepository(_Repo):
    """Same contract as SqlProductRepository: keeps first_seen_at on upsert, filters and orders alike."""

    async def upsert(self, records: Sequence[ProductRecord]) -> None:
        t = self._t
        for record in records:
            if record.store_id not in t.stores:
                raise FakeIntegrityError(f"product.store_id: no store {record.store_id}")
            _require_aware(record.first_seen_at, record.updated_at)
            key = product_key(record.store_id, record.product_id)
            if (old := t.products.get(key)) is not None:
                record = replace(record, first_seen_at=old.first_seen_at)
            t.products[key] = record
            t.touch("products", key)

    async def add_points(self, points: Sequence[ProductPoint]) -> None:
        t = self._t
        for point in points:
            if product_key(point.store_id, point.product_id) not in t.products:
                raise FakeIntegrityError(f"product_point: no product {point.store_id}/{point.product_id}")
            _require_aware(point.at)
            key = f"{next(_POINT_IDS):012d}"  # like an autoincrement id: unique across transactions
            t.points[key] = point
            t.touch("points", key)

    async def get(self, store_id: str, product_id: str) -> ProductRecord | None:
        return self._t.products.get(product_key(store_id, product_id))

    async def search(self, query: ProductSearch) -> ProductSlice:
        """Walks the rows store, style code, availability and cursor select (the SQL indexes), checks size
        and title terms on at most `window` of them — as the SQL repository."""
        after = query.after

        def walked(r: ProductRecord) -> bool:
            return (
                (query.store_id is None or r.store_id == query.store_id)
                and (query.style_code is None or (r.style_code or "").lower() == style_key(query.style_code))
                and (query.available is None or r.available is query.available)
                and (after is None or _order_key(r) < (after.updated_at, after.store_id, after.product_id))
            )

        def checked(r: ProductRecord) -> bool:
            title = r.title.lower()[:200]  # the SQL title_key
            return (
                query.size is None or size_key(query.size) in {size_key(s) for s in r.sizes_in_stock}
            ) and (not query.title_terms or any(all(w in title for w in g) for g in query.title_terms))

        walk = [
            replace(r, variants=())  # a search returns no variants
            for r in sorted((r for r in self._t.products.values() if walked(r)), key=_order_key, reverse=True)
        ]
        if not query.checks_rows:
            items = walk[: query.limit]
            full = len(items) == query.limit
            return ProductSlice(items, ProductCursor.after(items[-1]) if full else None)
        window = walk[: query.window]
        items = [r for r in window if checked(r)][: query.limit]
        if len(items) == query.limit:
            return ProductSlice(items, ProductCursor.after(items[-1]))
        return ProductSlice(items, ProductCursor.after(window[-1]) if len(window) == query.window else None)

    async def history(
        self, store_id: str, product_id: str, *, since: datetime | None = None, limit: int = 1000
    ) -> list[ProductPoint]:
        found = [
            (p.at, key, p)
            for key, p in self._t.points.items()
            if p.store_id == store_id and p.product_id == product_id and (since is None or p.at >= since)
        ]
        newest = sorted(found, key=lambda x: (x[0], x[1]), reverse=True)[:limit]
        return [p for _, _, p in reversed(newest)]


class FakeProxyRepository(_Repo):
    """Same contract as SqlProxyRepository: unique names, assignments cascade with their store or list."""

    async def add(self, proxy_list: ProxyList) -> None:
        t = self._t
        if proxy_list.id in t.proxy_lists or any(p.name == proxy_list.name for p in t.proxy_lists.values()):
            raise DuplicateProxyList(f"a proxy list named {proxy_list.name!r} exists")
        _require_aware(proxy_list.created_at, proxy_list.updated_at)
        t.proxy_lists[proxy_list.id] = proxy_list
        t.touch("proxy_lists", proxy_list.id)

    async def get(self, list_id: str) -> ProxyList | None:
        return self._t.proxy_lists.get(list_id)

    async def list(self) -> list[ProxyList]:
        return sorted(self._t.proxy_lists.values(), key=lambda p: (p.name, p.id))

    async def update(self, proxy_list: ProxyList) -> None:
        t = self._t
        if proxy_list.id not in t.proxy_lists:
            raise ProxyListNotFound(f"no proxy list with id {proxy_list.id}")
        if any(p.name == proxy_list.name and p.id != proxy_list.id for p in t.proxy_lists.values()):
            raise DuplicateProxyList(f"another proxy list is named {proxy_list.name!r}")
        _require_aware(proxy_list.updated_at)
        t.proxy_lists[proxy_list.id] = proxy_list
        t.touch("proxy_lists", proxy_list.id)

    async def delete(self, list_id: str) -> None:
        t = self._t
        if t.proxy_lists.pop(list_id, None) is None:
            return
        t.touch("proxy_lists", list_id)
        null_references(t, "proxy_list_id", list_id)
        for store_id in [s for s, lid in t.store_proxies.items() if lid == list_id]:
            del t.store_proxies[store_id]
            t.touch("store_proxies", store_id)

    async def assign_store(self, store_id: str, list_id: str | None) -> None:
        t = self._t
        if store_id not in t.stores:
            raise StoreNotFound(f"no store with id {store_id}")
        if list_id is None:
            t.store_proxies.pop(store_id, None)
        elif list_id not in t.proxy_lists:
            raise ProxyListNotFound(f"no proxy list with id {list_id}")
        else:
            t.store_proxies[store_id] = list_id
        t.touch("store_proxies", store_id)

    async def store_assignments(self) -> dict[str, str]:
        return dict(sorted(self._t.store_proxies.items()))


def _with(item: OutboxItem, **changes: object) -> OutboxItem:
    return replace(item, **changes)  # type: ignore[arg-type]


def _require_aware(*values: datetime) -> None:
    for value in values:
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: Phantom stores timezone-aware UTC only")


class FakeProfileRepository(_Repo):
    """Same contract as SqlProfileRepository, with the card kept in clear (nothing to encrypt with)."""

    async def add(self, profile: Profile, card: Card) -> None:
        t = self._t
        if profile.id in t.profiles or any(p.name == profile.name for p, _ in t.profiles.values()):
            raise DuplicateProfile(f"a profile named {profile.name!r} exists")
        t.profiles[profile.id] = (profile, card)
        t.touch("profiles", profile.id)

    async def update(self, profile: Profile, card: Card | None = None) -> None:
        t = self._t
        if profile.id not in t.profiles:
            raise ProfileNotFound(f"no profile with id {profile.id}")
        if any(p.name == profile.name and p.id != profile.id for p, _ in t.profiles.values()):
            raise DuplicateProfile(f"a profile named {profile.name!r} exists")
        old, old_card = t.profiles[profile.id]
        t.profiles[profile.id] = (replace(profile, created_at=old.created_at), card or old_card)
        t.touch("profiles", profile.id)

    async def get(self, profile_id: str) -> Profile | None:
        found = self._t.profiles.get(profile_id)
        return found[0] if found else None

    async def get_by_name(self, name: str) -> Profile | None:
        return next((p for p, _ in self._t.profiles.values() if p.name == name), None)

    async def list(self, group: str | None = None) -> list[Profile]:
        found = [p for p, _ in self._t.profiles.values() if group is None or p.group == group]
        return sorted(found, key=lambda p: (p.name, p.id))

    async def delete(self, profile_id: str) -> None:
        if self._t.profiles.pop(profile_id, None) is not None:
            self._t.touch("profiles", profile_id)
            null_references(self._t, "profile_id", profile_id)

    async def card(self, profile_id: str) -> Card | None:
        found = self._t.profiles.get(profile_id)
        return found[1] if found else None

    async def reencrypt_all(self, cipher: CardCipher) -> int:
        del cipher  # nothing is encrypted here
        return len(self._t.profiles)


# ---- time and ids ----------------------------------------------------------------------------------

EPOCH = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)


class FrozenClock:
    """Satisfies the Clock port. Time moves only when told: `set(dt)` / `current = dt` / `advance(s)`."""

    def __init__(self, current: datetime = EPOCH, monotonic: float = 1_000.0) -> None:
        _require_aware(current)
        self.current = current
        self._monotonic = monotonic

    def now(self) -> datetime:
        return self.current

    def monotonic(self) -> float:
        return self._monotonic

    def set(self, current: datetime) -> None:
        _require_aware(current)
        self._monotonic += max((current - self.current).total_seconds(), 0.0)
        self.current = current

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)
        self._monotonic += seconds


class SequentialIds:
    """Satisfies IdFactory: "id00000001", "id00000002", … (fixed width, so they sort in issue order)."""

    def __init__(self, prefix: str = "id", start: int = 1) -> None:
        self.prefix = prefix
        self._next = start
        self.issued: list[str] = []

    def __call__(self) -> str:
        value = f"{self.prefix}{self._next:08d}"
        self._next += 1
        self.issued.append(value)
        return value


# ---- notifications, bus, metrics -------------------------------------------------------------------

Scripted = DeliveryResult | BaseException


@dataclass
class FakeNotifier:
    """Records every send. Results come from the channel's script, then the shared script, then `default`.
    A scripted exception is raised (to test a notifier that breaks its no-raise contract or a crash).
    Clear `open` (an asyncio.Event) to make `send` wait until it is set again."""

    default: DeliveryResult = field(default_factory=DeliveryResult.sent)
    sent: list[tuple[Channel, StoredEvent]] = field(default_factory=list)
    ready_calls: list[str] = field(default_factory=list)
    open: asyncio.Event | None = None
    _script: deque[Scripted] = field(default_factory=deque)
    _per_channel: dict[str, deque[Scripted]] = field(default_factory=lambda: defaultdict(deque))

    def script(self, *results: Scripted, channel_id: str | None = None) -> None:
        (self._per_channel[channel_id] if channel_id else self._script).extend(results)

    async def wait_ready(self, channel: Channel) -> None:
        self.ready_calls.append(channel.id)

    async def send(self, channel: Channel, event: StoredEvent) -> DeliveryResult:
        if self.open is not None:
            await self.open.wait()
        self.sent.append((channel, event))
        queue = self._per_channel.get(channel.id) or self._script
        result = queue.popleft() if queue else self.default
        if isinstance(result, BaseException):
            raise result
        return result

    def sent_to(self, channel_id: str) -> list[StoredEvent]:
        return [e for c, e in self.sent if c.id == channel_id]


@dataclass
class FakeEventBus:
    published: list[tuple[str, object]] = field(default_factory=list)

    def publish(self, topic: str, payload: object) -> None:
        self.published.append((topic, payload))

    def of(self, topic: str) -> list[object]:
        return [p for t, p in self.published if t == topic]


@dataclass
class FakeMetrics:
    """Satisfies the Metrics port by recording calls as (name, args) tuples."""

    calls: list[tuple[str, tuple[object, ...]]] = field(default_factory=list)

    def poll(self, outcome: str) -> None:
        self.calls.append(("poll", (outcome,)))

    def error(self, kind: str) -> None:
        self.calls.append(("error", (kind,)))

    def requests(self, count: int) -> None:
        self.calls.append(("requests", (count,)))

    def events(self, kind: str) -> None:
        self.calls.append(("events", (kind,)))

    def detection_latency(self, seconds: float) -> None:
        self.calls.append(("detection_latency", (seconds,)))

    def delivery(self, outcome: str, latency_seconds: float | None) -> None:
        self.calls.append(("delivery", (outcome, latency_seconds)))

    def named(self, name: str) -> list[tuple[object, ...]]:
        return [args for n, args in self.calls if n == name]


@dataclass
class FakeMonitorControl:
    watched: dict[str, Store] = field(default_factory=dict)
    healths: dict[str, StoreHealth] = field(default_factory=dict)

    def watch(self, store: Store) -> None:
        self.watched[store.id] = store

    def unwatch(self, store_id: str) -> None:
        self.watched.pop(store_id, None)

    def health(self, store_id: str) -> StoreHealth | None:
        return self.healths.get(store_id)


@dataclass
class FakeProxyRouting:
    """Satisfies ProxyRouting: remembers the routing table it was last given (and how often)."""

    routes: dict[str, str] = field(default_factory=dict)
    replaced: int = 0

    def replace(self, routes: Mapping[str, str]) -> None:
        self.routes = dict(routes)
        self.replaced += 1


@dataclass
class FakeProxyTester:
    """Satisfies ProxyTester: proxies whose host is in `dead` fail, the others answer `status`."""

    dead: set[str] = field(default_factory=set)
    status: int = 200
    calls: list[tuple[tuple[Proxy, ...], str, float]] = field(default_factory=list)

    async def test(
        self, proxies: Sequence[Proxy], url: str, *, request_timeout: float
    ) -> list[ProxyTestResult]:
        self.calls.append((tuple(proxies), url, request_timeout))
        return [
            ProxyTestResult(p, ok=False, error="connection refused")
            if p.host in self.dead
            else ProxyTestResult(p, ok=200 <= self.status < 400, status=self.status, latency_ms=1.0)
            for p in proxies
        ]


# ---- store sources ---------------------------------------------------------------------------------

SourceOutcome = FetchResult | Snapshot | BaseException


class FakeStoreSource:
    """Satisfies StoreSource. Per store, a script of outcomes: a FetchResult, a bare Snapshot (wrapped in a
    FetchResult), or an exception to raise (StoreUnavailable, StoreRateLimited, StoreBlocked, …). When a
    store's script runs out, `fetch` answers `when_empty` (default: unchanged, FetchResult(snapshot=None))."""

    def __init__(self, when_empty: SourceOutcome | None = None) -> None:
        self.when_empty: SourceOutcome = when_empty if when_empty is not None else FetchResult(snapshot=None)
        self.calls: list[str] = []
        self._scripts: dict[str, deque[SourceOutcome]] = defaultdict(deque)

    def script(self, store_id: str, *outcomes: SourceOutcome) -> None:
        self._scripts[store_id].extend(outcomes)

    def remaining(self, store_id: str) -> int:
        return len(self._scripts[store_id])

    async def fetch(self, store: Store, cache: SourceCache) -> FetchResult:
        self.calls.append(store.id)
        queue = self._scripts[store.id]
        outcome = queue.popleft() if queue else self.when_empty
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome if isinstance(outcome, FetchResult) else FetchResult(snapshot=outcome)


class FakeProductSource:
    """Satisfies ProductSource: per (store id, handle) a script of Product | None | exception."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self._scripts: dict[tuple[str, str], deque[Product | BaseException | None]] = defaultdict(deque)

    def script(self, store_id: str, handle: str, *outcomes: Product | BaseException | None) -> None:
        self._scripts[(store_id, handle)].extend(outcomes)

    async def fetch_product(self, store: Store, handle: str, cache: SourceCache) -> Product | None:
        self.calls.append((store.id, handle))
        queue = self._scripts[(store.id, handle)]
        outcome = queue.popleft() if queue else None
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def seed(db: FakeDatabase, *, stores: Iterable[Store] = (), channels: Iterable[Channel] = ()) -> FakeDatabase:
    """Put committed rows straight into a fake database."""
    for store in stores:
        db.stores[store.id] = store
    for channel in channels:
        db.channels[channel.id] = channel
    return db


# ---- auth ------------------------------------------------------------------------------------------


class FakeAuthenticator:
    """Satisfies the Authenticator port: one token in memory, sessions by cookie value ("s1", "s2", …)."""

    def __init__(self, clock: FrozenClock, token: str | None = "phx_right", ttl: float = 3600.0) -> None:
        self.clock = clock
        self.token = token
        self.ttl = ttl
        self.sessions: dict[str, Session] = {}
        self.logins = 0
        self.rotations = 0

    async def ensure_token(self) -> str | None:
        if self.token is not None:
            return None
        self.token = "phx_first"
        return self.token

    async def authenticate_bearer(self, token: str) -> Principal | None:
        return Principal.bearer() if token == self.token else None

    async def authenticate_session(self, session_id: str) -> Principal | None:
        session = self.sessions.get(session_id)
        if session is None or session.expired(self.clock.now()):
            return None
        return Principal.of_session(session)

    async def login(self, token: str) -> LoginResult | None:
        if token != self.token:
            return None
        self.logins += 1
        session_id = f"s{self.logins}"
        now = self.clock.now()
        session = Session(
            key=f"key-{session_id}",
            csrf_token=f"csrf-{session_id}",
            created_at=now,
            expires_at=now + timedelta(seconds=self.ttl),
            last_seen_at=now,
        )
        self.sessions[session_id] = session
        return LoginResult(session_id=session_id, session=session)

    async def logout(self, session_key: str) -> None:
        self.sessions = {k: s for k, s in self.sessions.items() if s.key != session_key}

    async def rotate(self) -> str:
        self.rotations += 1
        self.token = f"phx_rotated{self.rotations}"
        self.sessions.clear()
        return self.token
