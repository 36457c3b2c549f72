"""Per-store proxy routing for the store sources (implements the ProxyRouting port).

A routed store's requests go through the ONE proxy its list assigned it (phantom/domain/proxies.py,
`sticky_proxy`): an http(s) proxy through the shared session with `proxy=`, a socks5 proxy through a
session of its own (aiohttp tunnels SOCKS at the connector), kept in a small cache here. Nothing here
rotates or reacts to a block: the route changes only when the person changes the assignment or the list.

Hot path: `route(store_id)` is one dict lookup, and an unrouted store gets a pre-built direct Route (no
allocation per request when no proxy is set).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import aiohttp
import structlog

log = structlog.get_logger()

SocksSessionFactory = Callable[[str], aiohttp.ClientSession]


@dataclass(frozen=True, slots=True)
class Route:
    """How one store's requests leave: the session to use and the http(s) proxy URL to pass (None for a
    direct route and for socks5, whose session tunnels every connection itself)."""

    session: aiohttp.ClientSession
    proxy: str | None = None


class ProxyRoutes:
    """store id -> Route. Built by the engine with the shared session and a socks5 session factory."""

    def __init__(self, session: aiohttp.ClientSession, socks_session: SocksSessionFactory) -> None:
        self.direct = Route(session)
        self._socks_session = socks_session
        self._routes: dict[str, Route] = {}
        self._socks: dict[str, aiohttp.ClientSession] = {}  # proxy URL -> its session
        # Sessions of socks proxies no store uses any more: kept (and reused if the proxy comes back) until
        # close(), since a poll may still be running in one. At most one per socks proxy ever routed.
        self._retired: dict[str, aiohttp.ClientSession] = {}

    def route(self, store_id: str) -> Route:
        return self._routes.get(store_id, self.direct)

    def replace(self, routes: Mapping[str, str]) -> None:
        """store id -> proxy URL for every routed store (any other store goes direct)."""
        built: dict[str, Route] = {}
        by_url: dict[str, Route] = {}
        for store_id, url in routes.items():
            route = by_url.get(url)
            if route is None:
                route = by_url[url] = self._build(url)
            built[store_id] = route
        self._routes = built
        for url in [u for u in self._socks if u not in by_url]:
            self._retired[url] = self._socks.pop(url)
        log.info("proxy_routes_applied", routed_stores=len(built), proxies=len(by_url))

    def _build(self, url: str) -> Route:
        if not url.startswith("socks5://"):
            return Route(self.direct.session, url)
        session = self._socks.get(url) or self._retired.pop(url, None)
        if session is None:
            session = self._socks_session(url)
        self._socks[url] = session
        return Route(session)

    async def close(self) -> None:
        sessions = [*self._socks.values(), *self._retired.values()]
        self._socks.clear()
        self._retired.clear()
        self._routes = {}
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
