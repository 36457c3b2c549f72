"""The auth matrix over real HTTP: every route the app has (found by enumerating app.routes, so a new route
without auth fails here) x {no credentials, wrong token, malformed header, cookie without CSRF, valid}.

The only routes that may answer without credentials are listed in PUBLIC (and StaticFiles mounts: the
dashboard's own files). Also: the WebSocket handshake, CORS, the login throttle and readable operationIds.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, APIWebSocketRoute, iter_route_contexts
from starlette.routing import Mount, WebSocketRoute
from starlette.staticfiles import StaticFiles

from phantom.api.deps import CSRF_HEADER
from tests.e2e.served import Served, login, offline_settings, serve

pytestmark = pytest.mark.asyncio

# The inbound webhook takes no token or session: external monitors cannot hold one. It authenticates every
# request itself with an HMAC-SHA256 signature of the body under the channel's secret (plus a timestamp
# against replays) and answers 401 to anything else (test_inbound_webhook.py checks it in depth).
INBOUND_WEBHOOK = ("POST", "/api/webhooks/inbound/{channel}")
PUBLIC = {("GET", "/health"), ("POST", "/api/auth/login"), INBOUND_WEBHOOK}
DEV_ORIGIN = "http://127.0.0.1:5173"
WRONG = "phx_" + "W" * 43
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def fill(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "dummy-id", path)


def http_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every HTTP route, included routers flattened; fails on route types this test does
    not know how to check."""
    found = []
    for ctx in iter_route_contexts(app.routes):
        route = ctx.original_route
        if isinstance(route, APIRoute):
            found += [(m, str(ctx.path)) for m in sorted((ctx.methods or set()) - {"HEAD"})]
        elif isinstance(route, APIWebSocketRoute | WebSocketRoute):
            continue
        elif isinstance(route, Mount) and isinstance(route.app, StaticFiles):
            continue  # the built dashboard: public by design
        else:
            raise AssertionError(f"unknown route type {type(route).__name__} at {ctx.path}")
    return found


def ws_routes(app: FastAPI) -> list[str]:
    return [
        str(ctx.path)
        for ctx in iter_route_contexts(app.routes)
        if isinstance(ctx.original_route, APIWebSocketRoute | WebSocketRoute)
    ]


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    async with serve(offline_settings(tmp_path / "m.db", allowed_origins=[DEV_ORIGIN])) as s:
        yield s


async def status_of(
    http: aiohttp.ClientSession, served: Served, method: str, path: str, headers: dict[str, str]
) -> int:
    body = {} if method in STATE_CHANGING else None
    async with http.request(method, served.url + fill(path), headers=headers, json=body) as r:
        await r.read()
        return r.status


class TestHttpMatrix:
    async def test_every_route_refuses_without_valid_credentials(self, served: Served) -> None:
        routes = http_routes(served.app)
        protected = [(m, p) for m, p in routes if (m, p) not in PUBLIC]
        assert len(protected) >= 20 and set(PUBLIC) <= set(routes)
        rows = []
        async with aiohttp.ClientSession() as http:
            for method, path in protected:
                session = await login(http, served)
                cases = {
                    "none": await status_of(http, served, method, path, {}),
                    "wrong": await status_of(
                        http, served, method, path, {"Authorization": f"Bearer {WRONG}"}
                    ),
                    "basic": await status_of(http, served, method, path, {"Authorization": "Basic YTpi"}),
                    "bearer": await status_of(http, served, method, path, served.bearer),
                }
                if method in STATE_CHANGING:
                    cases["cookie"] = await status_of(http, served, method, path, session.cookie)
                    cases["bad_csrf"] = await status_of(
                        http, served, method, path, {**session.cookie, CSRF_HEADER: "nope"}
                    )
                cases["cookie_csrf"] = await status_of(http, served, method, path, session.cookie_and_csrf)
                rows.append((method, path, cases))
        print("\nauth matrix (status per case):")
        for method, path, cases in rows:
            print(f"  {method:6} {path:45} " + " ".join(f"{k}={v}" for k, v in cases.items()))
        for method, path, cases in rows:
            where = f"{method} {path}"
            assert cases["none"] == 401, f"{where} answered {cases['none']} without credentials"
            assert cases["wrong"] == 401, f"{where} accepted a wrong token"
            assert cases["basic"] == 401, f"{where} accepted a malformed Authorization header"
            if method in STATE_CHANGING:
                assert cases["cookie"] == 403, f"{where} accepted a cookie without CSRF header"
                assert cases["bad_csrf"] == 403, f"{where} accepted a wrong CSRF header"
            assert cases["bearer"] not in (401, 403), f"{where} refused the valid token"
            assert cases["cookie_csrf"] not in (401, 403), f"{where} refused a valid session"
        print(f"  {len(rows)} protected routes checked; public: {sorted(PUBLIC)}")

    async def test_refusals_have_the_error_body(self, served: Served) -> None:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{served.url}/api/stores") as r:
                assert r.status == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
                assert (await r.json())["error"] == "Unauthorized"
            session = await login(http, served)
            async with http.post(f"{served.url}/api/auth/logout", headers=session.cookie) as r:
                assert r.status == 403 and (await r.json())["error"] == "CsrfRequired"

    async def test_public_routes_answer_without_credentials(self, served: Served) -> None:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{served.url}/health") as r:
                assert r.status == 200
            async with http.post(f"{served.url}/api/auth/login", json={"token": WRONG}) as r:
                assert r.status == 401
            # Public, but not open: unsigned (even with the admin token) is refused like a wrong token.
            for headers in ({}, served.bearer):
                async with http.post(
                    served.url + fill(INBOUND_WEBHOOK[1]), json={"title": "x"}, headers=headers
                ) as r:
                    assert r.status == 401 and (await r.json())["error"] == "InboundUnauthorized"

    async def test_operation_ids_are_camel_case(self, served: Served) -> None:
        ids = [
            ctx.operation_id
            for ctx in iter_route_contexts(served.app.routes)
            if isinstance(ctx.original_route, APIRoute)
        ]
        assert len(ids) >= 20
        assert all(i and re.fullmatch(r"[a-z][A-Za-z]+", i) for i in ids), ids


class TestSessionLifecycle:
    async def test_login_cookie_flags_logout_and_rotate(self, served: Served) -> None:
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{served.url}/api/auth/login", json={"token": served.token}) as r:
                assert r.status == 200
                cookies = r.headers.getall("Set-Cookie")
                csrf = (await r.json())["csrf_token"]
            session_cookie = next(c for c in cookies if c.startswith("phantom_session="))
            csrf_cookie = next(c for c in cookies if c.startswith("phantom_csrf="))
            assert "HttpOnly" in session_cookie and "SameSite=strict" in session_cookie
            assert "Path=/" in session_cookie and "Secure" not in session_cookie  # plain http here
            assert "HttpOnly" not in csrf_cookie and csrf in csrf_cookie
            sid = session_cookie.split(";", 1)[0].split("=", 1)[1]
            cookie = {"Cookie": f"phantom_session={sid}"}
            async with http.get(f"{served.url}/api/auth/me", headers=cookie) as r:
                me = await r.json()
                assert me["kind"] == "session" and me["csrf_token"] == csrf and me["expires_at"]
            async with http.post(f"{served.url}/api/auth/logout", headers={**cookie, CSRF_HEADER: csrf}) as r:
                assert r.status == 204
            async with http.get(f"{served.url}/api/auth/me", headers=cookie) as r:
                assert r.status == 401, "the session ended"

            other = await login(http, served)
            async with http.post(
                f"{served.url}/api/auth/rotate", headers=served.bearer, json={"token": WRONG}
            ) as r:
                assert r.status == 401
            async with http.post(
                f"{served.url}/api/auth/rotate", headers=served.bearer, json={"token": served.token}
            ) as r:
                assert r.status == 200
                new = (await r.json())["token"]
            async with http.get(f"{served.url}/api/stores", headers=served.bearer) as r:
                assert r.status == 401, "the old token is dead"
            async with http.get(f"{served.url}/api/stores", headers=other.cookie) as r:
                assert r.status == 401, "rotation ended every session"
            async with http.get(f"{served.url}/api/stores", headers={"Authorization": f"Bearer {new}"}) as r:
                assert r.status == 200


class TestLoginThrottle:
    async def test_five_failures_then_429_with_retry_after(self, served: Served) -> None:
        async with aiohttp.ClientSession() as http:
            statuses = []
            for _ in range(5):
                async with http.post(f"{served.url}/api/auth/login", json={"token": WRONG}) as r:
                    statuses.append(r.status)
            assert statuses == [401] * 5
            async with http.post(f"{served.url}/api/auth/login", json={"token": served.token}) as r:
                assert r.status == 429, "locked out: even the right token waits"
                assert r.headers["Retry-After"] == "60"
                assert (await r.json())["error"] == "TooManyAttempts"
            async with http.get(f"{served.url}/api/stores", headers=served.bearer) as r:
                assert r.status == 200, "API clients with the token are not locked out"


class TestWebSocketHandshake:
    async def handshake(self, served: Served, headers: dict[str, str]) -> int:
        async with aiohttp.ClientSession() as http:
            try:
                async with http.ws_connect(
                    served.ws_url, headers=headers, timeout=aiohttp.ClientWSTimeout(ws_close=2)
                ) as ws:
                    await ws.close()
                    return 101
            except aiohttp.WSServerHandshakeError as exc:
                return exc.status

    async def test_every_websocket_route_is_guarded(self, served: Served) -> None:
        paths = ws_routes(served.app)
        assert paths == ["/ws"], "a new WebSocket route needs its own cases here"
        async with aiohttp.ClientSession() as http:
            session = await login(http, served)
        own = {"Origin": served.url}
        cases = {
            "none": await self.handshake(served, {}),
            "wrong": await self.handshake(served, {"Authorization": f"Bearer {WRONG}"}),
            "bad_cookie": await self.handshake(served, {"Cookie": "phantom_session=nope", **own}),
            "foreign_origin": await self.handshake(
                served, {**session.cookie, "Origin": "https://evil.example"}
            ),
            "foreign_port": await self.handshake(served, {**served.bearer, "Origin": "http://127.0.0.1:1"}),
            "bearer": await self.handshake(served, served.bearer),
            "cookie_own_origin": await self.handshake(served, {**session.cookie, **own}),
            "cookie_dev_origin": await self.handshake(served, {**session.cookie, "Origin": DEV_ORIGIN}),
        }
        print("\n/ws handshake:", " ".join(f"{k}={v}" for k, v in cases.items()))
        refused = ("none", "wrong", "bad_cookie", "foreign_origin", "foreign_port")
        assert all(cases[k] == 403 for k in refused), cases
        assert all(cases[k] == 101 for k in ("bearer", "cookie_own_origin", "cookie_dev_origin")), cases


class TestCors:
    async def preflight(self, served: Served, origin: str) -> aiohttp.ClientResponse:
        async with (
            aiohttp.ClientSession() as http,
            http.options(
                f"{served.url}/api/stores",
                headers={
                    "Origin": origin,
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "content-type,x-csrf-token",
                },
            ) as r,
        ):
            await r.read()
            return r

    async def test_only_the_configured_origin_is_allowed(self, served: Served) -> None:
        ok = await self.preflight(served, DEV_ORIGIN)
        assert ok.status == 200 and ok.headers["Access-Control-Allow-Origin"] == DEV_ORIGIN
        assert ok.headers["Access-Control-Allow-Credentials"] == "true"
        bad = await self.preflight(served, "https://evil.example")
        assert "Access-Control-Allow-Origin" not in bad.headers

    async def test_same_origin_only_by_default(self, tmp_path: Path) -> None:
        async with serve(offline_settings(tmp_path / "d.db")) as plain:
            response = await self.preflight(plain, DEV_ORIGIN)
            assert "Access-Control-Allow-Origin" not in response.headers
