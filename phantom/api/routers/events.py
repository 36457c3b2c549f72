"""Event history, newest first, with cursor paging."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from phantom.api.deps import ServicesDep, authorize
from phantom.api.fields import IsoDatetime
from phantom.api.schemas import EventPage, EventRead
from phantom.domain.events import EventKind
from phantom.domain.ports import EventQuery
from phantom.services.events import list_events as list_events_service

router = APIRouter(prefix="/api/events", tags=["events"], dependencies=[Depends(authorize)])


@router.get("", operation_id="listEvents")
async def list_events(
    services: ServicesDep,
    store_id: str | None = None,
    kind: Annotated[list[EventKind] | None, Query()] = None,
    since: IsoDatetime | None = None,
    until: IsoDatetime | None = None,
    cursor: Annotated[
        str | None, Query(max_length=64, description="next_cursor of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> EventPage:
    query = EventQuery(
        store_id=store_id,
        kinds=frozenset(kind or ()),
        since=since,
        until=until,
        before_id=cursor,
        limit=limit,
    )
    events = await list_events_service(query, uow_factory=services.uow_factory)
    next_cursor = events[-1].id if len(events) == limit else None
    return EventPage(items=[EventRead.of(e) for e in events], next_cursor=next_cursor)
