"""Storefront and webhook-sink routes. Hot path: no logging, cached bytes, cheap 304s."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime

import orjson
from aiohttp import web

from phantom.sim import pages
from phantom.sim.errors import SimError
from phantom.sim.faults import HTML, JSON, fault_response
from phantom.sim.footsites import FlStore
from phantom.sim.shopify import DEFAULT_LIMIT, MAX_LIMIT, PageRef, Rendered, ShopStore, product_dict
from phantom.sim.state import SimState

STATE = web.AppKey("sim_state", SimState)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class ShopCtx:
    request: web.Request
    state: SimState
    store: ShopStore
    check: bool  # honour conditional headers (False when a fault needs the full body)


@dataclass(frozen=True, slots=True)
class FlCtx:
    request: web.Request
    state: SimState
    store: FlStore
    check: bool


ShopFn = Callable[[ShopCtx], web.Response]
AsyncShopFn = Callable[[ShopCtx], Awaitable[web.Response]]
FlFn = Callable[[FlCtx], web.Response]


@functools.lru_cache(maxsize=8192)
def http_date(ts: int) -> str:
    return formatdate(ts, usegmt=True)


def _etag_matches(header: str, etag: str) -> bool:
    if header == etag or header.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(","))


def _not_modified_since(header: str, last_modified: int) -> bool:
    try:
        return last_modified <= parsedate_to_datetime(header).timestamp()
    except (TypeError, ValueError):
        return False


def conditional(request: web.Request, r: Rendered | PageRef, last_modified: int, check: bool) -> web.Response:
    """200 with the cached bytes, or 304 when If-None-Match (or, without it, If-Modified-Since) matches."""
    headers = {"ETag": r.etag, "Last-Modified": http_date(last_modified)}
    if check:
        inm = request.headers.get("If-None-Match")
        if inm is not None:
            if _etag_matches(inm, r.etag):
                return web.Response(status=304, headers=headers)
        else:
            ims = request.headers.get("If-Modified-Since")
            if ims is not None and _not_modified_since(ims, last_modified):
                return web.Response(status=304, headers=headers)
    headers["Content-Type"] = JSON
    return web.Response(body=r.body, headers=headers)


def error_json(status: int, message: str) -> web.Response:
    return web.Response(status=status, body=orjson.dumps({"errors": message}), headers={"Content-Type": JSON})


def html(text: str, status: int = 200) -> web.Response:
    return web.Response(status=status, body=text.encode(), headers={"Content-Type": HTML})


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# -- Shopify ---------------------------------------------------------------------------------------


def shop_route(fn: ShopFn, *, gated: bool = True) -> Handler:
    """Wrap a storefront handler: store lookup, fault modes, password gate, request log."""

    async def run(c: ShopCtx) -> web.Response:
        try:
            return fn(c)
        except SimError as exc:
            return error_json(exc.status, exc.message)

    return shop_handler(run, lambda c: _body(fn(c)), gated=gated)


def shop_handler(run: AsyncShopFn, full_body: Callable[[ShopCtx], bytes], *, gated: bool = True) -> Handler:
    """`shop_route` for an async handler; `full_body` gives the bytes a `truncated` fault cuts in half."""

    async def handler(request: web.Request) -> web.StreamResponse:
        state = request.app[STATE]
        store = state.shops.get(request.match_info["name"])
        if store is None:
            return error_json(404, "Not Found")
        resp = await _shop_guarded(request, state, store, run, full_body, gated)
        state.log_request(store.name, request.path_qs, resp.status, resp.headers.get("Retry-After"))
        return resp

    return handler


async def _shop_guarded(
    request: web.Request,
    state: SimState,
    store: ShopStore,
    run: AsyncShopFn,
    full_body: Callable[[ShopCtx], bytes],
    gated: bool,
) -> web.StreamResponse:
    def ctx(check: bool) -> ShopCtx:
        return ShopCtx(request, state, store, check)

    hit = store.fault.take()
    if hit is not None:
        if hit.mode != "slow":
            return await fault_response(request, hit, "shopify", store.name, lambda: full_body(ctx(False)))
        await asyncio.sleep(hit.delay)
    if gated and store.password:
        return web.Response(status=302, headers={"Location": f"/shop/{store.name}/password"})
    return await run(ctx(True))


def _body(resp: web.Response) -> bytes:
    return resp.body if isinstance(resp.body, bytes) else b""


def products_json(c: ShopCtx) -> web.Response:
    request, store = c.request, c.store
    query = request.query
    limit = min(max(_int(query.get("limit"), DEFAULT_LIMIT), 1), MAX_LIMIT)
    page = max(_int(query.get("page"), 1), 1)
    if store.churn and page == 1:
        c.state.churn_tick(store, limit)
    return conditional(request, store.page(limit, page), store.last_modified, c.check)


def product_resource(c: ShopCtx) -> web.Response:
    request, store, check = c.request, c.store, c.check
    slug = request.match_info["slug"]
    prefix = f"/shop/{store.name}"
    if slug.endswith(".js"):
        return conditional(request, store.js(slug.removesuffix(".js"), prefix), store.last_modified, check)
    if slug.endswith(".json"):
        body = orjson.dumps({"product": product_dict(store.get(slug.removesuffix(".json")))})
        return web.Response(body=body, headers={"Content-Type": JSON})
    p = store.get(slug)
    sizes = list(zip(p.variant_ids, p.sizes, p.available, strict=True))
    return html(pages.shop_product(store.name, p.title, p.handle, p.price, sizes))


def password_page(c: ShopCtx) -> web.Response:
    return html(pages.shop_password(c.store.name))


def shop_home(c: ShopCtx) -> web.Response:
    store = c.store
    items = "".join(
        f'<li><a href="/shop/{store.name}/products/{p.handle}">{p.title}</a></li>'
        for p in store.products[:24]
    )
    return html(
        f"<!doctype html><html><head><title>{store.name}</title></head><body><ul>{items}</ul></body></html>"
    )


# -- Footsites -------------------------------------------------------------------------------------


def fl_route(fn: FlFn) -> Handler:
    async def handler(request: web.Request) -> web.StreamResponse:
        state = request.app[STATE]
        store = state.fls.get(request.match_info["name"])
        if store is None:
            return error_json(404, "Not Found")
        resp = await _fl_guarded(request, state, store, fn)
        state.log_request(store.name, request.path_qs, resp.status, resp.headers.get("Retry-After"))
        return resp

    return handler


async def _fl_guarded(request: web.Request, state: SimState, store: FlStore, fn: FlFn) -> web.StreamResponse:
    def ctx(check: bool) -> FlCtx:
        return FlCtx(request, state, store, check)

    hit = store.fault.take()
    if hit is not None:
        if hit.mode != "slow":
            return await fault_response(request, hit, "footsites", store.name, lambda: _body(fn(ctx(False))))
        await asyncio.sleep(hit.delay)
    try:
        return fn(ctx(True))
    except SimError as exc:
        body = {"errors": [{"type": "UnknownIdentifierError", "message": exc.message}]}
        return web.Response(status=exc.status, body=orjson.dumps(body), headers={"Content-Type": JSON})


def fl_legacy(c: FlCtx) -> web.Response:
    return conditional(c.request, c.store.legacy(c.request.match_info["sku"]), c.store.last_modified, c.check)


def fl_core(c: FlCtx) -> web.Response:
    return conditional(c.request, c.store.core(c.request.match_info["sku"]), c.store.last_modified, c.check)


def fl_page(c: FlCtx) -> web.Response:
    sku = c.request.match_info["file"].removesuffix(".html")
    m, st = c.store.get(sku)
    return html(
        pages.fl_product(c.store.name, m.name, sku, [(f"{u.size:.1f}", u.in_stock) for u in st.sizes])
    )


# -- Webhook sink ----------------------------------------------------------------------------------


async def sink_webhook(request: web.Request) -> web.StreamResponse:
    sink = request.app[STATE].sink(request.match_info["name"])
    reply = sink.post(await request.read(), dict(request.query), request.path_qs)
    return await _reply(reply.status, reply.body, reply.headers, reply.delay)


async def sink_raw(request: web.Request) -> web.StreamResponse:
    sink = request.app[STATE].sink(request.match_info["name"])
    reply = sink.post_raw(await request.read(), dict(request.query), request.path_qs)
    return await _reply(reply.status, reply.body, reply.headers, reply.delay)


async def _reply(status: int, body: bytes, headers: dict[str, str], delay: float) -> web.Response:
    if delay:
        await asyncio.sleep(delay)
    return web.Response(status=status, body=body or None, headers=headers)


def add_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/shop/{name}/products.json", shop_route(products_json))
    r.add_get("/shop/{name}/products/{slug}", shop_route(product_resource))
    r.add_get("/shop/{name}/password", shop_route(password_page, gated=False))
    r.add_get("/shop/{name}", shop_route(shop_home))
    r.add_get("/shop/{name}/", shop_route(shop_home))
    r.add_get("/fl/{name}/api/products/pdp/{sku}", fl_route(fl_legacy))
    r.add_get("/fl/{name}/zgw/product-core/v1/pdp/sku/{sku}", fl_route(fl_core))
    r.add_get("/fl/{name}/product/{slug}/{file}", fl_route(fl_page))
    r.add_post("/sink/{name}/webhooks/{id}/{token}", sink_webhook)
    r.add_post("/sink/{name}/raw", sink_raw)
