"""Stores: list, add, change, remove, and each one's health."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from phantom.api.deps import ServicesDep, authorize
from phantom.api.errors import error_responses
from phantom.api.schemas import HealthRead, StoreCreate, StoreRead, StoreUpdate
from phantom.domain.errors import StoreNotFound
from phantom.services import stores as store_service

router = APIRouter(prefix="/api/stores", tags=["stores"], dependencies=[Depends(authorize)])


@router.get("", operation_id="listStores")
async def list_stores(services: ServicesDep) -> list[StoreRead]:
    stores = await store_service.list_stores(uow_factory=services.uow_factory)
    return [StoreRead.of(s, services.monitors.health(s.id)) for s in stores]


@router.post("", status_code=201, operation_id="createStore", responses=error_responses(400, 409))
async def create_store(body: StoreCreate, services: ServicesDep) -> StoreRead:
    spec = store_service.StoreSpec(
        url=body.url,
        platform=body.platform,
        interval=body.interval,
        name=body.name,
        skus=tuple(body.skus),
        watch_handles=tuple(body.watch_handles),
        watch_interval=body.watch_interval,
        max_pages=body.max_pages,
        enabled=body.enabled,
    )
    store = await store_service.add_store(
        spec, uow_factory=services.uow_factory, ids=services.ids, monitors=services.monitors
    )
    return StoreRead.of(store, services.monitors.health(store.id))


@router.get("/{store_id}", operation_id="getStore", responses=error_responses(404))
async def get_store(store_id: str, services: ServicesDep) -> StoreRead:
    store = await store_service.get_store(store_id, uow_factory=services.uow_factory)
    return StoreRead.of(store, services.monitors.health(store.id))


@router.patch("/{store_id}", operation_id="updateStore", responses=error_responses(400, 404, 409))
async def update_store(store_id: str, body: StoreUpdate, services: ServicesDep) -> StoreRead:
    # null means "leave as it is", except watch_interval, where null means "same as interval".
    changes: dict[str, object] = {
        k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None or k == "watch_interval"
    }
    for key in ("skus", "watch_handles"):
        if key in changes and changes[key] is not None:
            changes[key] = tuple(changes[key])  # type: ignore[arg-type]
    store = await store_service.update_store(
        store_id, changes, uow_factory=services.uow_factory, monitors=services.monitors
    )
    return StoreRead.of(store, services.monitors.health(store.id))


@router.delete("/{store_id}", status_code=204, operation_id="deleteStore", responses=error_responses(404))
async def delete_store(store_id: str, services: ServicesDep) -> Response:
    await store_service.delete_store(store_id, uow_factory=services.uow_factory, monitors=services.monitors)
    return Response(status_code=204)


@router.get("/{store_id}/health", operation_id="getStoreHealth", responses=error_responses(404))
async def get_store_health(store_id: str, services: ServicesDep) -> HealthRead:
    await store_service.get_store(store_id, uow_factory=services.uow_factory)
    health = services.monitors.health(store_id)
    if health is None:
        raise StoreNotFound(f"store {store_id} is not being monitored (disabled)")
    return HealthRead.of(health)
