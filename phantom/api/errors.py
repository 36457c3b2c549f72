"""The one table from domain errors to HTTP status, and the error body every route shares."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from phantom.domain.errors import (
    ChannelNotFound,
    DomainError,
    DuplicateStore,
    InvalidChannel,
    InvalidStore,
    StoreNotFound,
)

STATUS: dict[type[DomainError], int] = {
    StoreNotFound: 404,
    ChannelNotFound: 404,
    DuplicateStore: 409,
    InvalidStore: 400,
    InvalidChannel: 400,
}


class ErrorBody(BaseModel):
    error: str
    detail: str


def error_responses(*codes: int) -> dict[int | str, dict[str, object]]:
    return {code: {"model": ErrorBody} for code in codes}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_request: Request, exc: DomainError) -> JSONResponse:
        status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
        return JSONResponse({"error": type(exc).__name__, "detail": str(exc)}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        # Never echo submitted values back (FastAPI's default includes "input"): they may be secrets.
        parts = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
            parts.append(f"{loc}: {err.get('msg', 'invalid')}")
        return JSONResponse({"error": "ValidationError", "detail": "; ".join(parts)}, status_code=422)
