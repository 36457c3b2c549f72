"""The built dashboard served by the API process: SPA fallback, API priority, headers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from phantom.api.errors import install_error_handlers
from phantom.core.app import create_app
from phantom.core.dashboard import is_client_route, serve_dashboard
from phantom.core.settings import DatabaseSettings, Settings

INDEX = "<!doctype html><title>Phantom</title><div id=root></div>"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log('phantom')")
    (tmp_path / "favicon.svg").write_text("<svg/>")
    return tmp_path


def small_app(dist: Path | None) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    router = APIRouter(prefix="/api/things")

    @router.get("")
    async def list_things() -> list[str]:
        return ["a"]

    app.include_router(router)
    serve_dashboard(app, dist)
    return app


@pytest.fixture
async def client(dist: Path) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=small_app(dist))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
        yield c


class TestClientRoutes:
    @pytest.mark.parametrize("path", ["/", "/monitors", "/products/store-1/123", "/events?kind=restock"])
    async def test_screens_get_index_html(self, client: httpx.AsyncClient, path: str) -> None:
        r = await client.get(path)
        assert r.status_code == 200
        assert r.text == INDEX
        assert r.headers["cache-control"] == "no-cache"
        assert "default-src 'self'" in r.headers["content-security-policy"]

    async def test_hashed_assets_are_cached_for_good(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/assets/index-abc123.js")
        assert r.status_code == 200
        assert "immutable" in r.headers["cache-control"]
        assert r.headers["x-content-type-options"] == "nosniff"

    async def test_root_files_are_served(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/favicon.svg")
        assert r.status_code == 200
        assert r.text == "<svg/>"

    async def test_a_missing_asset_is_a_404_not_the_index(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/assets/gone-000.js")
        assert r.status_code == 404
        assert r.json()["error"] == "NotFound"

    async def test_path_traversal_stays_inside_dist(self, client: httpx.AsyncClient, dist: Path) -> None:
        (dist.parent / "secret.txt").write_text("top secret")
        r = await client.get("/..%2fsecret.txt")
        assert "top secret" not in r.text


class TestApiKeepsPriority:
    async def test_api_routes_answer_first(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/api/things")
        assert r.json() == ["a"]

    @pytest.mark.parametrize("path", ["/api/nothing", "/api", "/ws/x", "/metrics/x", "/docs/x"])
    async def test_unknown_backend_paths_are_json_404s(self, client: httpx.AsyncClient, path: str) -> None:
        r = await client.get(path)
        assert r.status_code == 404
        assert r.json()["error"] == "NotFound"

    async def test_wrong_method_on_an_api_path_is_still_405(self, client: httpx.AsyncClient) -> None:
        r = await client.patch("/api/things")
        assert r.status_code == 405

    async def test_posting_to_a_screen_is_not_served(self, client: httpx.AsyncClient) -> None:
        r = await client.post("/monitors")
        assert r.status_code == 404


class TestWhenNotBuilt:
    async def test_no_dist_means_api_only(self, tmp_path: Path) -> None:
        app = small_app(tmp_path / "missing")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            r = await c.get("/")
        assert r.status_code == 404

    def test_create_app_adds_no_route_for_the_dashboard(self, dist: Path, tmp_path: Path) -> None:
        settings = Settings(database=DatabaseSettings(url=f"sqlite+aiosqlite:///{tmp_path}/p.db"))
        with_ui = create_app(settings, dashboard_dir=dist)
        without = create_app(settings, dashboard_dir=None)
        assert [type(r) for r in with_ui.routes] == [type(r) for r in without.routes]
        assert with_ui.router.default is not without.router.default


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", True),
        ("/monitors", True),
        ("/products/a/b", True),
        ("/app.js", False),
        ("/api/x", False),
        ("/ws", False),
    ],
)
def test_is_client_route(path: str, expected: bool) -> None:
    assert is_client_route(path) is expected
