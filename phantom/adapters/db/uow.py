"""The SQL unit of work: one DbSession, one transaction, the repositories over it."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Self

from phantom.adapters.db.products import SqlProductRepository
from phantom.adapters.db.profiles import SqlProfileRepository
from phantom.adapters.db.proxies import SqlProxyRepository
from phantom.adapters.db.repositories import (
    ChannelCache,
    SqlChannelRepository,
    SqlEventRepository,
    SqlOutboxRepository,
    SqlStoreRepository,
    SqlStoreStateRepository,
)
from phantom.adapters.db.session import DbSession, SessionFactory
from phantom.adapters.db.tasks import (
    RuleCache,
    SqlAttemptRepository,
    SqlInboundRepository,
    SqlRuleRepository,
    SqlTaskRepository,
)
from phantom.domain.ports import (
    AttemptRepository,
    CardCipher,
    ChannelRepository,
    EventRepository,
    InboundChannelRepository,
    OutboxRepository,
    ProductRepository,
    ProfileRepository,
    ProxyRepository,
    RuleRepository,
    StoreRepository,
    StoreStateRepository,
    TaskRepository,
)


class SqlAlchemyUnitOfWork:
    """`async with uow:` opens a session (the transaction begins on first use); `commit()` commits, and
    leaving the block without committing rolls back. Work after a `commit()` inside the same block runs in
    a new transaction, which is rolled back on exit unless committed too. Not re-entrant; reusable."""

    stores: StoreRepository
    states: StoreStateRepository
    events: EventRepository
    channels: ChannelRepository
    outbox: OutboxRepository
    products: ProductRepository
    proxies: ProxyRepository
    profiles: ProfileRepository
    tasks: TaskRepository
    attempts: AttemptRepository
    rules: RuleRepository
    inbound: InboundChannelRepository

    def __init__(
        self,
        session_factory: SessionFactory,
        gate: asyncio.Lock | None = None,
        channel_cache: ChannelCache | None = None,
        cipher: CardCipher | None = None,
        rule_cache: RuleCache | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._session: DbSession | None = None
        # SQLite runs one write transaction at a time anyway (BEGIN IMMEDIATE). Queueing them on an asyncio
        # lock in the process is FIFO and immediate, where SQLite's busy handler sleeps and retries.
        self._gate = gate
        self._channel_cache = channel_cache
        self._cipher = cipher  # None: profiles readable, cards not (see SqlProfileRepository)
        self._rule_cache = rule_cache

    async def __aenter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("unit of work already entered")
        if self._gate is not None:
            await self._gate.acquire()
        session = self._session_factory()
        self._session = session
        self.stores = SqlStoreRepository(session)
        self.states = SqlStoreStateRepository(session)
        self.events = SqlEventRepository(session)
        self.channels = SqlChannelRepository(session, self._channel_cache)
        self.outbox = SqlOutboxRepository(session)
        self.products = SqlProductRepository(session)
        self.proxies = SqlProxyRepository(session)
        self.profiles = SqlProfileRepository(session, self._cipher)
        self.tasks = SqlTaskRepository(session)
        self.attempts = SqlAttemptRepository(session)
        self.rules = SqlRuleRepository(session, self._rule_cache)
        self.inbound = SqlInboundRepository(session)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        session, self._session = self._session, None
        if session is None:
            return
        try:
            await session.rollback()
        finally:
            try:
                await session.close()
            finally:
                if self._gate is not None:
                    self._gate.release()

    async def commit(self) -> None:
        await self._require().commit()

    async def rollback(self) -> None:
        await self._require().rollback()

    def _require(self) -> DbSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self._session
