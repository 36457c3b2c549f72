"""Event history queries."""

from __future__ import annotations

from phantom.domain.events import StoredEvent
from phantom.domain.ports import EventQuery, UnitOfWorkFactory

MAX_PAGE = 500


async def list_events(query: EventQuery, *, uow_factory: UnitOfWorkFactory) -> list[StoredEvent]:
    """Newest first; `query.before_id` pages backwards. The page size is capped."""
    capped = EventQuery(
        store_id=query.store_id,
        kinds=query.kinds,
        since=query.since,
        until=query.until,
        before_id=query.before_id,
        limit=max(1, min(query.limit, MAX_PAGE)),
    )
    async with uow_factory() as uow:
        return await uow.events.list(capped)
