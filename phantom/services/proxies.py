"""Proxy list use cases: create, change, test and assign proxy lists; resolve the proxy a store or a task
goes through.

Scope line: a proxy is a routing setting the person chooses, tests and assigns. A store or a task goes
through ONE proxy of its list (`sticky_proxy`: a stable hash of its id), and keeps it while that proxy is in
the list. Phantom never rotates proxies to dodge a block or a rate limit: a blocked or 429 request is never
retried through another proxy, and a store keeps its proxy after its hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from phantom.domain.errors import InvalidProxyTest, ProxyListNotFound, StoreNotFound
from phantom.domain.ports import Clock, IdFactory, ProxyRouting, ProxyTester, UnitOfWork, UnitOfWorkFactory
from phantom.domain.proxies import (
    ProxyList,
    ProxyTestResult,
    StoreProxy,
    parse_proxy_lines,
    sticky_proxy,
    validate_list_name,
)

MIN_TEST_TIMEOUT = 0.5
MAX_TEST_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class ProxyListSpec:
    name: str
    lines: Sequence[str]  # one proxy a line, in any accepted form


@dataclass(frozen=True, slots=True)
class ProxyListChanges:
    """A partial edit: None leaves a field as it is. New `lines` replace the whole list."""

    name: str | None = None
    lines: Sequence[str] | None = None


async def list_proxy_lists(*, uow_factory: UnitOfWorkFactory) -> list[ProxyList]:
    async with uow_factory() as uow:
        return await uow.proxies.list()


async def get_proxy_list(list_id: str, *, uow_factory: UnitOfWorkFactory) -> ProxyList:
    async with uow_factory() as uow:
        return await _require(uow, list_id)


async def create_proxy_list(
    spec: ProxyListSpec, *, uow_factory: UnitOfWorkFactory, ids: IdFactory, clock: Clock
) -> ProxyList:
    """Parse and store a new list. Raises InvalidProxy (naming the bad lines) or DuplicateProxyList."""
    now = clock.now()
    proxy_list = ProxyList(
        id=ids(),
        name=validate_list_name(spec.name),
        proxies=parse_proxy_lines(spec.lines),
        created_at=now,
        updated_at=now,
    )
    async with uow_factory() as uow:
        await uow.proxies.add(proxy_list)
        await uow.commit()
    return proxy_list


async def update_proxy_list(
    list_id: str,
    changes: ProxyListChanges,
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    routing: ProxyRouting,
) -> ProxyList:
    """Rename and/or replace the proxies; stores on the list are re-routed (a store whose proxy is still in
    the list keeps it). Raises ProxyListNotFound, InvalidProxy or DuplicateProxyList."""
    name = validate_list_name(changes.name) if changes.name is not None else None
    proxies = parse_proxy_lines(changes.lines) if changes.lines is not None else None
    async with uow_factory() as uow:
        current = await _require(uow, list_id)
        updated = replace(
            current,
            name=name if name is not None else current.name,
            proxies=proxies if proxies is not None else current.proxies,
            updated_at=clock.now(),
        )
        await uow.proxies.update(updated)
        await uow.commit()
        routes = await _routes(uow)
    routing.replace(routes)
    return updated


async def delete_proxy_list(list_id: str, *, uow_factory: UnitOfWorkFactory, routing: ProxyRouting) -> None:
    """Remove a list; the stores on it go direct from their next poll. Raises ProxyListNotFound."""
    async with uow_factory() as uow:
        await _require(uow, list_id)
        await uow.proxies.delete(list_id)
        await uow.commit()
        routes = await _routes(uow)
    routing.replace(routes)


async def run_proxy_test(
    list_id: str, url: str, request_timeout: float, *, uow_factory: UnitOfWorkFactory, tester: ProxyTester
) -> list[ProxyTestResult]:
    """GET `url` once through every proxy of the list (no retries). Raises ProxyListNotFound or
    InvalidProxyTest (the URL must be absolute http(s); the time-out within bounds)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        host = None
    if host is None or parts.scheme not in ("http", "https"):
        raise InvalidProxyTest("the test URL must be an absolute http(s) URL")
    if not MIN_TEST_TIMEOUT <= request_timeout <= MAX_TEST_TIMEOUT:
        raise InvalidProxyTest(f"timeout must be between {MIN_TEST_TIMEOUT} and {MAX_TEST_TIMEOUT} seconds")
    proxy_list = await get_proxy_list(list_id, uow_factory=uow_factory)
    return await tester.test(proxy_list.proxies, url, request_timeout=request_timeout)


# ---- assignments and routing -----------------------------------------------------------------------


async def assign_store(
    store_id: str, list_id: str | None, *, uow_factory: UnitOfWorkFactory, routing: ProxyRouting
) -> StoreProxy | None:
    """Route a store's polls through its sticky proxy of `list_id` (None: direct again), from its next
    poll. The store's assignment (None when direct). Raises StoreNotFound or ProxyListNotFound."""
    async with uow_factory() as uow:
        if await uow.stores.get(store_id) is None:
            raise StoreNotFound(f"no store with id {store_id}")
        proxy_list = await _require(uow, list_id) if list_id is not None else None
        await uow.proxies.assign_store(store_id, list_id)
        await uow.commit()
        routes = await _routes(uow)
    routing.replace(routes)
    if proxy_list is None:
        return None
    return StoreProxy(store_id, proxy_list.id, sticky_proxy(proxy_list, store_id))


async def list_assignments(*, uow_factory: UnitOfWorkFactory) -> list[StoreProxy]:
    """Every assigned store with its list and the one proxy it goes through, by store id."""
    async with uow_factory() as uow:
        return await _assignments(uow)


async def apply_routes(*, uow_factory: UnitOfWorkFactory, routing: ProxyRouting) -> dict[str, str]:
    """Load every store's route from the database into the routing (the engine calls it at start)."""
    async with uow_factory() as uow:
        routes = await _routes(uow)
    routing.replace(routes)
    return routes


async def proxy_for(list_id: str | None, key: str, *, uow_factory: UnitOfWorkFactory) -> str | None:
    """The proxy URL (credentials included) that `key` — a task or store id — goes through on `list_id`;
    None when no list is set. Stable: the same key always gets the same proxy of an unchanged list.

    Raises ProxyListNotFound for a list that is gone: a task the person routed through a proxy must not
    silently go direct."""
    if list_id is None:
        return None
    async with uow_factory() as uow:
        proxy_list = await _require(uow, list_id)
    return sticky_proxy(proxy_list, key).url


async def _require(uow: UnitOfWork, list_id: str) -> ProxyList:
    proxy_list = await uow.proxies.get(list_id)
    if proxy_list is None:
        raise ProxyListNotFound(f"no proxy list with id {list_id}")
    return proxy_list


async def _assignments(uow: UnitOfWork) -> list[StoreProxy]:
    assigned = await uow.proxies.store_assignments()
    if not assigned:
        return []
    lists = {p.id: p for p in await uow.proxies.list()}
    return [
        StoreProxy(store_id, list_id, sticky_proxy(lists[list_id], store_id))
        for store_id, list_id in sorted(assigned.items())
        if list_id in lists
    ]


async def _routes(uow: UnitOfWork) -> dict[str, str]:
    return {a.store_id: a.proxy.url for a in await _assignments(uow)}
