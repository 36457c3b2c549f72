"""The OpenAPI schema and Swagger UI, behind auth like every other route, and the schema's extras."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

from phantom.api.deps import authorize
from phantom.api.errors import document_errors
from phantom.api.live_schemas import openapi_components

router = APIRouter(dependencies=[Depends(authorize)], include_in_schema=False)


@router.get("/openapi.json", operation_id="getOpenapi")
async def openapi(request: Request) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@router.get("/docs", operation_id="getDocs")
async def docs() -> HTMLResponse:
    return get_swagger_ui_html(openapi_url="/openapi.json", title="Phantom API")


def customize_openapi(app: FastAPI) -> None:
    """Wrap app.openapi(): error bodies documented on every operation (errors.document_errors) and the
    WebSocket messages added as components, for the dashboard's generated types."""
    build = app.openapi

    def schema() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        result = build()
        document_errors(result)
        components = result.setdefault("components", {}).setdefault("schemas", {})
        for name, definition in openapi_components().items():
            components.setdefault(name, definition)
        app.openapi_schema = result
        return result

    app.openapi = schema  # type: ignore[method-assign]
