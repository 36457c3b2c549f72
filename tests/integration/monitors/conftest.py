from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import web

from phantom.adapters.http import create_http_session
from phantom.sim import SimConfig, SimServer

USER_AGENT = "Phantom/0.1 (self-hosted drop monitor; tests)"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@pytest.fixture
async def sim() -> AsyncIterator[SimServer]:
    config = SimConfig(
        shopify_stores=2, footsites_stores=1, products_per_store=60, seed=11, skus_per_footsites_store=5
    )
    async with SimServer(config) as server:
        yield server


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    s = create_http_session(limit=20, limit_per_host=4, user_agent=USER_AGENT, timeout=5.0)
    try:
        yield s
    finally:
        await s.close()


async def control(session: aiohttp.ClientSession, sim: SimServer, path: str, body: Any = None) -> Any:
    """POST (with a body) or GET a control endpoint; the reply must be 200."""
    url = sim.control_url(path)
    if body is None:
        async with session.get(url) as resp:
            assert resp.status == 200, await resp.text()
            return orjson.loads(await resp.read())
    async with session.post(url, json=body) as resp:
        assert resp.status == 200, await resp.text()
        return orjson.loads(await resp.read())


class Stub:
    """A tiny programmable HTTP server on 127.0.0.1 for cases the sim does not model."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.log: list[tuple[str, dict[str, str]]] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.log.append((request.path_qs, dict(request.headers)))
        handler = self.routes.get(request.path_qs) or self.routes.get(request.path)
        if handler is None:
            return web.Response(status=404, body=b'{"errors":"Not Found"}', content_type="application/json")
        return await handler(request)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def paths(self) -> list[str]:
        return [p for p, _ in self.log]


@pytest.fixture
async def stub() -> AsyncIterator[Stub]:
    server = Stub()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def json_reply(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Handler:
    body = payload if isinstance(payload, bytes) else orjson.dumps(payload)

    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, body=body, content_type="application/json", headers=headers)

    return handler


def html_reply(text: str, status: int = 200, headers: dict[str, str] | None = None) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(status=status, text=text, content_type="text/html", headers=headers)

    return handler
