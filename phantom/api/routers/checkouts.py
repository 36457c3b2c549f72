"""Checkout history (every attempt, newest first) and statistics per store and mode."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from phantom.api.checkout_schemas import CheckoutPage, CheckoutRead, StatsRead
from phantom.api.deps import ServicesDep, authorize
from phantom.api.errors import error_responses
from phantom.api.fields import IsoDatetime
from phantom.domain.checkout import AttemptStatus
from phantom.domain.tasks import TaskMode
from phantom.services import history as history_service

router = APIRouter(prefix="/api/checkouts", tags=["checkouts"], dependencies=[Depends(authorize)])

StoreFilter = Annotated[str | None, Query(max_length=64)]


@router.get("", operation_id="listCheckouts", responses=error_responses(400))
async def list_checkouts(
    services: ServicesDep,
    store_id: StoreFilter = None,
    mode: TaskMode | None = None,
    status: Annotated[list[AttemptStatus] | None, Query()] = None,
    since: IsoDatetime | None = None,
    cursor: Annotated[
        str | None, Query(max_length=400, description="next_cursor of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=history_service.MAX_PAGE)] = 50,
) -> CheckoutPage:
    query = history_service.HistoryQuery(
        store_id=store_id,
        mode=mode,
        statuses=frozenset(status or ()),
        since=since,
        cursor=cursor,
        limit=limit,
    )
    page = await history_service.list_checkouts(query, uow_factory=services.uow_factory)
    return CheckoutPage(items=[CheckoutRead.of(r) for r in page.items], next_cursor=page.next_cursor)


@router.get("/stats", operation_id="getCheckoutStats", responses=error_responses(400))
async def checkout_stats(
    services: ServicesDep,
    since: Annotated[IsoDatetime | None, Query(description="default: 30 days before until")] = None,
    until: Annotated[IsoDatetime | None, Query(description="default: now")] = None,
    store_id: StoreFilter = None,
) -> StatsRead:
    report = await history_service.checkout_stats(
        uow_factory=services.uow_factory, clock=services.clock, since=since, until=until, store_id=store_id
    )
    return StatsRead.of(report)
