"""Checkout history and statistics: what every attempt did, and how often and how fast checkouts worked per
store and mode."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from phantom.domain.checkout import AttemptStatus, CheckoutAttempt
from phantom.domain.history import AttemptStats, HistoryCursor, InvalidHistoryQuery, summarize
from phantom.domain.ports import AttemptQuery, Clock, UnitOfWork, UnitOfWorkFactory
from phantom.domain.tasks import TaskMode

MAX_PAGE = 200
DEFAULT_STATS_DAYS = 30
MAX_STATS_DAYS = 366
MAX_STATS_ROWS = 50_000


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    store_id: str | None = None
    mode: TaskMode | None = None
    statuses: frozenset[AttemptStatus] = frozenset()
    since: datetime | None = None
    cursor: str | None = None  # next_cursor of the previous page
    limit: int = 50


@dataclass(frozen=True, slots=True)
class CheckoutRow:
    attempt: CheckoutAttempt
    store_name: str | None  # None: the store is gone (its attempts go with it, so rarely)


@dataclass(frozen=True, slots=True)
class HistoryPage:
    items: list[CheckoutRow]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class StatsReport:
    since: datetime
    until: datetime
    stats: AttemptStats
    store_names: dict[str, str]
    truncated: bool  # more attempts in the range than MAX_STATS_ROWS: the oldest were left out


async def list_checkouts(query: HistoryQuery, *, uow_factory: UnitOfWorkFactory) -> HistoryPage:
    """Attempts newest first with their store's name; `next_cursor` continues after the last one.
    Raises InvalidHistoryQuery for a malformed cursor."""
    limit = max(1, min(query.limit, MAX_PAGE))
    before = None
    if query.cursor is not None:
        cursor = HistoryCursor.decode(query.cursor)
        before = (cursor.created_at, cursor.attempt_id)
    repo_query = AttemptQuery(
        store_id=query.store_id,
        mode=query.mode,
        statuses=query.statuses,
        since=query.since,
        before=before,
        limit=limit,
    )
    async with uow_factory() as uow:
        attempts = await uow.attempts.list(repo_query)
        names = await _store_names(uow)
    items = [CheckoutRow(a, names.get(a.store_id)) for a in attempts]
    last = attempts[-1] if len(attempts) == limit else None
    return HistoryPage(items, HistoryCursor(last.created_at, last.id).encode() if last else None)


async def checkout_stats(
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    since: datetime | None = None,
    until: datetime | None = None,
    store_id: str | None = None,
) -> StatsReport:
    """Per (store, mode): attempts, outcomes, success rate, p50/p95 detection→link and detection→submission;
    and a daily series over the range (default: the last 30 days; at most a year)."""
    until = until or clock.now()
    since = since or until - timedelta(days=DEFAULT_STATS_DAYS)
    if since >= until:
        raise InvalidHistoryQuery("since must be before until")
    if until - since > timedelta(days=MAX_STATS_DAYS):
        raise InvalidHistoryQuery(f"the range is at most {MAX_STATS_DAYS} days")
    query = AttemptQuery(store_id=store_id, since=since, until=until, limit=MAX_STATS_ROWS)
    async with uow_factory() as uow:
        attempts = await uow.attempts.list(query)
        names = await _store_names(uow)
    last_day = (until - timedelta(microseconds=1)).date()
    stats = summarize(attempts, first_day=since.date(), last_day=last_day)
    return StatsReport(since, until, stats, names, truncated=len(attempts) == MAX_STATS_ROWS)


async def _store_names(uow: UnitOfWork) -> dict[str, str]:
    return {s.id: s.name for s in await uow.stores.list()}
