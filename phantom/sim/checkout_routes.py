"""Checkout routes: the steps (contact, shipping, payment), thank-you, stock problems and the checkpoint.

The contract (URLs, field names, ids, control endpoints) is documented in `phantom.sim.checkout`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlencode

from aiohttp import web

from phantom.sim import checkout_pages as ui
from phantom.sim.cart_routes import (
    ajax,
    cart_add,
    cart_add_form,
    cart_clear,
    cart_js,
    cart_post,
    cart_update,
    cart_view,
    checkout_from_cart,
    checkout_url,
    checkpoint_redirect,
    page,
    permalink,
    prefix,
    redirect,
    shop_book,
    step,
    step_url,
)
from phantom.sim.checkout import (
    ADDRESS_FIELDS,
    CONTACT,
    PAYMENT,
    RATES_BY_ID,
    SHIPPING,
    STEPS,
    Checkout,
    ShopCheckouts,
)
from phantom.sim.routes import ShopCtx, html

# -- checkout steps --------------------------------------------------------------------------------


def _vault(c: ShopCtx, co: Checkout) -> tuple[str, str]:
    """The card-fields iframe URL and the vault origin, on the host name the browser used."""
    host = c.request.url.host or "127.0.0.1"
    host = f"[{host}]" if ":" in host else host
    origin = f"{c.request.scheme}://{host}:{c.state.vault_port}"
    query = urlencode({"checkout": co.token, "origin": f"{c.request.scheme}://{c.request.host}"})
    return f"{origin}/card-fields?{query}", origin


def _render(c: ShopCtx, co: Checkout, step_name: str, *, error: str = "") -> web.Response:
    action = checkout_url(c, co.token)
    if step_name == CONTACT:
        return html(ui.contact_page(co, action, {}))
    if step_name == SHIPPING:
        return html(ui.shipping_page(co, action, error))
    src, origin = _vault(c, co)
    return html(ui.payment_page(co, action, src, origin, error))


async def checkout_get(c: ShopCtx) -> web.Response:
    """`GET /checkouts/<token>[?step=…]`: the step page; later steps than allowed redirect back."""
    book = shop_book(c)
    co = book.checkout(c.request.match_info["token"])
    if co.order is not None:
        return redirect(checkout_url(c, co.token, "/thank_you"))
    wanted = c.request.query.get("step", CONTACT)
    wanted = wanted if wanted in STEPS else CONTACT
    missing = co.missing_step()
    if STEPS.index(wanted) > STEPS.index(missing):
        return redirect(step_url(c, co.token, missing))
    if book.options.challenges(wanted):
        return checkpoint_redirect(c, c.request.path_qs)
    return _render(c, co, wanted)


def _posted_step(form: Mapping[str, Any]) -> str:
    named = str(form.get("previous_step", ""))
    if named in STEPS:
        return named
    if "s" in form:
        return PAYMENT
    return SHIPPING if "checkout[shipping_rate][id]" in form else CONTACT


async def checkout_post(c: ShopCtx) -> web.Response:
    """`POST /checkouts/<token>`: submit the step named by `previous_step`; a completed checkout never pays twice."""
    book = shop_book(c)
    co = book.checkout(c.request.match_info["token"])
    form = {k: str(v) for k, v in (await c.request.post()).items()}
    if co.order is not None:
        return redirect(checkout_url(c, co.token, "/thank_you"))
    posted = _posted_step(form)
    if book.options.challenges(posted):
        return checkpoint_redirect(c, step_url(c, co.token, posted))
    missing = co.missing_step()
    if STEPS.index(posted) > STEPS.index(missing):
        return redirect(step_url(c, co.token, missing))
    if posted == CONTACT:
        return _post_contact(c, co, form)
    if posted == SHIPPING:
        return _post_shipping(c, co, form)
    return _post_payment(c, book, co, form)


def _post_contact(c: ShopCtx, co: Checkout, form: dict[str, str]) -> web.Response:
    # Fields left out of the form keep their prefilled values (a client may accept the permalink's prefill).
    co.email = form.get("checkout[email]", co.email).strip()
    for name in ADDRESS_FIELDS:
        key = f"checkout[shipping_address][{name}]"
        if key in form:
            co.shipping_address[name] = form[key].strip()
    errors = co.contact_errors()
    if errors:
        return html(ui.contact_page(co, checkout_url(c, co.token), errors))
    return redirect(step_url(c, co.token, SHIPPING))


def _post_shipping(c: ShopCtx, co: Checkout, form: dict[str, str]) -> web.Response:
    rate = RATES_BY_ID.get(form.get("checkout[shipping_rate][id]", ""))
    if rate is None:
        return _render(c, co, SHIPPING, error="Select a shipping method")
    co.shipping_rate = rate
    return redirect(step_url(c, co.token, PAYMENT))


def _post_payment(c: ShopCtx, book: ShopCheckouts, co: Checkout, form: dict[str, str]) -> web.Response:
    paid = book.pay(co, form.get("s", ""), c.store, c.state.vault, time.time())
    if paid.order is not None:
        return redirect(checkout_url(c, co.token, "/thank_you"))
    if paid.stock:
        return redirect(checkout_url(c, co.token, "/stock_problems"))
    return _render(c, co, PAYMENT, error=paid.error)


async def thank_you(c: ShopCtx) -> web.Response:
    co = shop_book(c).checkout(c.request.match_info["token"])
    if co.order is None:
        return redirect(checkout_url(c, co.token))
    return html(ui.thank_you_page(co, co.order))


async def stock_problems(c: ShopCtx) -> web.Response:
    co = shop_book(c).checkout(c.request.match_info["token"])
    if co.order is not None:
        return redirect(checkout_url(c, co.token, "/thank_you"))
    return html(ui.stock_problems_page(co, co.stock_problems or tuple(co.line_items)))


async def checkpoint(c: ShopCtx) -> web.Response:
    """The bot checkpoint. Nothing here solves it: POST just goes back to `return_to`, which checks again."""
    source: Mapping[str, Any] = c.request.query
    if c.request.method == "POST":
        source = {**c.request.query, **(await c.request.post())}
    return_to = str(source.get("return_to", ""))
    if not return_to.startswith(f"{prefix(c)}/"):
        return_to = f"{prefix(c)}/cart"  # never an open redirect
    if c.request.method == "POST":
        return redirect(return_to)
    action = f"{prefix(c)}/checkpoint?return_to={quote(return_to, safe='')}"
    return html(ui.checkpoint_page(c.store.name, action, return_to))


def add_checkout_routes(app: web.Application) -> None:
    r = app.router
    r.add_post("/shop/{name}/cart/add.js", ajax(cart_add))
    r.add_post("/shop/{name}/cart/update.js", ajax(cart_update))
    r.add_post("/shop/{name}/cart/clear.js", ajax(cart_clear))
    r.add_get("/shop/{name}/cart.js", ajax(cart_js))
    r.add_post("/shop/{name}/cart/add", page(cart_add_form))
    r.add_get("/shop/{name}/cart/{items}", step(permalink))
    r.add_get("/shop/{name}/cart", page(cart_view))
    r.add_post("/shop/{name}/cart", step(cart_post))
    r.add_get("/shop/{name}/checkout", step(checkout_from_cart))
    r.add_post("/shop/{name}/checkout", step(checkout_from_cart))
    r.add_get("/shop/{name}/checkouts/{token}", step(checkout_get))
    r.add_post("/shop/{name}/checkouts/{token}", step(checkout_post))
    r.add_get("/shop/{name}/checkouts/{token}/thank_you", page(thank_you))
    r.add_get("/shop/{name}/checkouts/{token}/stock_problems", page(stock_problems))
    r.add_get("/shop/{name}/checkpoint", page(checkpoint))
    r.add_post("/shop/{name}/checkpoint", page(checkpoint))
