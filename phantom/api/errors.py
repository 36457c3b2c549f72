"""The one table from domain errors to HTTP status, and the error body every route shares."""

from __future__ import annotations

import math
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from phantom.domain.auth import Forbidden, TooManyAttempts, Unauthorized
from phantom.domain.cards import redact_card_numbers
from phantom.domain.errors import (
    CardUnreadable,
    ChannelNotFound,
    DomainError,
    DuplicateProfile,
    DuplicateProxyList,
    DuplicateStore,
    InvalidChannel,
    InvalidProductQuery,
    InvalidProfile,
    InvalidProxy,
    InvalidProxyTest,
    InvalidStore,
    ProductNotFound,
    ProfileImportRejected,
    ProfileNotFound,
    ProxyListNotFound,
    StoreNotFound,
)
from phantom.domain.history import AttemptNotFound, InvalidHistoryQuery
from phantom.domain.inbound import (
    DuplicateInboundChannel,
    InboundChannelNotFound,
    InboundTooLarge,
    InboundUnauthorized,
    InvalidInboundChannel,
    InvalidInboundMessage,
)
from phantom.domain.rules import InvalidRule, RuleNotFound
from phantom.domain.tasks import InvalidTask, InvalidTransition, TaskBatchRejected, TaskBusy, TaskNotFound

log = structlog.get_logger()

STATUS: dict[type[DomainError], int] = {
    ProfileNotFound: 404,
    DuplicateProfile: 409,
    InvalidProfile: 400,
    ProfileImportRejected: 400,
    CardUnreadable: 500,  # a lost or wrong master key: the server's problem, not the request's
    StoreNotFound: 404,
    ChannelNotFound: 404,
    DuplicateStore: 409,
    InvalidStore: 400,
    InvalidChannel: 400,
    ProductNotFound: 404,
    InvalidProductQuery: 400,
    ProxyListNotFound: 404,
    DuplicateProxyList: 409,
    InvalidProxy: 400,
    InvalidProxyTest: 400,
    Unauthorized: 401,
    Forbidden: 403,  # and CsrfRequired
    TooManyAttempts: 429,
    # tasks, rules, checkout history, inbound webhooks
    TaskNotFound: 404,
    InvalidTask: 400,
    TaskBatchRejected: 400,
    InvalidTransition: 409,  # the state machine refuses (e.g. cancelling a submitted task)
    TaskBusy: 409,  # running: stop it first
    RuleNotFound: 404,
    InvalidRule: 400,
    AttemptNotFound: 404,
    InvalidHistoryQuery: 400,
    InboundChannelNotFound: 404,
    DuplicateInboundChannel: 409,
    InvalidInboundChannel: 400,
    InboundUnauthorized: 401,  # unknown channel or bad signature: no hint which
    InboundTooLarge: 413,  # before its parent below: the first matching row wins
    InvalidInboundMessage: 400,
}


class ErrorBody(BaseModel):
    error: str
    detail: str


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorBody, "description": HTTPStatus(code).phrase} for code in codes}


def status_of(exc: DomainError) -> int:
    return next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)


def _headers(exc: DomainError) -> dict[str, str] | None:
    if isinstance(exc, Unauthorized):
        return {"WWW-Authenticate": 'Bearer realm="phantom"'}
    if isinstance(exc, TooManyAttempts):
        return {"Retry-After": str(max(1, math.ceil(exc.retry_after)))}
    return None


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_request: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse(
            {"error": type(exc).__name__, "detail": str(exc)},
            status_code=status_of(exc),
            headers=_headers(exc),
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # Never echo submitted values back (FastAPI's default includes "input"): they may be secrets.
        parts = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
            parts.append(f"{loc}: {err.get('msg', 'invalid')}")
        detail = redact_card_numbers("; ".join(parts))  # a card number could still sit in a `loc` key
        return JSONResponse({"error": "ValidationError", "detail": detail}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Unknown paths (404), methods (405) and unreadable bodies (400) get the shape of every other error.
        name = HTTPStatus(exc.status_code).phrase.replace(" ", "").replace("-", "")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # Starlette names only the first route that matched the path; list every method it has.
            headers["Allow"] = ", ".join(allowed_methods(request))
        return JSONResponse(
            {"error": name, "detail": str(exc.detail)}, status_code=exc.status_code, headers=headers
        )

    @app.exception_handler(Exception)
    async def _crash(request: Request, _exc: Exception) -> JSONResponse:
        log.exception("request_crashed", method=request.method, path=request.url.path)
        return JSONResponse({"error": "InternalError", "detail": "internal error"}, status_code=500)


def allowed_methods(request: Request) -> list[str]:
    """The methods of the routes matching the path. A literal route (`/api/tasks/groups`) hides templated
    ones that also match it (`/api/tasks/{task_id}`), as in the OpenAPI schema."""
    path = request.url.path
    literal: set[str] = set()
    templated: set[str] = set()
    for ctx in iter_route_contexts(request.app.routes):
        if isinstance(ctx.original_route, APIRoute) and ctx.path_regex.match(path):
            (templated if "{" in str(ctx.path) else literal).update(ctx.methods or set())
    return sorted(literal or templated)


def document_errors(schema: dict[str, Any]) -> None:
    """Make the OpenAPI schema tell the truth about error bodies on every operation: validation errors
    are ErrorBody (not FastAPI's HTTPValidationError), a body that cannot be read at all is a 400, and every
    authenticated operation may answer 401/403.
    Runs over all routers, so a route nobody remembered to annotate is documented too."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorBody"] = ErrorBody.model_json_schema()
    ref = {"$ref": "#/components/schemas/ErrorBody"}
    body = {"application/json": {"schema": ref}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if "422" in responses:
                responses["422"] = {"description": "Validation Error", "content": body}
            if "requestBody" in operation:
                responses.setdefault("400", {"description": "Bad Request", "content": body})
            if operation.get("security"):
                responses.setdefault("401", {"description": "Unauthorized", "content": body})
                responses.setdefault("403", {"description": "Forbidden", "content": body})
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
