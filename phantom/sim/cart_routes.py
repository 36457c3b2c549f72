"""Shared plumbing of the checkout routes (redirects, error pages, step delay) and the cart routes:
permalink, AJAX cart (`add.js`, `cart.js`, `update.js`, `clear.js`), cart page and cart -> checkout.

The contract (URLs, field names, ids, control endpoints) is documented in `phantom.sim.checkout`.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import orjson
from aiohttp import web

from phantom.sim import checkout_pages as ui
from phantom.sim.cart import Cart, CartError, LineItem, merge_lines, resolve_line
from phantom.sim.checkout import ADDRESS_FIELDS, ShopCheckouts
from phantom.sim.errors import SimError
from phantom.sim.faults import HTML, JSON
from phantom.sim.routes import AsyncShopFn, Handler, ShopCtx, html, shop_handler

CART_COOKIE = "cart"
_ADDRESS_KEY = re.compile(r"^checkout\[shipping_address\]\[(\w+)\]$")
_ATTRIBUTE_KEY = re.compile(r"^attributes\[(.+)\]$")
_PROPERTY_KEY = re.compile(r"^properties\[(.+)\]$")
_TRUNCATED = b"<!doctype html><html><body><main class='checkout'><h1>Checkout</h1></main></body></html>"


def shop_book(c: ShopCtx) -> ShopCheckouts:
    return c.state.checkout_book(c.store.name)


def prefix(c: ShopCtx) -> str:
    return f"/shop/{c.store.name}"


def checkout_url(c: ShopCtx, token: str, suffix: str = "") -> str:
    return f"{prefix(c)}/checkouts/{token}{suffix}"


def step_url(c: ShopCtx, token: str, step: str) -> str:
    return checkout_url(c, token, f"?step={step}")


def redirect(location: str) -> web.Response:
    body = ui.redirect_body(location).encode()
    return web.Response(status=302, body=body, headers={"Location": location, "Content-Type": HTML})


def checkpoint_redirect(c: ShopCtx, return_to: str) -> web.Response:
    return redirect(f"{prefix(c)}/checkpoint?return_to={quote(return_to, safe='')}")


def _json(payload: Any, status: int = 200) -> web.Response:
    return web.Response(status=status, body=orjson.dumps(payload), headers={"Content-Type": JSON})


# -- wrappers --------------------------------------------------------------------------------------


def _wrap(fn: AsyncShopFn, on_error: Callable[[ShopCtx, SimError], web.Response], *, step: bool) -> Handler:
    """Storefront handler whose SimErrors become pages; a checkout `step` answers after the shop's step delay."""

    async def run(c: ShopCtx) -> web.Response:
        try:
            resp = await fn(c)
        except SimError as exc:
            resp = on_error(c, exc)
        delay = shop_book(c).options.step_delay_ms if step else 0
        if delay:
            # The step's work is already done: a client killed now finds it landed when it reconciles.
            await asyncio.sleep(delay / 1000)
        return resp

    return shop_handler(run, lambda _: _TRUNCATED)


def _html_error(c: ShopCtx, exc: SimError) -> web.Response:
    if isinstance(exc, CartError):
        return html(ui.cart_error_page(c.store.name, exc.message), exc.status)
    return html(ui.checkout_missing_page(c.store.name, exc.message), exc.status)


def _ajax_error(_: ShopCtx, exc: SimError) -> web.Response:
    message = "Cart Error" if isinstance(exc, CartError) else "Bad Request"
    return _json({"status": exc.status, "message": message, "description": exc.message}, exc.status)


def step(fn: AsyncShopFn) -> Handler:
    return _wrap(fn, _html_error, step=True)


def page(fn: AsyncShopFn) -> Handler:
    return _wrap(fn, _html_error, step=False)


def ajax(fn: AsyncShopFn) -> Handler:
    return _wrap(fn, _ajax_error, step=False)


# -- cart ------------------------------------------------------------------------------------------


def _permalink_lines(c: ShopCtx, spec: str) -> list[LineItem]:
    lines: list[LineItem] = []
    for part in spec.split(","):
        vid_text, _, qty_text = part.partition(":")
        try:
            vid, qty = int(vid_text), int(qty_text or "1")
        except ValueError:
            raise CartError(404, f"Cannot find variant {vid_text}.") from None
        merge_lines(lines, resolve_line(c.store, vid, qty))
    return lines


def prefill(query: Mapping[str, str]) -> dict[str, Any]:
    """Checkout fields from permalink parameters (`checkout[email]`, `checkout[shipping_address][…]`, …)."""
    address: dict[str, str] = {}
    attributes: dict[str, str] = {}
    for key, value in query.items():
        if (m := _ADDRESS_KEY.match(key)) and m.group(1) in ADDRESS_FIELDS:
            address[m.group(1)] = value
        elif m := _ATTRIBUTE_KEY.match(key):
            attributes[m.group(1)] = value
    return {
        "email": query.get("checkout[email]", ""),
        "shipping_address": address,
        "attributes": attributes,
        "note": query.get("note", ""),
    }


async def permalink(c: ShopCtx) -> web.Response:
    """`GET /cart/<vid>:<qty>[,…]?checkout[…]=…`: a new prefilled checkout, 302 to its page."""
    if shop_book(c).options.challenges("cart"):
        return checkpoint_redirect(c, c.request.path_qs)
    lines = _permalink_lines(c, c.request.match_info["items"])
    co = shop_book(c).open(lines, time.time(), **prefill(c.request.query))
    return redirect(checkout_url(c, co.token))


def _cart(c: ShopCtx) -> Cart:
    return shop_book(c).cart(c.request.cookies.get(CART_COOKIE))


def _with_cookie(c: ShopCtx, resp: web.Response, cart: Cart) -> web.Response:
    if c.request.cookies.get(CART_COOKIE) != cart.token:
        resp.set_cookie(CART_COOKIE, cart.token, path=prefix(c), samesite="Lax")
    return resp


async def _body(request: web.Request) -> dict[str, Any]:
    """A JSON object, or a form turned into one (`properties[x]` / `attributes[x]` become nested objects)."""
    if request.content_type == "application/json":
        try:
            body = orjson.loads(await request.read())
        except orjson.JSONDecodeError:
            raise SimError(400, "The body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise SimError(400, "The body must be a JSON object.")
        return body
    out: dict[str, Any] = {"properties": {}, "attributes": {}}
    for key, value in (await request.post()).items():
        if m := _PROPERTY_KEY.match(key):
            out["properties"][m.group(1)] = str(value)
        elif m := _ATTRIBUTE_KEY.match(key):
            out["attributes"][m.group(1)] = str(value)
        else:
            out[key] = str(value)
    return out


def _line(c: ShopCtx, item: Any) -> LineItem:
    if not isinstance(item, dict):
        raise SimError(400, "Each item must be an object.")
    try:
        vid, qty = int(item.get("id", "")), int(item.get("quantity", 1))
    except (TypeError, ValueError):
        raise CartError(404, f"Cannot find variant {item.get('id')}.") from None
    props = item.get("properties") or {}
    return resolve_line(c.store, vid, qty, {str(k): str(v) for k, v in dict(props).items()})


async def cart_add(c: ShopCtx) -> web.Response:
    """`POST /cart/add.js` `{"id", "quantity", "properties"}` or `{"items": […]}` (JSON or form)."""
    body = await _body(c.request)
    many = isinstance(body.get("items"), list)
    lines = [
        _line(c, item) for item in (body["items"] if many else [body])
    ]  # all checked before any is added
    cart = _cart(c)
    for line in lines:
        merge_lines(cart.items, line)
    payload = {"items": [li.ajax() for li in lines]} if many else lines[0].ajax()
    return _with_cookie(c, _json(payload), cart)


async def cart_js(c: ShopCtx) -> web.Response:
    cart = _cart(c)
    return _with_cookie(c, _json(cart.ajax()), cart)


def _update(cart: Cart, body: dict[str, Any]) -> None:
    for key, value in dict(body.get("attributes") or {}).items():
        if value in (None, ""):
            cart.attributes.pop(str(key), None)  # Shopify: a blank value removes the attribute
        else:
            cart.attributes[str(key)] = str(value)
    if "note" in body:
        cart.note = str(body["note"] or "")
    for vid_text, qty in dict(body.get("updates") or {}).items():
        vid, quantity = int(vid_text), int(qty)
        kept = [li for li in cart.items if li.variant_id != vid]
        if quantity > 0:
            kept += [LineItem(li.variant_id, li.product_title, li.size, li.price, quantity, li.properties)
                     for li in cart.items if li.variant_id == vid][:1]  # fmt: skip
        cart.items[:] = kept


async def cart_update(c: ShopCtx) -> web.Response:
    """`POST /cart/update.js` `{"attributes": {…}, "note": …, "updates": {vid: qty}}`."""
    body = await _body(c.request)
    cart = _cart(c)
    try:
        _update(cart, body)
    except (TypeError, ValueError) as exc:
        raise SimError(400, f"Bad update: {exc}") from None
    return _with_cookie(c, _json(cart.ajax()), cart)


async def cart_clear(c: ShopCtx) -> web.Response:
    cart = _cart(c)
    cart.items.clear()
    return _with_cookie(c, _json(cart.ajax()), cart)


async def cart_view(c: ShopCtx) -> web.Response:
    cart = _cart(c)
    return _with_cookie(c, html(ui.cart_page(c.store.name, cart)), cart)


async def cart_add_form(c: ShopCtx) -> web.Response:
    """`POST /cart/add` (the product page's form): add, then 302 to the cart page."""
    line = _line(c, await _body(c.request))
    cart = _cart(c)
    merge_lines(cart.items, line)
    return _with_cookie(c, redirect(f"{prefix(c)}/cart"), cart)


async def cart_post(c: ShopCtx) -> web.Response:
    """`POST /cart` (the cart page's form): note/attributes, and on to checkout when `checkout` is sent."""
    body = await _body(c.request)
    _update(_cart(c), {k: v for k, v in body.items() if k in ("attributes", "note")})
    return await checkout_from_cart(c) if "checkout" in body else redirect(f"{prefix(c)}/cart")


async def checkout_from_cart(c: ShopCtx) -> web.Response:
    """`GET|POST /checkout`: the cookie cart becomes a checkout (302), or 302 to /cart when it is empty."""
    if shop_book(c).options.challenges("cart"):
        return checkpoint_redirect(c, f"{prefix(c)}/checkout")
    cart = _cart(c)
    if not cart.items:
        return _with_cookie(c, redirect(f"{prefix(c)}/cart"), cart)
    co = shop_book(c).open(
        cart.items, time.time(), attributes=dict(cart.attributes), note=cart.note, cart_token=cart.token
    )
    return _with_cookie(c, redirect(checkout_url(c, co.token)), cart)
