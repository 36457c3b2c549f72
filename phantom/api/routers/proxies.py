"""Proxy lists: list, create, change, remove, test, and assign a list to a store.

A store on a list polls through ONE proxy of it (sticky: a stable hash of the store id); Phantom never
rotates proxies to get around a block or a rate limit. Passwords never leave the server.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response
from starlette.convertors import StringConvertor, register_url_convertor

from phantom.api.deps import ServicesDep, authorize
from phantom.api.errors import error_responses
from phantom.api.proxy_schemas import (
    ProxyListCreate,
    ProxyListRead,
    ProxyListUpdate,
    ProxyTestRequest,
    ProxyTestResultRead,
    StoreProxyAssign,
    StoreProxyRead,
)
from phantom.services import proxies as proxy_service

router = APIRouter(prefix="/api/proxies", tags=["proxies"], dependencies=[Depends(authorize)])


class ListIdConvertor(StringConvertor):
    """A list id is never "assignments": PATCH or DELETE /api/proxies/assignments is then a 405 (the path
    exists, for GET only), not an attempt on a list of that id."""

    regex = "(?!assignments$)[^/]+"


register_url_convertor("proxy_list_id", ListIdConvertor())


@router.get("", operation_id="listProxyLists")
async def list_proxy_lists(services: ServicesDep) -> list[ProxyListRead]:
    lists = await proxy_service.list_proxy_lists(uow_factory=services.uow_factory)
    return [ProxyListRead.of(p) for p in lists]


@router.post("", status_code=201, operation_id="createProxyList", responses=error_responses(400, 409))
async def create_proxy_list(body: ProxyListCreate, services: ServicesDep) -> ProxyListRead:
    """Create a list from pasted lines. A bad line is a 400 naming its line number (never its text)."""
    proxy_list = await proxy_service.create_proxy_list(
        body.spec(), uow_factory=services.uow_factory, ids=services.ids, clock=services.clock
    )
    return ProxyListRead.of(proxy_list)


# "assignments" is never a list id (ListIdConvertor), so these paths never reach the /{list_id} routes.
@router.get("/assignments", operation_id="listProxyAssignments")
async def list_assignments(services: ServicesDep) -> list[StoreProxyRead]:
    """Every store on a proxy list, with the one proxy it polls through."""
    assignments = await proxy_service.list_assignments(uow_factory=services.uow_factory)
    return [
        StoreProxyRead(store_id=a.store_id, proxy_list_id=a.proxy_list_id, proxy=a.proxy.masked)
        for a in assignments
    ]


@router.put(
    "/assignments/stores/{store_id}", operation_id="assignStoreProxyList", responses=error_responses(404)
)
async def assign_store(store_id: str, body: StoreProxyAssign, services: ServicesDep) -> StoreProxyRead:
    """Route the store's polls through its sticky proxy of the list from its next poll (null: direct)."""
    assignment = await proxy_service.assign_store(
        store_id, body.proxy_list_id, uow_factory=services.uow_factory, routing=services.proxy_routing
    )
    if assignment is None:
        return StoreProxyRead(store_id=store_id, proxy_list_id=None, proxy=None)
    return StoreProxyRead(
        store_id=store_id, proxy_list_id=assignment.proxy_list_id, proxy=assignment.proxy.masked
    )


@router.get("/{list_id:proxy_list_id}", operation_id="getProxyList", responses=error_responses(404))
async def get_proxy_list(list_id: str, services: ServicesDep) -> ProxyListRead:
    return ProxyListRead.of(await proxy_service.get_proxy_list(list_id, uow_factory=services.uow_factory))


@router.patch(
    "/{list_id:proxy_list_id}", operation_id="updateProxyList", responses=error_responses(400, 404, 409)
)
async def update_proxy_list(list_id: str, body: ProxyListUpdate, services: ServicesDep) -> ProxyListRead:
    proxy_list = await proxy_service.update_proxy_list(
        list_id,
        body.changes(),
        uow_factory=services.uow_factory,
        clock=services.clock,
        routing=services.proxy_routing,
    )
    return ProxyListRead.of(proxy_list)


@router.delete(
    "/{list_id:proxy_list_id}",
    status_code=204,
    operation_id="deleteProxyList",
    responses=error_responses(404),
)
async def delete_proxy_list(list_id: str, services: ServicesDep) -> Response:
    """Remove the list; the stores on it poll directly from their next poll."""
    await proxy_service.delete_proxy_list(
        list_id, uow_factory=services.uow_factory, routing=services.proxy_routing
    )
    return Response(status_code=204)


@router.post(
    "/{list_id:proxy_list_id}/test", operation_id="testProxyList", responses=error_responses(400, 404)
)
async def run_proxy_list_test(
    list_id: str, body: ProxyTestRequest, services: ServicesDep
) -> list[ProxyTestResultRead]:
    """GET the URL once through each proxy of the list (no retries): reachability, status and latency."""
    results = await proxy_service.run_proxy_test(
        list_id,
        body.url,
        body.timeout,
        uow_factory=services.uow_factory,
        tester=services.proxy_tester,
    )
    return [ProxyTestResultRead.of(r) for r in results]
