"""Serve the real app (create_app + uvicorn on 127.0.0.1) for end-to-end tests, with its admin token."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import uvicorn
from fastapi import FastAPI

from phantom.api.deps import CSRF_HEADER, SESSION_COOKIE
from phantom.core.app import create_app
from phantom.core.engine import Engine
from phantom.core.settings import DatabaseSettings, MonitorSettings, Settings
from tests.e2e.support import wait_for


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def offline_settings(db: Path, **overrides: object) -> Settings:
    return Settings(
        database=DatabaseSettings(url=f"sqlite+aiosqlite:///{db}"),
        monitor=MonitorSettings(jitter=0.0),
        **overrides,  # type: ignore[arg-type]
    )


@dataclass
class Served:
    url: str
    token: str
    engine: Engine
    app: FastAPI

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://", 1) + "/ws"

    def client(self) -> aiohttp.ClientSession:
        """A session that authenticates every request with the bearer token."""
        return aiohttp.ClientSession(headers=self.bearer)


@dataclass(frozen=True)
class Login:
    session_id: str
    csrf_token: str

    @property
    def cookie(self) -> dict[str, str]:
        return {"Cookie": f"{SESSION_COOKIE}={self.session_id}"}

    @property
    def cookie_and_csrf(self) -> dict[str, str]:
        return {**self.cookie, CSRF_HEADER: self.csrf_token}


async def login(http: aiohttp.ClientSession, served: Served) -> Login:
    async with http.post(f"{served.url}/api/auth/login", json={"token": served.token}) as r:
        assert r.status == 200, await r.text()
        body = await r.json()
        session_id = r.cookies[SESSION_COOKIE].value
    return Login(session_id=session_id, csrf_token=body["csrf_token"])


@asynccontextmanager
async def serve(settings: Settings, *, engine: Engine | None = None) -> AsyncIterator[Served]:
    """Start the app (its lifespan starts the engine) and stop it on exit."""
    engine = engine or Engine(settings)
    app = create_app(settings, engine=engine)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on", access_log=False)
    )
    task = asyncio.create_task(server.serve())
    try:
        await wait_for(lambda: server.started or task.done(), what="uvicorn start")
        if task.done():
            task.result()
            raise AssertionError("uvicorn stopped during start-up")
        assert engine.auth is not None
        token = engine.first_run_token or await engine.auth.rotate()
        yield Served(url=f"http://127.0.0.1:{port}", token=token, engine=engine, app=app)
    finally:
        server.should_exit = True
        await task
