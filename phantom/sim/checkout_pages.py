"""HTML of the sim's checkout: the three steps, thank-you, stock problems, checkpoint and cart pages.

Plain HTML with a little inline JS and no external resources. Ids and names are the contract documented
in `phantom.sim.checkout`; none of the normal pages carries a challenge marker (phantom.captcha.detect).
"""

from __future__ import annotations

import json
from html import escape

from phantom.sim.cart import Cart, LineItem, money
from phantom.sim.checkout import ADDRESS_FIELDS, CONTACT, PAYMENT, RATES, SHIPPING, Checkout, Order
from phantom.sim.pages import doc

LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "address1": "Address",
    "address2": "Apartment, suite, etc. (optional)",
    "city": "City",
    "province": "State",
    "zip": "ZIP code",
    "country": "Country/region",
    "phone": "Phone (optional)",
}
STYLE = (
    "<style>body{font-family:sans-serif;max-width:56rem;margin:2rem auto;display:flex;gap:2rem}"
    "main{flex:2}aside{flex:1}label{display:block;margin-top:.5rem}"
    ".field__message--error,#payment-errors{color:#b00}iframe{width:100%;height:9rem;border:1px solid #ccc}</style>\n"
)


def redirect_body(location: str) -> str:
    """The body Shopify sends with a 302 (it names the target, so a client that does not follow still sees it)."""
    return f'<html><body>You are being <a href="{escape(location)}">redirected</a>.</body></html>'


def _lines(lines: list[LineItem] | tuple[LineItem, ...]) -> str:
    return "\n".join(
        f'    <li class="product" data-variant-id="{li.variant_id}" data-quantity="{li.quantity}">'
        f'<span class="product__description__name">{escape(li.product_title)}</span> '
        f'<span class="product__description__variant">{escape(li.size)}</span> '
        f'&times; <span class="product__quantity">{li.quantity}</span> '
        f'<span class="product__price">${money(li.line_cents)}</span></li>'
        for li in lines
    )


def _summary(co: Checkout) -> str:
    shipping = "Calculated at next step" if co.shipping_rate is None else f"${money(co.shipping_cents)}"
    return f"""<aside id="order-summary">
  <h2>Order summary</h2>
  <ul class="product-table">
{_lines(co.line_items)}
  </ul>
  <p>Subtotal <span id="checkout-subtotal">${money(co.subtotal_cents)}</span></p>
  <p>Shipping <span id="checkout-shipping">{shipping}</span></p>
  <p>Total <span id="checkout-total" data-checkout-payment-due-target="{co.total_cents}">${money(co.total_cents)}</span> USD</p>
</aside>"""


def _step_doc(co: Checkout, step: str, title: str, body: str) -> str:
    main = f'<main class="checkout" data-step="{step}" data-checkout-token="{escape(co.token)}">\n{body}\n</main>'
    return doc(f"{title} - {co.shop} - Checkout", main + "\n" + _summary(co), STYLE)


def _hidden(previous: str, nxt: str) -> str:
    return (
        '  <input type="hidden" name="_method" value="patch">\n'
        f'  <input type="hidden" name="previous_step" value="{previous}">\n'
        f'  <input type="hidden" name="step" value="{nxt}">\n'
    )


def _field(name: str, input_name: str, input_id: str, label: str, value: str, error: str | None) -> str:
    kind = "email" if name == "email" else "tel" if name == "phone" else "text"
    message = f'<p class="field__message--error" id="error-for-{name}">{escape(error)}</p>' if error else ""
    return (
        f'  <label for="{input_id}">{label}</label>'
        f'<input type="{kind}" id="{input_id}" name="{input_name}" value="{escape(value)}" '
        f'autocomplete="{_autocomplete(name)}">{message}\n'
    )


def _autocomplete(name: str) -> str:
    return {
        "email": "email",
        "first_name": "given-name",
        "last_name": "family-name",
        "address1": "address-line1",
        "address2": "address-line2",
        "city": "address-level2",
        "province": "address-level1",
        "zip": "postal-code",
        "country": "country-name",
        "phone": "tel",
    }[name]


def contact_page(co: Checkout, action: str, errors: dict[str, str]) -> str:
    fields = _field("email", "checkout[email]", "checkout_email", "Email", co.email, errors.get("email"))
    for name in ADDRESS_FIELDS:
        value = co.shipping_address.get(name, "")
        fields += _field(
            name,
            f"checkout[shipping_address][{name}]",
            f"checkout_shipping_address_{name}",
            LABELS[name],
            value,
            errors.get(name),
        )
    body = f"""<h1>Contact information</h1>
<form id="contact-form" class="edit_checkout" method="post" action="{escape(action)}" accept-charset="UTF-8">
{_hidden(CONTACT, SHIPPING)}{fields}  <button id="continue_button" type="submit">Continue to shipping</button>
</form>"""
    return _step_doc(co, CONTACT, "Information", body)


def _review(co: Checkout) -> str:
    a = co.shipping_address
    ship_to = ", ".join(
        a[k] for k in ("address1", "address2", "city", "province", "zip", "country") if a.get(k)
    )
    return (
        f'<dl class="review-block"><dt>Contact</dt><dd id="review-contact">{escape(co.email)}</dd>'
        f'<dt>Ship to</dt><dd id="review-ship-to">{escape(ship_to)}</dd></dl>'
    )


def shipping_page(co: Checkout, action: str, error: str = "") -> str:
    chosen = co.shipping_rate.id if co.shipping_rate else RATES[0].id
    radios = "\n".join(
        f'  <div class="radio-wrapper" data-shipping-method="{r.id}">'
        f'<input type="radio" id="checkout_shipping_rate_id_{r.id.lower().replace(".", "_")}" '
        f'name="checkout[shipping_rate][id]" value="{r.id}"{" checked" if r.id == chosen else ""}>'
        f'<label for="checkout_shipping_rate_id_{r.id.lower().replace(".", "_")}">{r.title}</label> '
        f'<span class="content-box__emphasis">${r.price}</span></div>'
        for r in RATES
    )
    message = (
        f'<p class="field__message--error" id="error-for-shipping_rate">{escape(error)}</p>' if error else ""
    )
    body = f"""<h1>Shipping method</h1>
{_review(co)}
<form id="shipping-form" class="edit_checkout" method="post" action="{escape(action)}" accept-charset="UTF-8">
{_hidden(SHIPPING, PAYMENT)}  <fieldset><legend>Shipping method</legend>
{radios}
  </fieldset>{message}
  <button id="continue_button" type="submit">Continue to payment</button>
</form>"""
    return _step_doc(co, SHIPPING, "Shipping", body)


def payment_page(co: Checkout, action: str, vault_src: str, vault_origin: str, error: str = "") -> str:
    # Pay now stays disabled until the card fields say "ready"; a click asks the iframe to tokenize and
    # submits only when it answers with a session id (put into the hidden `s`).
    vault_js = json.dumps(vault_origin).replace("<", "\\u003c")
    script = f"""<script>
(() => {{
  const vault = {vault_js};
  const form = document.getElementById("payment-form");
  const frame = document.getElementById("card-fields-frame");
  const pay = document.getElementById("continue_button");
  const session = document.getElementById("payment-session");
  const errors = document.getElementById("payment-errors");
  let waiting = false;
  window.addEventListener("message", (event) => {{
    if (event.origin !== vault || event.source !== frame.contentWindow) return;
    const msg = event.data || {{}};
    if (msg.type === "ready") {{
      if (!waiting) pay.disabled = false;
    }} else if (msg.type === "session") {{
      session.value = msg.id;
      if (waiting) form.submit();
    }} else if (msg.type === "error") {{
      waiting = false;
      pay.disabled = false;
      errors.textContent = msg.message || "Check your card details.";
    }}
  }});
  frame.addEventListener("load", () => frame.contentWindow.postMessage({{type: "ping"}}, vault));
  form.addEventListener("submit", (event) => {{
    event.preventDefault();
    if (waiting) return;
    waiting = true;
    pay.disabled = true;
    errors.textContent = "";
    frame.contentWindow.postMessage({{type: "tokenize"}}, vault);
  }});
}})();
</script>"""
    rate = co.shipping_rate.title if co.shipping_rate else ""
    body = f"""<h1>Payment</h1>
{_review(co)}<p>Method <span id="review-shipping-method">{escape(rate)}</span></p>
<form id="payment-form" class="edit_checkout" method="post" action="{escape(action)}" accept-charset="UTF-8">
{_hidden(PAYMENT, "")}  <input type="hidden" name="s" id="payment-session" value="">
  <input type="hidden" name="checkout[different_billing_address]" value="false">
  <iframe id="card-fields-frame" class="card-fields-iframe" title="Card details" src="{escape(vault_src)}"></iframe>
  <p id="payment-errors" role="alert">{escape(error)}</p>
  <button id="continue_button" type="submit" disabled>Pay now</button>
</form>
{script}"""
    return _step_doc(co, PAYMENT, "Payment", body)


def thank_you_page(co: Checkout, order: Order) -> str:
    first = order.shipping_address.get("first_name", "").strip()
    greeting = f"Thank you, {escape(first)}!" if first else "Thank you!"
    body = f"""<h1 id="thank-you-title" class="os-header__title">{greeting}</h1>
<p class="os-order-number">Order <span id="order-name">{order.name}</span> confirmed</p>
<p id="order-email">A confirmation was sent to {escape(order.email)}.</p>"""
    main = (
        f'<main class="thank-you" data-step="thank_you" data-order-number="{order.number}">\n{body}\n</main>'
    )
    return doc(f"Thank you for your purchase! - {co.shop}", main + "\n" + _summary(co), STYLE)


def stock_problems_page(co: Checkout, lines: tuple[LineItem, ...]) -> str:
    items = "\n".join(
        f'  <li class="stock-problem" data-variant-id="{li.variant_id}">{escape(li.title)} is sold out</li>'
        for li in lines
    )
    body = f"""<h1>Out of stock</h1>
<p id="stock-problems">Some items are no longer available. Your order has not been placed.</p>
<ul class="stock-problem-table">
{items}
</ul>"""
    main = f'<main class="checkout" data-step="stock_problems" data-checkout-token="{escape(co.token)}">\n{body}\n</main>'
    return doc(f"Stock problems - {co.shop} - Checkout", main, STYLE)


def cart_error_page(store: str, message: str) -> str:
    return doc(
        f"Cart Error - {store}",
        f'<main class="cart-error"><h1>Cart Error</h1><p id="cart-error">{escape(message)}</p></main>',
    )


def checkout_missing_page(store: str, message: str) -> str:
    return doc(f"Checkout - {store}", f'<main class="checkout-missing"><h1>{escape(message)}</h1></main>')


def checkpoint_page(store: str, action: str, return_to: str) -> str:
    body = f"""<main id="checkpoint" class="checkpoint" data-store="{escape(store)}">
  <h1>Please verify you are a human</h1>
  <p>Complete the check below to continue to checkout.</p>
  <form id="checkpoint-form" method="post" action="{escape(action)}">
    <input type="hidden" name="return_to" value="{escape(return_to)}">
    <div class="h-captcha" id="h-captcha" data-sitekey="10000000-ffff-ffff-ffff-000000000001"></div>
    <textarea name="h-captcha-response" hidden></textarea>
    <button type="submit">Continue</button>
  </form>
</main>"""
    return doc(f"Checkpoint - {store}", body)


def cart_page(store: str, cart: Cart) -> str:
    items = _lines(cart.items) or "    <li>Your cart is empty</li>"
    return doc(
        f"Your Shopping Cart - {store}",
        f"""<main class="cart" data-cart-token="{escape(cart.token)}"><h1>Your cart</h1>
  <ul class="cart__lines">
{items}
  </ul>
  <form id="cart-form" action="/shop/{escape(store)}/cart" method="post">
    <button type="submit" name="checkout" id="checkout">Check out</button>
  </form>
</main>""",
    )
