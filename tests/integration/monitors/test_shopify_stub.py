"""ShopifySource edge cases the sim does not model, against a programmable stub on 127.0.0.1."""

import aiohttp
import pytest
from aiohttp import web

from phantom.domain.errors import StoreBlocked, StoreUnavailable
from phantom.domain.models import Platform
from phantom.domain.ports import SourceCache
from phantom.domain.stores import Store
from phantom.monitors.shopify import ShopifySource
from tests.integration.monitors.conftest import Stub, html_reply, json_reply
from tests.unit.monitors.fixtures import ATMOS_AF1, KITH_WALLABEE, big_page, dumps, loaded

PASSWORD_HTML = """<!doctype html><html><body><div class="password-page">
<form method="post" action="/password" id="login_form" accept-charset="UTF-8">
<input type="hidden" name="form_type" value="storefront_password"><input type="password" name="password">
</form></div></body></html>"""


def page_url(n: int, limit: int = 2) -> str:
    return f"/products.json?limit={limit}&page={n}"


@pytest.fixture
def source(session: aiohttp.ClientSession) -> ShopifySource:
    return ShopifySource(session, max_body_bytes=1024 * 1024, timeout=5.0, page_size=2)


def store(stub: Stub) -> Store:
    return Store(id="stub", url=stub.url, platform=Platform.SHOPIFY)


def two_pages(stub: Stub) -> None:
    products = big_page(3)
    stub.routes[page_url(1)] = json_reply({"products": products[:2]})
    stub.routes[page_url(2)] = json_reply({"products": products[2:]})


async def test_identical_bytes_without_validators_are_a_hash_skip(stub, source):
    two_pages(stub)
    cache = SourceCache()
    first = await source.fetch(store(stub), cache)
    assert first.snapshot is not None
    assert len(first.snapshot.products) == 3
    again = await source.fetch(store(stub), cache)
    assert again.snapshot is None
    assert again.hash_skip
    assert not again.not_modified
    assert again.requests == 2


async def test_products_seen_on_two_pages_are_counted_once(stub, source):
    products = big_page(3)
    stub.routes[page_url(1)] = json_reply({"products": products[:2]})
    stub.routes[page_url(2)] = json_reply({"products": products[1:3]})  # the catalogue shifted by one
    stub.routes[page_url(3)] = json_reply({"products": []})
    result = await source.fetch(store(stub), SourceCache())
    assert result.snapshot is not None
    assert sorted(result.snapshot.products) == sorted(str(p["id"]) for p in products)
    assert result.requests == 3


async def test_failure_on_page_two_does_not_commit_page_one(stub, source):
    two_pages(stub)
    cache = SourceCache()
    await source.fetch(store(stub), cache)
    saved = dict(cache.pages)
    changed = big_page(3)
    changed[0]["title"] = "Changed"
    stub.routes[page_url(1)] = json_reply({"products": changed[:2]})
    stub.routes[page_url(2)] = html_reply("<h1>502 Bad Gateway</h1>", 502)
    with pytest.raises(StoreUnavailable, match="server error"):
        await source.fetch(store(stub), cache)
    assert cache.pages == saved
    stub.routes[page_url(2)] = json_reply({"products": changed[2:]})
    result = await source.fetch(store(stub), cache)
    assert result.snapshot is not None
    assert result.snapshot.products[str(changed[0]["id"])].title == "Changed"


async def test_html_password_page_is_locked(stub, source):
    stub.routes[page_url(1)] = html_reply(PASSWORD_HTML)
    result = await source.fetch(store(stub), SourceCache())
    assert result.snapshot is not None
    assert result.snapshot.password_locked


async def test_redirect_to_the_primary_domain_is_followed_by_hand(stub, source):
    async def moved(request: web.Request) -> web.StreamResponse:
        return web.Response(status=301, headers={"Location": f"/en{request.path_qs}"})

    stub.routes[page_url(1)] = moved
    stub.routes["/en" + page_url(1)] = json_reply({"products": loaded(ATMOS_AF1)["products"]})
    result = await source.fetch(store(stub), SourceCache())
    assert result.snapshot is not None
    assert list(result.snapshot.products) == ["7154838700084"]
    assert result.requests == 2


@pytest.mark.parametrize(("location", "reason"), [("/throttle/queue", "queue"), ("/checkpoint", "captcha")])
async def test_redirect_to_a_queue_or_checkpoint_is_blocked(stub, source, location, reason):
    async def away(request: web.Request) -> web.StreamResponse:
        return web.Response(status=302, headers={"Location": location})

    stub.routes[page_url(1)] = away
    with pytest.raises(StoreBlocked) as info:
        await source.fetch(store(stub), SourceCache())
    assert info.value.reason == reason


async def test_redirect_loop_gives_up(stub, source):
    async def loop(request: web.Request) -> web.StreamResponse:
        return web.Response(status=302, headers={"Location": page_url(1)})

    stub.routes[page_url(1)] = loop
    with pytest.raises(StoreUnavailable, match="too many redirects"):
        await source.fetch(store(stub), SourceCache())


async def test_html_that_is_not_a_known_page_is_malformed(stub, source):
    stub.routes[page_url(1)] = html_reply("<html><body>Welcome to our shop</body></html>")
    with pytest.raises(StoreUnavailable, match=r"malformed products\.json: not JSON"):
        await source.fetch(store(stub), SourceCache())


@pytest.mark.parametrize("content_type", ["application/octet-stream", "text/plain"])
async def test_json_under_another_content_type_is_still_parsed(stub, source, content_type):
    body = dumps({"products": loaded(KITH_WALLABEE)["products"]})

    async def bare(request: web.Request) -> web.StreamResponse:
        resp = web.Response(body=body)
        resp.content_type = content_type
        return resp

    stub.routes[page_url(1)] = bare
    result = await source.fetch(store(stub), SourceCache())
    assert result.snapshot is not None
    assert list(result.snapshot.products) == ["9214503815"]
