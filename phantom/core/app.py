"""`create_app(settings)`: the FastAPI application, whose lifespan owns the Engine."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from phantom.api.errors import install_error_handlers
from phantom.api.routers import events, stores, system
from phantom.core.engine import Engine
from phantom.core.settings import Settings


def create_app(settings: Settings, *, engine: Engine | None = None) -> FastAPI:
    engine = engine or Engine(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = engine
        app.state.services = await engine.start()
        try:
            yield
        finally:
            await engine.stop()

    app = FastAPI(title="Phantom", version="0.1.0", lifespan=lifespan)
    install_error_handlers(app)
    app.include_router(system.router)
    app.include_router(stores.router)
    app.include_router(events.router)
    return app
