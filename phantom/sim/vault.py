"""The card vault: a second origin (its own port) that turns card fields into a one-use session id.

Mirrors Shopify's card vault (deposit.*.shopifycs.com): the checkout's payment step embeds `/card-fields` in
an `<iframe>`, the iframe POSTs the card to `/sessions` and hands only the session id to the checkout page by
`postMessage`. The vault keeps brand, last four digits and expiry; the full number and the CVV are checked
and dropped, never stored and never logged or echoed back in an error.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from aiohttp import web

from phantom.sim.pages import doc

JSON = "application/json"
CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
}
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+$")
# (brand, prefixes, lengths): enough of the IIN table for test cards.
_BRANDS: tuple[tuple[str, tuple[str, ...], tuple[int, ...]], ...] = (
    ("amex", ("34", "37"), (15,)),
    ("visa", ("4",), (13, 16, 19)),
    ("master", ("51", "52", "53", "54", "55", "22", "23", "24", "25", "26", "27"), (16,)),
    ("discover", ("6011", "65"), (16, 19)),
)


@dataclass(slots=True)
class CardSession:
    """What the vault keeps of a card: never the number or the CVV."""

    id: str
    brand: str
    last4: str
    month: int
    year: int
    checkout: str | None  # the checkout the card fields were opened for, when the iframe said so
    created_at: float
    used_by: str | None = None  # the checkout token that paid with it

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "brand": self.brand,
            "last4": self.last4,
            "month": self.month,
            "year": self.year,
            "checkout": self.checkout,
            "used_by": self.used_by,
        }


class CardError(ValueError):
    """A card the vault refuses; the message names the field, never its value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def brand_of(digits: str) -> str | None:
    for brand, prefixes, lengths in _BRANDS:
        if len(digits) in lengths and digits.startswith(prefixes):
            return brand
    return None


def _expiry(month: Any, year: Any, now: datetime) -> tuple[int, int]:
    try:
        m, y = int(str(month).strip()), int(str(year).strip())
    except ValueError:
        raise CardError("expiry", "Enter a valid expiration date") from None
    y = y + 2000 if y < 100 else y
    if not 1 <= m <= 12:
        raise CardError("expiry", "Enter a valid expiration date")
    if (y, m) < (now.year, now.month):
        raise CardError("expiry", "Your card has expired")
    return m, y


class Vault:
    """Card sessions by id."""

    def __init__(self) -> None:
        self.sessions: dict[str, CardSession] = {}

    def create(self, card: dict[str, Any], checkout: str | None, now: float) -> CardSession:
        """Validate a card and keep its session; raises CardError (naming the field) when invalid."""
        digits = re.sub(r"[\s-]", "", str(card.get("number", "")))
        if not digits.isdigit() or not luhn_ok(digits):
            raise CardError("number", "Enter a valid card number")
        brand = brand_of(digits)
        if brand is None:
            raise CardError("number", "This card type is not accepted")
        if not str(card.get("name", "")).strip():
            raise CardError("name", "Enter your name exactly as it's written on your card")
        cvv = str(card.get("verification_value", "")).strip()
        if not (cvv.isdigit() and len(cvv) in (3, 4)):
            raise CardError("verification_value", "Enter the CVV or security code on your card")
        month, year = _expiry(card.get("month"), card.get("year"), datetime.fromtimestamp(now, UTC))
        session = CardSession(
            id=f"east-{secrets.token_hex(16)}",
            brand=brand,
            last4=digits[-4:],
            month=month,
            year=year,
            checkout=checkout,
            created_at=now,
        )
        self.sessions[session.id] = session
        return session

    def usable(self, session_id: str, checkout: str) -> CardSession | None:
        """The session when `checkout` may pay with it: known, opened for it (or for none), not spent elsewhere."""
        session = self.sessions.get(session_id)
        if session is None or session.checkout not in (None, checkout):
            return None
        return session if session.used_by in (None, checkout) else None

    def clear(self) -> None:
        self.sessions.clear()


VAULT = web.AppKey("sim_vault", Vault)


# -- HTTP ------------------------------------------------------------------------------------------


def _json(status: int, payload: Any) -> web.Response:
    return web.Response(status=status, body=orjson.dumps(payload), headers={"Content-Type": JSON, **CORS})


async def _card_body(request: web.Request) -> tuple[dict[str, Any], str | None]:
    try:
        body = orjson.loads(await request.read())
    except orjson.JSONDecodeError:
        raise CardError("credit_card", "The body must be JSON") from None
    card = body.get("credit_card") if isinstance(body, dict) else None
    if not isinstance(card, dict):
        raise CardError("credit_card", "credit_card is required")
    checkout = body.get("checkout")
    return card, str(checkout) if checkout else None


async def create_session(request: web.Request) -> web.Response:
    """`POST /sessions` `{"credit_card": {number, name, month, year, verification_value}, "checkout"?}`."""
    try:
        card, checkout = await _card_body(request)
        session = request.app[VAULT].create(card, checkout, time.time())
    except CardError as exc:
        return _json(422, {"message": exc.message, "errors": {exc.field: [exc.message]}})
    return _json(200, {"id": session.id})


async def preflight(_: web.Request) -> web.Response:
    return web.Response(status=204, headers=CORS)


def _script_value(value: str) -> str:
    """A JS string literal safe inside <script> (no `</script>` breakout)."""
    return json.dumps(value).replace("<", "\\u003c")


async def card_fields(request: web.Request) -> web.Response:
    """`GET /card-fields?checkout=<token>&origin=<checkout origin>`: the page the checkout embeds."""
    origin = request.query.get("origin", "")
    if not _ORIGIN.match(origin):
        return web.Response(status=400, text="origin must be the checkout page's origin")
    page = card_fields_page(origin, request.query.get("checkout", ""))
    return web.Response(body=page.encode(), headers={"Content-Type": "text/html; charset=utf-8"})


def card_fields_page(parent_origin: str, checkout: str) -> str:
    # Answers "tokenize" (and its own submit) with {type:"session", id} or {type:"error", message},
    # posted only to the checkout's origin; says {type:"ready"} on load and on "ping".
    script = f"""<script>
(() => {{
  const parentOrigin = {_script_value(parent_origin)};
  const checkout = {_script_value(checkout)};
  const field = (id) => document.getElementById(id).value;
  const tell = (msg) => window.parent.postMessage(msg, parentOrigin);
  async function tokenize() {{
    const [month, year] = field("expiry").split("/").map((part) => part.trim());
    const card = {{number: field("number"), name: field("name"), month, year,
                  verification_value: field("verification_value")}};
    try {{
      const resp = await fetch("/sessions", {{method: "POST", headers: {{"Content-Type": "application/json"}},
                                             body: JSON.stringify({{credit_card: card, checkout}})}});
      const data = await resp.json();
      tell(resp.ok ? {{type: "session", id: data.id}} : {{type: "error", message: data.message}});
    }} catch (err) {{
      tell({{type: "error", message: "The card service could not be reached."}});
    }}
  }}
  window.addEventListener("message", (event) => {{
    if (event.origin !== parentOrigin) return;
    const type = (event.data || {{}}).type;
    if (type === "tokenize") tokenize();
    else if (type === "ping") tell({{type: "ready"}});
  }});
  document.getElementById("card-fields").addEventListener("submit", (event) => {{
    event.preventDefault();
    tokenize();
  }});
  tell({{type: "ready"}});
}})();
</script>"""
    body = """<form id="card-fields" autocomplete="on">
  <input id="number" name="number" autocomplete="cc-number" inputmode="numeric" placeholder="Card number" aria-label="Card number">
  <input id="name" name="name" autocomplete="cc-name" placeholder="Name on card" aria-label="Name on card">
  <input id="expiry" name="expiry" autocomplete="cc-exp" inputmode="numeric" placeholder="MM / YY" aria-label="Expiration date (MM / YY)">
  <input id="verification_value" name="verification_value" autocomplete="cc-csc" inputmode="numeric" placeholder="Security code" aria-label="Security code">
</form>"""
    return doc("Card fields", body + "\n" + script)


def build_vault_app(vault: Vault) -> web.Application:
    app = web.Application(client_max_size=64 * 1024)
    app[VAULT] = vault
    app.router.add_get("/card-fields", card_fields)
    app.router.add_post("/sessions", create_session)
    app.router.add_route("OPTIONS", "/sessions", preflight)
    return app
