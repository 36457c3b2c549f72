"""SQL repositories: the persistence ports of phantom.domain.ports over one DbSession.

Rows are mapped to domain objects explicitly and never leave this package. Every SELECT uses
`populate_existing` so that the session's identity map can never hand back a stale row after a Core-style
UPDATE or a cascading DELETE in the same transaction. Repositories never commit: the unit of work does.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Table,
    bindparam,
    delete,
    false,
    func,
    insert,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from phantom.adapters.db.cache import ListCache
from phantom.adapters.db.codec import (
    decode_event,
    decode_route,
    decode_snapshot,
    encode_event,
    encode_route,
    encode_snapshot,
)
from phantom.adapters.db.rows import fetch_one, fetch_rows, rowcount
from phantom.adapters.db.session import DbSession
from phantom.adapters.db.tables import ChannelRow, EventRow, OutboxRow, StoreRow, StoreStateRow, utcnow
from phantom.domain.errors import ChannelNotFound, DuplicateStore, InvalidChannel, StoreNotFound
from phantom.domain.events import StoredEvent
from phantom.domain.models import Platform, Snapshot
from phantom.domain.notifications import Channel, ChannelKind, OutboxItem, OutboxStatus
from phantom.domain.ports import EventQuery
from phantom.domain.stores import Store

# ---- stores ----------------------------------------------------------------------------------------


def _store_values(store: Store) -> dict[str, Any]:
    return {
        "url": store.url,
        "platform": store.platform.value,
        "name": store.name,
        "interval": store.interval,
        "skus": list(store.skus),
        "watch_handles": list(store.watch_handles),
        "watch_interval": store.watch_interval,
        "max_pages": store.max_pages,
        "enabled": store.enabled,
        "extra": dict(store.extra),
    }


def _store(row: StoreRow) -> Store:
    return Store(
        id=row.id,
        url=row.url,
        platform=Platform(row.platform),
        interval=row.interval,
        name=row.name,
        skus=tuple(row.skus),
        watch_handles=tuple(row.watch_handles),
        watch_interval=row.watch_interval,
        max_pages=row.max_pages,
        enabled=row.enabled,
        extra=dict(row.extra),
    )


class SqlStoreRepository:
    def __init__(self, session: DbSession) -> None:
        self._session = session

    async def add(self, store: Store) -> None:
        """Raises DuplicateStore when the id or URL exists; the surrounding transaction stays usable."""
        now = utcnow()
        stmt = insert(StoreRow).values(id=store.id, created_at=now, updated_at=now, **_store_values(store))
        try:
            async with self._session.begin_nested():
                await self._session.execute(stmt)
        except IntegrityError as exc:
            raise DuplicateStore(f"a store with id {store.id} or url {store.url} exists") from exc

    async def get(self, store_id: str) -> Store | None:
        row = await fetch_one(self._session, select(StoreRow).where(StoreRow.id == store_id))
        return _store(row) if row else None

    async def get_by_url(self, url: str) -> Store | None:
        row = await fetch_one(self._session, select(StoreRow).where(StoreRow.url == url))
        return _store(row) if row else None

    async def list(self) -> list[Store]:
        rows = await fetch_rows(self._session, select(StoreRow).order_by(StoreRow.created_at, StoreRow.id))
        return [_store(r) for r in rows]

    async def update(self, store: Store) -> None:
        """Raises StoreNotFound for an unknown id, DuplicateStore when the new URL belongs to another store."""
        stmt = (
            update(StoreRow)
            .where(StoreRow.id == store.id)
            .values(updated_at=utcnow(), **_store_values(store))
        )
        try:
            async with self._session.begin_nested():
                result = await self._session.execute(stmt, execution_options={"synchronize_session": False})
        except IntegrityError as exc:
            raise DuplicateStore(f"another store has url {store.url}") from exc
        if rowcount(result) == 0:
            raise StoreNotFound(f"no store with id {store.id}")

    async def delete(self, store_id: str) -> None:
        """Idempotent. Its state, events and their outbox rows go with it (ON DELETE CASCADE)."""
        await self._session.execute(
            delete(StoreRow).where(StoreRow.id == store_id), execution_options={"synchronize_session": False}
        )


# ---- store state -----------------------------------------------------------------------------------


class SqlStoreStateRepository:
    def __init__(self, session: DbSession) -> None:
        self._session = session

    async def get(self, store_id: str) -> Snapshot | None:
        stmt = select(StoreStateRow.snapshot).where(StoreStateRow.store_id == store_id)
        data = (await self._session.execute(stmt)).scalar_one_or_none()
        return decode_snapshot(data) if data is not None else None

    async def put(self, store_id: str, snapshot: Snapshot, at: datetime) -> None:
        """Upsert the store's last snapshot (the store must exist)."""
        params = {
            "store_id": store_id,
            "version": snapshot.version,
            "password_locked": snapshot.password_locked,
            "snapshot": encode_snapshot(snapshot),
            "updated_at": at,
        }
        await self._session.execute(_UPSERT_STATE[_dialect(self._session)], params)


_STATE_TABLE = cast(Table, StoreStateRow.__table__)


def _state_upsert(dml: Any) -> Any:
    stmt = dml(_STATE_TABLE)
    columns = ("version", "password_locked", "snapshot", "updated_at")
    return stmt.on_conflict_do_update(
        index_elements=["store_id"], set_={c: stmt.excluded[c] for c in columns}
    )


_UPSERT_STATE = {"sqlite": _state_upsert(sqlite.insert), "postgresql": _state_upsert(postgresql.insert)}


def _dialect(session: DbSession) -> str:
    return session.get_bind().dialect.name


# ---- events ----------------------------------------------------------------------------------------


def _event(row: EventRow) -> StoredEvent:
    return StoredEvent(
        id=row.id,
        store_id=row.store_id,
        store_name=row.store_name,
        store_url=row.store_url,
        dedup_key=row.dedup_key,
        detected_at=row.detected_at,
        event=decode_event(row.payload),
        changed_at=row.changed_at,
    )


# Built once: a constant statement with bound parameters skips SQLAlchemy's per-call statement building on
# the hot path (one insert per detected change).
_EVENT_TABLE = cast(Table, EventRow.__table__)
_INSERT_EVENT = {
    name: dml(_EVENT_TABLE).on_conflict_do_nothing(index_elements=["dedup_key"]).returning(_EVENT_TABLE.c.id)
    for name, dml in (("sqlite", sqlite.insert), ("postgresql", postgresql.insert))
}


class SqlEventRepository:
    def __init__(self, session: DbSession) -> None:
        self._session = session

    async def add(self, event: StoredEvent) -> bool:
        """INSERT … ON CONFLICT (dedup_key) DO NOTHING: a duplicate is not an error, so the transaction
        stays usable (PostgreSQL would otherwise abort it)."""
        product = event.event.product
        params = {
            "id": event.id,
            "store_id": event.store_id,
            "store_name": event.store_name,
            "store_url": event.store_url,
            "kind": event.kind.value,
            "product_id": event.event.product_id,
            "product_title": product.title if product else "",
            "dedup_key": event.dedup_key,
            "detected_at": event.detected_at,
            "changed_at": event.changed_at,
            "payload": encode_event(event.event),
        }
        inserted = (
            await self._session.execute(_INSERT_EVENT[_dialect(self._session)], params)
        ).scalar_one_or_none()
        return inserted is not None

    async def get(self, event_id: str) -> StoredEvent | None:
        row = await fetch_one(self._session, select(EventRow).where(EventRow.id == event_id))
        return _event(row) if row else None

    async def list(self, query: EventQuery) -> list[StoredEvent]:
        """Newest first: by detected_at, then id. `since` is inclusive, `until` exclusive (on detected_at).
        `before_id` continues after that event in this order (see `_after` for an id that is not there).

        Ids are time-ordered, so this is id order in practice; leading with detected_at makes every filter
        combination (store, kinds, time range, cursor) one range of one index, read in order (0002 indexes).
        """
        stmt = select(EventRow).order_by(EventRow.detected_at.desc(), EventRow.id.desc()).limit(query.limit)
        if query.store_id is not None:
            stmt = stmt.where(EventRow.store_id == query.store_id)
        if query.kinds:
            stmt = stmt.where(EventRow.kind.in_(sorted(k.value for k in query.kinds)))
        if query.since is not None:
            stmt = stmt.where(EventRow.detected_at >= query.since)
        if query.until is not None:
            stmt = stmt.where(EventRow.detected_at < query.until)
        if query.before_id is not None:
            stmt = stmt.where(*await self._after(query.before_id))
        return [_event(r) for r in await fetch_rows(self._session, stmt)]

    async def _after(self, event_id: str) -> tuple[ColumnElement[bool], ...]:
        """Conditions for "after `event_id` in list order". An id that is not (or no longer) there
        continues from the newest event with a smaller id (one PK lookup), so it is one range too."""
        cursor = select(EventRow.detected_at, EventRow.id)
        found = (await self._session.execute(cursor.where(EventRow.id == event_id))).one_or_none()
        if found is not None:
            at = found[0]
            # The first condition alone bounds the index range; the row value settles ties on detected_at.
            return (EventRow.detected_at <= at, tuple_(EventRow.detected_at, EventRow.id) < (at, event_id))
        older = cursor.where(EventRow.id < event_id).order_by(EventRow.id.desc()).limit(1)
        found = (await self._session.execute(older)).one_or_none()
        if found is None:
            return (false(),)
        at, oldest_id = found[0], found[1]
        return (EventRow.detected_at <= at, tuple_(EventRow.detected_at, EventRow.id) <= (at, oldest_id))


# ---- channels --------------------------------------------------------------------------------------


def _channel_values(channel: Channel) -> dict[str, Any]:
    return {
        "kind": channel.kind.value,
        "name": channel.name,
        "url": channel.url,
        "route": encode_route(channel.route),
        "enabled": channel.enabled,
        "disabled_reason": channel.disabled_reason,
    }


def _channel(row: ChannelRow) -> Channel:
    return Channel(
        id=row.id,
        kind=ChannelKind(row.kind),
        url=row.url,
        route=decode_route(row.route),
        name=row.name,
        enabled=row.enabled,
        disabled_reason=row.disabled_reason,
    )


class ChannelCache(ListCache[Channel]):
    """The enabled-channel list is read on every detected change (services/monitoring): cached."""


class SqlChannelRepository:
    def __init__(self, session: DbSession, cache: ChannelCache | None = None) -> None:
        self._session = session
        self._cache = cache
        self._wrote = False  # a session that changed channels must not cache what it has not committed

    def _changed(self) -> None:
        self._wrote = True
        if self._cache is not None:
            self._cache.invalidate()

    async def add(self, channel: Channel) -> None:
        self._changed()
        stmt = insert(ChannelRow).values(id=channel.id, created_at=utcnow(), **_channel_values(channel))
        try:
            async with self._session.begin_nested():
                await self._session.execute(stmt)
        except IntegrityError as exc:
            raise InvalidChannel(f"a channel with id {channel.id} exists") from exc

    async def get(self, channel_id: str) -> Channel | None:
        row = await fetch_one(self._session, select(ChannelRow).where(ChannelRow.id == channel_id))
        return _channel(row) if row else None

    async def list(self) -> list[Channel]:
        if self._cache is not None and not self._wrote and (cached := self._cache.get()) is not None:
            return cached
        rows = await fetch_rows(
            self._session, select(ChannelRow).order_by(ChannelRow.created_at, ChannelRow.id)
        )
        channels = [_channel(r) for r in rows]
        if self._cache is not None and not self._wrote:
            self._cache.put(channels)
        return channels

    async def update(self, channel: Channel) -> None:
        self._changed()
        stmt = update(ChannelRow).where(ChannelRow.id == channel.id).values(**_channel_values(channel))
        result = await self._session.execute(stmt, execution_options={"synchronize_session": False})
        if rowcount(result) == 0:
            raise ChannelNotFound(f"no channel with id {channel.id}")

    async def delete(self, channel_id: str) -> None:
        """Idempotent; the channel's outbox rows go with it."""
        self._changed()
        await self._session.execute(
            delete(ChannelRow).where(ChannelRow.id == channel_id),
            execution_options={"synchronize_session": False},
        )


# ---- outbox ----------------------------------------------------------------------------------------


def _item(row: OutboxRow) -> OutboxItem:
    return OutboxItem(
        id=row.id,
        event_id=row.event_id,
        channel_id=row.channel_id,
        status=OutboxStatus(row.status),
        attempts=row.attempts,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        sent_at=row.sent_at,
    )


# The per-alert statements, built once (see _INSERT_EVENT).
_OUTBOX_TABLE = cast(Table, OutboxRow.__table__)
_INSERT_OUTBOX = insert(_OUTBOX_TABLE)
_CLAIM_OUTBOX = (
    update(_OUTBOX_TABLE)
    .where(_OUTBOX_TABLE.c.id == bindparam("item_id"), _OUTBOX_TABLE.c.status == OutboxStatus.PENDING.value)
    .values(status=OutboxStatus.SENDING.value)
)
_MARK_SENT = (
    update(_OUTBOX_TABLE)
    .where(_OUTBOX_TABLE.c.id == bindparam("item_id"))
    .values(status=OutboxStatus.SENT.value, sent_at=bindparam("at"), attempts=bindparam("tries"))
)


class SqlOutboxRepository:
    def __init__(self, session: DbSession) -> None:
        self._session = session

    async def add(self, item: OutboxItem) -> None:
        await self._session.execute(
            _INSERT_OUTBOX,
            {
                "id": item.id,
                "event_id": item.event_id,
                "channel_id": item.channel_id,
                "status": item.status.value,
                "attempts": item.attempts,
                "next_attempt_at": item.next_attempt_at,
                "last_error": item.last_error,
                "created_at": item.created_at,
                "sent_at": item.sent_at,
            },
        )

    async def get(self, item_id: str) -> OutboxItem | None:
        row = await fetch_one(self._session, select(OutboxRow).where(OutboxRow.id == item_id))
        return _item(row) if row else None

    async def due(self, now: datetime, limit: int) -> list[OutboxItem]:
        stmt = (
            select(OutboxRow)
            .where(OutboxRow.status == OutboxStatus.PENDING.value, OutboxRow.next_attempt_at <= now)
            .order_by(OutboxRow.created_at, OutboxRow.id)
            .limit(limit)
        )
        return [_item(r) for r in await fetch_rows(self._session, stmt)]

    async def next_due_at(self) -> datetime | None:
        stmt = select(func.min(OutboxRow.next_attempt_at)).where(
            OutboxRow.status == OutboxStatus.PENDING.value
        )
        # min() takes its argument's type, so UTCDateTime's result processing applies.
        return (await self._session.execute(stmt)).scalar_one_or_none()

    async def mark_sending(self, item_id: str) -> bool:
        """PENDING -> SENDING only; a row in any other state is left alone. True when this call claimed it."""
        return rowcount(await self._session.execute(_CLAIM_OUTBOX, {"item_id": item_id})) == 1

    async def mark_sent(self, item_id: str, at: datetime, *, attempts: int) -> None:
        await self._session.execute(_MARK_SENT, {"item_id": item_id, "at": at, "tries": attempts})

    async def mark_retry(self, item_id: str, *, attempts: int, next_attempt_at: datetime, error: str) -> None:
        values = {
            "status": OutboxStatus.PENDING.value,
            "attempts": attempts,
            "next_attempt_at": next_attempt_at,
            "last_error": error,
        }
        await self._set(item_id, values)

    async def mark_failed(self, item_id: str, *, attempts: int, error: str) -> None:
        await self._set(
            item_id, {"status": OutboxStatus.FAILED.value, "attempts": attempts, "last_error": error}
        )

    async def fail_interrupted(self, error: str) -> int:
        return await self._fail_where(error, OutboxRow.status == OutboxStatus.SENDING.value)

    async def fail_pending_for_channel(self, channel_id: str, error: str) -> int:
        return await self._fail_where(
            error, OutboxRow.status == OutboxStatus.PENDING.value, OutboxRow.channel_id == channel_id
        )

    async def list(
        self, *, status: OutboxStatus | None = None, channel_id: str | None = None, limit: int = 100
    ) -> list[OutboxItem]:
        """Newest first."""
        stmt = select(OutboxRow).order_by(OutboxRow.created_at.desc(), OutboxRow.id.desc()).limit(limit)
        if status is not None:
            stmt = stmt.where(OutboxRow.status == status.value)
        if channel_id is not None:
            stmt = stmt.where(OutboxRow.channel_id == channel_id)
        return [_item(r) for r in await fetch_rows(self._session, stmt)]

    async def counts(self) -> dict[OutboxStatus, int]:
        """Every status, zeros included."""
        stmt = select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
        found = {OutboxStatus(s): n for s, n in (await self._session.execute(stmt)).all()}
        return {s: found.get(s, 0) for s in OutboxStatus}

    async def _set(self, item_id: str, values: dict[str, Any], only_from: OutboxStatus | None = None) -> int:
        stmt = update(OutboxRow).where(OutboxRow.id == item_id).values(**values)
        if only_from is not None:
            stmt = stmt.where(OutboxRow.status == only_from.value)
        return rowcount(await self._session.execute(stmt, execution_options={"synchronize_session": False}))

    async def _fail_where(self, error: str, *conditions: Any) -> int:
        stmt = update(OutboxRow).where(*conditions).values(status=OutboxStatus.FAILED.value, last_error=error)
        return rowcount(await self._session.execute(stmt, execution_options={"synchronize_session": False}))
