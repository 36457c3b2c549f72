"""phantom.adapters.http against real sockets on 127.0.0.1 (used by every store source)."""

import asyncio
import gzip
import socket
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from phantom.adapters.http import HttpResponse, get_bytes
from phantom.domain.errors import StoreUnavailable
from tests.integration.monitors.conftest import USER_AGENT, Stub, json_reply

CAP = 64 * 1024


async def get(
    session: aiohttp.ClientSession,
    url: str,
    *,
    timeout: float = 2.0,
    **kwargs: Any,
) -> HttpResponse:
    return await get_bytes(session, url, max_bytes=CAP, timeout=timeout, **kwargs)


async def test_honest_user_agent_and_compression_headers(stub: Stub, session: aiohttp.ClientSession) -> None:
    stub.routes["/x"] = json_reply({"ok": True})
    await get(session, stub.url + "/x")
    headers = stub.log[-1][1]
    assert headers["User-Agent"] == USER_AGENT
    assert "Mozilla" not in headers["User-Agent"]
    assert headers["Accept-Encoding"] == "gzip, deflate"


async def test_response_fields(stub: Stub, session: aiohttp.ClientSession) -> None:
    headers = {"ETag": '"e1"', "Last-Modified": "Thu, 01 Jan 2026 12:00:00 GMT", "X-Other": "dropped"}
    stub.routes["/x"] = json_reply({"ok": True}, headers=headers)
    resp = await get(session, stub.url + "/x", headers={"If-None-Match": '"e0"'})
    assert resp.status == 200
    assert resp.body == b'{"ok":true}'
    assert resp.headers["etag"] == '"e1"'
    assert resp.headers["last-modified"] == "Thu, 01 Jan 2026 12:00:00 GMT"
    assert resp.content_type is not None
    assert resp.content_type.startswith("application/json")
    assert "x-other" not in resp.headers
    assert resp.url == stub.url + "/x"
    assert resp.elapsed_ms > 0
    assert stub.log[-1][1]["If-None-Match"] == '"e0"'


async def test_redirect_not_followed_when_asked(stub: Stub, session: aiohttp.ClientSession) -> None:
    async def moved(request: web.Request) -> web.StreamResponse:
        return web.Response(status=302, headers={"Location": "/password"})

    stub.routes["/x"] = moved
    resp = await get(session, stub.url + "/x", allow_redirects=False)
    assert resp.status == 302
    assert resp.location == "/password"


async def test_gzip_is_decoded(stub: Stub, session: aiohttp.ClientSession) -> None:
    payload = b'{"products": []}' * 100

    async def zipped(request: web.Request) -> web.StreamResponse:
        return web.Response(body=gzip.compress(payload), headers={"Content-Encoding": "gzip"})

    stub.routes["/x"] = zipped
    assert (await get(session, stub.url + "/x")).body == payload


async def test_declared_length_over_the_cap(stub: Stub, session: aiohttp.ClientSession) -> None:
    stub.routes["/x"] = json_reply(b"[" + b"1," * CAP + b"1]")
    with pytest.raises(StoreUnavailable, match=f"body larger than {CAP} bytes"):
        await get(session, stub.url + "/x")


async def test_chunked_body_over_the_cap_is_cut_off(stub: Stub, session: aiohttp.ClientSession) -> None:
    async def endless(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse()
        resp.enable_chunked_encoding()
        await resp.prepare(request)
        for _ in range(64):  # 1 MiB in total, far beyond the cap
            await resp.write(b"x" * 16384)
        await resp.write_eof()
        return resp

    stub.routes["/x"] = endless
    with pytest.raises(StoreUnavailable, match="body larger than"):
        await get(session, stub.url + "/x")


async def test_gzip_bomb_is_capped_on_the_decoded_size(stub: Stub, session: aiohttp.ClientSession) -> None:
    bomb = gzip.compress(b"\0" * (4 * CAP))

    async def zipped(request: web.Request) -> web.StreamResponse:
        return web.Response(body=bomb, headers={"Content-Encoding": "gzip"})

    stub.routes["/x"] = zipped
    assert len(bomb) < CAP
    with pytest.raises(StoreUnavailable, match="body larger than"):
        await get(session, stub.url + "/x")


async def test_timeout(stub: Stub, session: aiohttp.ClientSession) -> None:
    async def slow(request: web.Request) -> web.StreamResponse:
        await asyncio.sleep(1.0)
        return web.Response(text="late")

    stub.routes["/x"] = slow
    with pytest.raises(StoreUnavailable, match="timeout"):
        await get(session, stub.url + "/x", timeout=0.2)


async def test_connection_refused(session: aiohttp.ClientSession) -> None:
    with socket.socket() as s:  # a port that was free a moment ago and has no listener now
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(StoreUnavailable, match="connection refused"):
        await get(session, f"http://127.0.0.1:{port}/x")


async def test_truncated_body(stub: Stub, session: aiohttp.ClientSession) -> None:
    async def cut(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Type": "application/json"})
        resp.content_length = 1000
        resp.force_close()
        await resp.prepare(request)
        await resp.write(b'{"products": [')
        assert request.transport is not None
        request.transport.close()
        return resp

    stub.routes["/x"] = cut
    with pytest.raises(StoreUnavailable) as info:
        await get(session, stub.url + "/x")
    assert str(info.value) == "truncated body"


async def test_invalid_url(session: aiohttp.ClientSession) -> None:
    with pytest.raises(StoreUnavailable, match="invalid"):
        await get(session, "not a url")
