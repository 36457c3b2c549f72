"""Log in with the admin token (→ session cookie + CSRF token), log out, who am I, rotate the token."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request, Response

from phantom.api.auth_schemas import LoginBody, LoginRead, MeRead, RotateBody, TokenRead
from phantom.api.deps import CSRF_COOKIE, SESSION_COOKIE, CurrentPrincipal, ServicesDep, client_of
from phantom.api.errors import error_responses
from phantom.domain.auth import LoginResult
from phantom.services import auth as auth_service

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post("/login", operation_id="login", responses=error_responses(401, 429))
async def login(body: LoginBody, request: Request, response: Response, services: ServicesDep) -> LoginRead:
    """The one route that needs no credentials. Five wrong tokens in five minutes from one address lock it
    out (429 with Retry-After), for 60 s at first and up to 15 minutes."""
    result = await auth_service.login(
        body.token,
        client_of(request),
        authenticator=services.auth,
        throttle=services.login_throttle,
        clock=services.clock,
    )
    _set_cookies(response, result, now=services.clock.now(), secure=request.url.scheme == "https")
    return LoginRead(csrf_token=result.session.csrf_token, expires_at=result.session.expires_at)


@router.post("/logout", status_code=204, operation_id="logout")
async def logout(principal: CurrentPrincipal, services: ServicesDep) -> Response:
    await auth_service.logout(principal, authenticator=services.auth)
    response = Response(status_code=204)
    _clear_cookies(response)
    return response


@router.get("/me", operation_id="getMe")
async def me(principal: CurrentPrincipal) -> MeRead:
    return MeRead.of(principal)


@router.post("/rotate", operation_id="rotateToken", responses=error_responses(401, 429))
async def rotate(
    body: RotateBody,
    principal: CurrentPrincipal,
    request: Request,
    response: Response,
    services: ServicesDep,
) -> TokenRead:
    """Replace the admin token (send the current one) and end every session, this one included."""
    del principal  # authenticated above; the body proves the token itself
    token = await auth_service.rotate_token(
        body.token,
        client_of(request),
        authenticator=services.auth,
        throttle=services.login_throttle,
        clock=services.clock,
    )
    _clear_cookies(response)
    return TokenRead(token=token)


def _set_cookies(response: Response, result: LoginResult, *, now: datetime, secure: bool) -> None:
    max_age = max(int((result.session.expires_at - now).total_seconds()), 0)
    response.set_cookie(
        SESSION_COOKIE,
        result.session_id,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=secure,
    )
    # Readable by the dashboard's script (it echoes it in X-CSRF-Token); useless to another site.
    response.set_cookie(
        CSRF_COOKIE,
        result.session.csrf_token,
        max_age=max_age,
        path="/",
        httponly=False,
        samesite="strict",
        secure=secure,
    )


def _clear_cookies(response: Response) -> None:
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(name, path="/", samesite="strict")
