"""FastAPI dependencies: the only place the API reaches for the engine's wiring, and the auth seam."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from phantom.domain.auth import Credentials, Principal
from phantom.services import auth as auth_service
from phantom.services.context import ServiceContext

SESSION_COOKIE = "phantom_session"
CSRF_COOKIE = "phantom_csrf"
CSRF_HEADER = "X-CSRF-Token"

# Declared for the OpenAPI schema (so clients and schemathesis know how to authenticate); the values are
# read from the raw request below, which also refuses a malformed Authorization header.
bearer_scheme = HTTPBearer(
    scheme_name="bearerToken",
    auto_error=False,
    description="The admin access token printed at first start (`phx_…`).",
)
session_scheme = APIKeyCookie(
    name=SESSION_COOKIE,
    scheme_name="sessionCookie",
    auto_error=False,
    description=f"Session cookie set by `login`; state-changing requests also need the {CSRF_HEADER} header.",
)


@dataclass(frozen=True, slots=True)
class WebConfig:
    """Plain values the API needs from the settings, put on `app.state.web` by create_app."""

    allowed_origins: frozenset[str] = frozenset()
    ws_heartbeat: float = 15.0
    ws_queue: int = 256
    ws_close_timeout: float = 10.0


def get_services(request: Request) -> ServiceContext:
    services: ServiceContext = request.app.state.services
    return services


def get_web_config(request: Request) -> WebConfig:
    config: WebConfig | None = getattr(request.app.state, "web", None)
    return config or WebConfig()


ServicesDep = Annotated[ServiceContext, Depends(get_services)]
WebConfigDep = Annotated[WebConfig, Depends(get_web_config)]


def credentials_of(headers: Mapping[str, str], cookies: Mapping[str, str]) -> Credentials:
    """What a request (or a WebSocket handshake) presented. A non-Bearer Authorization header counts as a
    wrong token rather than as no credentials."""
    bearer = None
    if (authorization := headers.get("authorization")) is not None:
        scheme, _, value = authorization.strip().partition(" ")
        bearer = value.strip() if scheme.lower() == "bearer" else ""
    return Credentials(
        bearer=bearer,
        session_id=cookies.get(SESSION_COOKIE) or None,
        csrf_token=headers.get(CSRF_HEADER.lower()),
    )


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def authorize(
    request: Request,
    services: ServicesDep,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    _session: Annotated[str | None, Depends(session_scheme)],
) -> Principal:
    """Every route but /health and the login depends on this: a valid bearer token, or a session cookie
    (plus the X-CSRF-Token header on POST/PUT/PATCH/DELETE). Raises Unauthorized (401) / CsrfRequired (403)."""
    creds = credentials_of(request.headers, request.cookies)
    return await auth_service.authenticate(creds, request.method, authenticator=services.auth)


CurrentPrincipal = Annotated[Principal, Depends(authorize)]
