"""`create_app(settings)`: the FastAPI application, whose lifespan owns the Engine."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from phantom.api.deps import CSRF_HEADER, WebConfig
from phantom.api.errors import install_error_handlers
from phantom.api.routers import (
    auth,
    channels,
    checkouts,
    docs,
    events,
    inbound,
    products,
    rules,
    stores,
    system,
    ws,
)
from phantom.api.routers import profiles as profiles_router
from phantom.api.routers import proxies as proxies_router
from phantom.api.routers import settings as settings_router
from phantom.api.routers import tasks as tasks_router
from phantom.core.dashboard import DEFAULT_DIST, serve_dashboard
from phantom.core.engine import Engine
from phantom.core.settings import Settings


def create_app(
    settings: Settings, *, engine: Engine | None = None, dashboard_dir: Path | None = DEFAULT_DIST
) -> FastAPI:
    engine = engine or Engine(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = engine
        app.state.services = await engine.start()
        try:
            yield
        finally:
            await engine.stop()

    # /openapi.json and /docs are served by routers/docs.py, behind auth like everything else.
    app = FastAPI(
        title="Phantom", version="0.1.0", lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None
    )
    app.state.web = WebConfig(
        allowed_origins=frozenset(settings.allowed_origins),
        ws_heartbeat=settings.web.ws_heartbeat,
        ws_queue=settings.web.ws_queue,
    )
    install_error_handlers(app)
    if settings.allowed_origins:  # otherwise same origin only: no CORS headers at all
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.allowed_origins,
            allow_credentials=True,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", CSRF_HEADER],
        )
    app.include_router(auth.router)
    app.include_router(channels.router)
    app.include_router(settings_router.router)
    app.include_router(ws.router)
    app.include_router(docs.router)
    docs.customize_openapi(app)
    app.include_router(system.router)
    app.include_router(stores.router)
    app.include_router(events.router)
    app.include_router(products.router)
    app.include_router(proxies_router.router)
    app.include_router(profiles_router.router)
    app.include_router(tasks_router.router)
    app.include_router(rules.router)
    app.include_router(checkouts.router)
    app.include_router(inbound.router)
    app.include_router(inbound.public_router)  # HMAC-signed, no token: see routers/inbound.py
    # The built dashboard answers only what no route above matched (None: API only).
    serve_dashboard(app, dashboard_dir)
    return app
