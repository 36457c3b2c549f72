"""Liveness and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from phantom.api.deps import ServicesDep, authorize
from phantom.api.schemas import HealthCheck
from phantom.services.stores import list_stores

router = APIRouter(tags=["system"])


@router.get("/health", operation_id="health")
async def health(services: ServicesDep) -> HealthCheck:
    counts: dict[str, int] = {}
    for store in await list_stores(uow_factory=services.uow_factory):
        h = services.monitors.health(store.id)
        status = h.status.value if h else "paused"
        counts[status] = counts.get(status, 0) + 1
    return HealthCheck(status="ok", stores=counts)


@router.get(
    "/metrics",
    operation_id="metrics",
    dependencies=[Depends(authorize)],
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}},
)
async def metrics(services: ServicesDep) -> Response:
    return Response(services.render_metrics(), media_type="text/plain; version=0.0.4")
