"""The sim's checkout, which behaves like Shopify's public one. This docstring is the contract that
checkout modules (assist links, Playwright browser mode) and tests rely on.

All storefront URLs live under `/shop/<name>` on the sim's base URL (`SimServer.shop_url(name)`). The card
vault is a second origin: the same host on another port (`SimServer.vault_url`, `SimConfig.vault_port`,
0 = any free port). Prices in HTML and in the control API are strings such as "180.00". The AJAX cart gives
integer cents, as Shopify's does.

Cart permalink
    GET /shop/<name>/cart/<vid>:<qty>[,<vid>:<qty>...]
        optional query: checkout[email], checkout[shipping_address][first_name|last_name|address1|address2|
        city|province|zip|country|phone], attributes[<key>]=<value>, note
    -> 302 /shop/<name>/checkouts/<token>  (a new checkout with a random 32-hex token, prefilled; the
       country defaults to "United States")
    -> 404 HTML, #cart-error "Cannot find variant <vid>."                     (unknown variant or bad syntax)
    -> 422 HTML, #cart-error "The product '<title> - <size>' is already sold out."
    A 302 body names its target (`You are being <a href="...">redirected</a>.`), as Shopify's does.

AJAX cart (a `cart` cookie, path /shop/<name>; aiohttp clients on 127.0.0.1 need CookieJar(unsafe=True))
    POST /shop/<name>/cart/add.js    JSON {"id": vid, "quantity": n, "properties": {}} -> the line item;
                                     JSON {"items": [...]} -> {"items": [...]}; form id=&quantity= works too
        sold out -> 422 {"status": 422, "message": "Cart Error", "description": "The product '...' is already sold out."}
        unknown  -> 404 {"status": 404, "message": "Cart Error", "description": "Cannot find variant <vid>."}
    GET  /shop/<name>/cart.js        -> {"token", "items": [{"id", "variant_id", "key", "quantity", "title",
                                     "product_title", "variant_title", "price", "line_price", "properties"}],
                                     "item_count", "total_price", "attributes", "note", "currency"}
    POST /shop/<name>/cart/update.js {"attributes": {k: v}, "note": str, "updates": {vid: qty}} -> cart.js
                                     (a blank attribute value removes the attribute; qty 0 removes the line)
    POST /shop/<name>/cart/clear.js  -> cart.js
    GET  /shop/<name>/cart           the cart page (form #cart-form, button #checkout posts to /cart)
    POST /shop/<name>/cart/add       the product page's form (id, quantity) -> 302 /shop/<name>/cart
    GET|POST /shop/<name>/checkout   (and POST /shop/<name>/cart with `checkout`) turn the cookie cart,
                                     with its attributes and note, into a checkout -> 302 its page
                                     (empty cart -> 302 /shop/<name>/cart). A placed order empties that cart.

Checkout page: /shop/<name>/checkouts/<token>[?step=contact_information|shipping_method|payment_method]
    <main class="checkout" data-step="<step>" data-checkout-token="<token>">. Every step's submit button
    is #continue_button. Every form posts to the checkout URL with hidden `_method=patch`, `previous_step`
    (which step is submitted) and `step`. The order summary is <aside id="order-summary">: li.product
    [data-variant-id][data-quantity], #checkout-subtotal, #checkout-shipping, and #checkout-total
    [data-checkout-payment-due-target=<cents>]. GET of a step that is not yet reachable (contact or shipping
    incomplete) gives a 302 to the first incomplete step. Contact is complete when the required fields are
    filled, whether a form submitted them or the permalink prefilled them.
    1. contact_information: form#contact-form
         email                 name="checkout[email]"                        id="checkout_email"
         shipping <field>      name="checkout[shipping_address][<field>]"    id="checkout_shipping_address_<field>"
           (<field>: first_name last_name address1 address2 city province zip country phone; all text inputs)
         required: email (must contain @), last_name, address1, city, zip, country. A POST with errors
         renders the step again (200) with p.field__message--error#error-for-<field>. Fields the POST
         leaves out keep their prefilled values. A valid POST gives a 302 to ?step=shipping_method.
    2. shipping_method: form#shipping-form; radios name="checkout[shipping_rate][id]":
         shopify-Standard-10.00 (checked by default), shopify-Express-25.00, shopify-Overnight-40.00
         id="checkout_shipping_rate_id_<rate id lowercased, '.' -> '_'>", e.g.
         #checkout_shipping_rate_id_shopify-standard-10_00. An unknown rate renders the step with
         #error-for-shipping_rate. A valid POST gives a 302 to ?step=payment_method.
    3. payment_method: form#payment-form with hidden input name="s" id="payment-session";
         iframe#card-fields-frame (the page's only <iframe>; title "Card details") from the vault:
         <vault_url>/card-fields?checkout=<token>&origin=<checkout origin>, with inputs
         #number, #name, #expiry ("MM / YY"), #verification_value (names are the same as the ids).
         #continue_button "Pay now" is disabled until the iframe reports it is ready. A click asks the
         iframe (postMessage {type:"tokenize"}) to POST the card to the vault. The iframe answers
         {type:"session", id}, the page puts the id into `s` and submits. A refusal is shown in
         #payment-errors and Pay now is enabled again.
         Playwright: f = page.frame_locator("iframe"); f.locator("#number").fill(...); ...;
                     page.click("#continue_button"); page.wait_for_url("**/thank_you")
         HTTP: POST the checkout URL with previous_step=payment_method&s=<session id> (also inferred
         from `s` alone).
         -> 302 /shop/<name>/checkouts/<token>/thank_you        (order created)
         -> 302 /shop/<name>/checkouts/<token>/stock_problems   (oos_at_payment, or a line sold out since)
         -> 200 payment page with #payment-errors               (unknown or spent session; `decline`)
Thank-you: GET /shop/<name>/checkouts/<token>/thank_you
    <main class="thank-you" data-order-number="1001">, h1#thank-you-title "Thank you, <first name>!",
    p.os-order-number "Order <span id="order-name">#1001</span> confirmed".
    Before completion it gives a 302 to the checkout page.
Stock problems: GET .../stock_problems: h1 "Out of stock", p#stock-problems "Some items are no longer
    available. ...", li.stock-problem "<title> - <size> is sold out".
Idempotency: a checkout token completes at most once. After completion, every GET or POST of
    /checkouts/<token> (any step) gives a 302 to its thank_you, and no second order is created. This is
    how a client reconciles "did my submission land?". Orders are never deduplicated by attributes: two
    checkouts always make two orders. Order numbers count up per shop from 1001 (also after a DELETE).

Vault (other origin)
    POST <vault_url>/sessions  JSON {"credit_card": {"number", "name", "month", "year", "verification_value"},
                                "checkout": "<token>" (optional)}
        -> 200 {"id": "east-<hex>"} or 422 {"message", "errors": {<field>: [msg]}}. Checks the Luhn digit,
           the brand (visa/master/amex/discover), the name, a 3-4 digit CVV and that the expiry is not past.
        Keeps only brand, last4, month, year, the checkout and who spent it. It never keeps the number or
        CVV, and never logs or echoes them. A session pays for one checkout (the one it was opened for, if
        any).

Checkpoint (bot challenge; Phantom must hand off, never solve)
    A challenged step answers 302 /shop/<name>/checkpoint?return_to=<path>. The checkpoint page (200) is
    main#checkpoint, "Please verify you are a human", div.h-captcha, form#checkpoint-form. Its POST only
    goes back to return_to, which checks again. phantom.captcha.detect classifies it (and the 302 body)
    as "captcha".

Control API (JSON)
    GET|PUT|POST /_control/shops/<name>/checkout   options {"challenge": null|"cart"|"contact"|"shipping"|
        "payment", "oos_at_payment": bool, "step_delay_ms": int, "decline": bool}. PUT merges the keys it
        is given. Also POST /_control/shop/<name>/checkout, and the op "checkout" in /_control/schedule.
        challenge "cart" hits the permalink and the cart->checkout routes. The others hit that step's
        GET and POST. step_delay_ms holds the answer of every checkout step (permalink, /checkout,
        checkout GET/POST) after the step's work is done: a client killed mid-step finds it landed.
    GET    /_control/shops/<name>/orders   [{"name": "#1001", "number", "checkout_token", "attributes",
        "email", "shipping_address", "note", "line_items": [{"variant_id", "title", "quantity", "price"}],
        "shipping_line": {"id", "price"}, "total_price", "card": {"brand", "last4"}, "created_at"}]
    DELETE /_control/shops/<name>/orders   -> {"cleared": n}
    GET    /_control/shops/<name>/checkouts  [{"token", "step", "email", "shipping_address", "attributes",
        "note", "line_items", "shipping_rate", "total_price", "order"}]
    GET    /_control/vault/sessions        [{"id", "brand", "last4", "month", "year", "checkout", "used_by"}]
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from phantom.sim.cart import Cart, LineItem, money, unavailable
from phantom.sim.errors import SimError
from phantom.sim.shopify import ShopStore, cents, iso
from phantom.sim.vault import CardSession, Vault

CONTACT, SHIPPING, PAYMENT = "contact_information", "shipping_method", "payment_method"
STEPS = (CONTACT, SHIPPING, PAYMENT)
CHALLENGES = {"cart": "cart", "contact": CONTACT, "shipping": SHIPPING, "payment": PAYMENT}
ADDRESS_FIELDS = (
    "first_name",
    "last_name",
    "address1",
    "address2",
    "city",
    "province",
    "zip",
    "country",
    "phone",
)
REQUIRED = {
    "email": "Enter an email",
    "last_name": "Enter a last name",
    "address1": "Enter an address",
    "city": "Enter a city",
    "zip": "Enter a ZIP / postal code",
    "country": "Select a country/region",
}
FIRST_ORDER_NUMBER = 1001
DEFAULT_COUNTRY = "United States"  # the store's country, preselected like Shopify's country list


@dataclass(frozen=True, slots=True)
class ShippingRate:
    id: str
    title: str
    price: str


RATES = (
    ShippingRate("shopify-Standard-10.00", "Standard", "10.00"),
    ShippingRate("shopify-Express-25.00", "Express", "25.00"),
    ShippingRate("shopify-Overnight-40.00", "Overnight", "40.00"),
)
RATES_BY_ID = {r.id: r for r in RATES}


@dataclass(frozen=True, slots=True)
class Order:
    name: str
    number: int
    checkout_token: str
    email: str
    shipping_address: dict[str, str]
    attributes: dict[str, str]
    note: str
    line_items: tuple[LineItem, ...]
    shipping_rate: ShippingRate
    total_cents: int
    card_brand: str
    card_last4: str
    created_at: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "number": self.number,
            "checkout_token": self.checkout_token,
            "attributes": dict(self.attributes),
            "email": self.email,
            "shipping_address": dict(self.shipping_address),
            "note": self.note,
            "line_items": [
                {"variant_id": li.variant_id, "title": li.title, "quantity": li.quantity, "price": li.price}
                for li in self.line_items
            ],
            "shipping_line": {"id": self.shipping_rate.id, "price": self.shipping_rate.price},
            "total_price": money(self.total_cents),
            "card": {"brand": self.card_brand, "last4": self.card_last4},
            "created_at": iso(self.created_at),
        }


@dataclass(slots=True)
class Checkout:
    token: str
    shop: str
    line_items: list[LineItem]
    created_at: float
    email: str = ""
    shipping_address: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)
    note: str = ""
    shipping_rate: ShippingRate | None = None
    cart_token: str | None = None
    order: Order | None = None
    stock_problems: tuple[LineItem, ...] = ()  # what the last payment attempt found sold out

    def contact_errors(self) -> dict[str, str]:
        """Missing or invalid contact and shipping fields, by field name."""
        values = {"email": self.email, **self.shipping_address}
        errors = {k: msg for k, msg in REQUIRED.items() if not values.get(k, "").strip()}
        if "email" not in errors and "@" not in self.email:
            errors["email"] = "Enter a valid email"
        return errors

    def missing_step(self) -> str:
        """The first step still to do (payment once contact and shipping are complete)."""
        if self.contact_errors():
            return CONTACT
        return SHIPPING if self.shipping_rate is None else PAYMENT

    @property
    def subtotal_cents(self) -> int:
        return sum(line.line_cents for line in self.line_items)

    @property
    def shipping_cents(self) -> int:
        return 0 if self.shipping_rate is None else cents(self.shipping_rate.price)

    @property
    def total_cents(self) -> int:
        return self.subtotal_cents + self.shipping_cents

    def summary(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "step": "thank_you" if self.order else self.missing_step(),
            "email": self.email,
            "shipping_address": dict(self.shipping_address),
            "attributes": dict(self.attributes),
            "note": self.note,
            "line_items": [line.ajax() for line in self.line_items],
            "shipping_rate": None if self.shipping_rate is None else self.shipping_rate.id,
            "total_price": money(self.total_cents),
            "order": None if self.order is None else self.order.name,
        }


@dataclass(slots=True)
class CheckoutOptions:
    """Per-shop behaviour set through the control API."""

    challenge: str | None = None  # "cart" | "contact" | "shipping" | "payment"
    oos_at_payment: bool = False
    step_delay_ms: int = 0
    decline: bool = False

    def update(self, body: dict[str, Any]) -> None:
        unknown = set(body) - {"challenge", "oos_at_payment", "step_delay_ms", "decline"}
        if unknown:
            raise SimError(400, f"unknown checkout options {sorted(unknown)}")
        challenge = body.get("challenge", self.challenge)
        if challenge is not None and challenge not in CHALLENGES:
            raise SimError(400, f"challenge must be null or one of {sorted(CHALLENGES)}")
        delay = int(body.get("step_delay_ms", self.step_delay_ms))
        if delay < 0:
            raise SimError(400, "step_delay_ms must be >= 0")
        self.challenge, self.step_delay_ms = challenge, delay
        self.oos_at_payment = bool(body.get("oos_at_payment", self.oos_at_payment))
        self.decline = bool(body.get("decline", self.decline))

    def challenges(self, step: str) -> bool:
        """Whether `step` ("cart" or a checkout step) answers the checkpoint instead of proceeding."""
        return self.challenge is not None and CHALLENGES[self.challenge] == step

    def as_dict(self) -> dict[str, Any]:
        return {
            "challenge": self.challenge,
            "oos_at_payment": self.oos_at_payment,
            "step_delay_ms": self.step_delay_ms,
            "decline": self.decline,
        }


@dataclass(frozen=True, slots=True)
class Payment:
    """What a payment POST came to: `order`, or why not (`stock` lines, `error` text)."""

    order: Order | None = None
    stock: tuple[LineItem, ...] = ()
    error: str = ""


class ShopCheckouts:
    """Carts, checkouts and orders of one shop, and its checkout options."""

    def __init__(self, shop: str) -> None:
        self.shop = shop
        self.options = CheckoutOptions()
        self.carts: dict[str, Cart] = {}
        self.checkouts: dict[str, Checkout] = {}
        self.orders: list[Order] = []
        self._next_number = FIRST_ORDER_NUMBER

    def cart(self, token: str | None) -> Cart:
        """The cart with `token`, or a new empty one."""
        found = self.carts.get(token or "")
        if found is None:
            found = Cart(secrets.token_hex(16))
            self.carts[found.token] = found
        return found

    def checkout(self, token: str) -> Checkout:
        try:
            return self.checkouts[token]
        except KeyError:
            raise SimError(404, "This checkout does not exist.") from None

    def open(self, lines: list[LineItem], now: float, **fields: Any) -> Checkout:
        """A new checkout (random token) for `lines`, with prefilled contact, address and attributes."""
        co = Checkout(secrets.token_hex(16), self.shop, list(lines), now, **fields)
        co.shipping_address.setdefault("country", DEFAULT_COUNTRY)
        self.checkouts[co.token] = co
        return co

    def pay(self, co: Checkout, session_id: str, store: ShopStore, vault: Vault, now: float) -> Payment:
        """Complete `co` at most once: a completed checkout answers its order again, never a second one."""
        if co.order is not None:
            return Payment(order=co.order)
        session = vault.usable(session_id, co.token)
        if session is None:
            return Payment(
                error="Your payment details couldn't be verified. Check your card details and try again."
            )
        gone = list(co.line_items) if self.options.oos_at_payment else unavailable(store, co.line_items)
        if gone:
            co.stock_problems = tuple(gone)
            return Payment(stock=co.stock_problems)
        if self.options.decline:
            return Payment(error="Your card was declined. Try again or use a different payment method.")
        return Payment(order=self._place(co, session, now))

    def _place(self, co: Checkout, session: CardSession, now: float) -> Order:
        assert co.shipping_rate is not None  # pay() runs only at the payment step
        number, self._next_number = self._next_number, self._next_number + 1
        order = Order(
            name=f"#{number}",
            number=number,
            checkout_token=co.token,
            email=co.email,
            shipping_address=dict(co.shipping_address),
            attributes=dict(co.attributes),
            note=co.note,
            line_items=tuple(co.line_items),
            shipping_rate=co.shipping_rate,
            total_cents=co.total_cents,
            card_brand=session.brand,
            card_last4=session.last4,
            created_at=now,
        )
        co.order = order
        session.used_by = co.token
        self.orders.append(order)
        cart = self.carts.get(co.cart_token or "")
        if cart is not None:
            cart.items.clear()  # like Shopify, a placed order empties the cart it came from
        return order

    def clear_orders(self) -> int:
        """Forget the orders (numbers keep counting up, so names stay unique per shop)."""
        cleared = len(self.orders)
        self.orders.clear()
        return cleared
