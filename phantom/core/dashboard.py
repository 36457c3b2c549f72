"""Serve the built dashboard (`frontend/dist`) from the API process, so one process serves everything.

The files answer only what no API route matched: they are the router's fallback, not a mounted route, so
API routes keep priority (a wrong method on an API path is still a 405) and the auth matrix, which walks
`app.routes`, sees no extra route. The dashboard's files are public — the login screen is one of them —
and everything they show comes from the authenticated API. GET/HEAD of a client route (`/monitors`,
`/products/a/b`) returns index.html so a reload or a shared link lands on the right screen.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

DEFAULT_DIST = Path(__file__).resolve().parents[2] / "frontend" / "dist"

# Paths the backend owns: an unknown one is a JSON 404, never the dashboard's index.html.
BACKEND_PREFIXES = ("/api/", "/api", "/ws", "/docs", "/openapi.json", "/metrics", "/health")

# Images come from the stores' CDNs; React and uPlot set inline style attributes; the feed is a WebSocket
# back to this origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' https: data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'"
)


def is_backend_path(path: str) -> bool:
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in BACKEND_PREFIXES)


def is_client_route(path: str) -> bool:
    """A screen of the single-page app: not the backend's, and no file extension in its last segment."""
    last = path.rsplit("/", 1)[-1]
    return not is_backend_path(path) and "." not in last


class DashboardFiles(StaticFiles):
    """StaticFiles with the SPA fallback and the cache and security headers a built Vite app wants."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404 or not is_client_route(scope["path"]):
                raise
            return await super().get_response("index.html", scope)

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        headers = response.headers
        headers["X-Content-Type-Options"] = "nosniff"
        if Path(full_path).parent.name == "assets":
            # Vite puts a content hash in every asset name: a changed file is a new URL.
            headers["Cache-Control"] = "public, max-age=31536000, immutable"
        else:
            headers["Cache-Control"] = "no-cache"
            headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
            headers["Referrer-Policy"] = "no-referrer"
            headers["X-Frame-Options"] = "DENY"
        return response


class DashboardFallback:
    """The router's fallback: dashboard files for GET/HEAD outside the backend's paths, else the usual 404."""

    def __init__(self, files: DashboardFiles, default: ASGIApp) -> None:
        self.files = files
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in ("GET", "HEAD")
            and not is_backend_path(scope["path"])
        ):
            await self.files(scope, receive, send)
            return
        await self.default(scope, receive, send)


def serve_dashboard(app: FastAPI, dist: Path | None = DEFAULT_DIST) -> bool:
    """Serve `dist` when it holds a built dashboard; returns whether it does."""
    if dist is None or not (dist / "index.html").is_file():
        return False
    files = DashboardFiles(directory=dist, html=True)
    app.router.default = DashboardFallback(files, app.router.default)
    return True
