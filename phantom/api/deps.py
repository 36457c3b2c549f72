"""FastAPI dependencies: the only place the API reaches for the engine's wiring."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from phantom.services.context import ServiceContext


def get_services(request: Request) -> ServiceContext:
    services: ServiceContext = request.app.state.services
    return services


async def authorize(_request: Request) -> None:
    """Auth seam. Every route but /health depends on this; the dashboard issue fills it in (token,
    session cookie + CSRF) without touching the routers."""
    return None


ServicesDep = Annotated[ServiceContext, Depends(get_services)]
