"""Inbound webhooks: external monitors post signed messages that become product events.

A channel is a name and a shared secret. A message is signed with HMAC-SHA256 over `"{timestamp}.{body}"`
(the raw body bytes), sent as `X-Phantom-Signature: sha256=<hex>` with `X-Phantom-Timestamp: <unix
seconds>`; a timestamp more than MAX_SKEW away from now is refused, so a captured request cannot be replayed
later. The body is either a Discord-webhook-like message (what most monitors send) or a simple JSON object;
both parse to one `InboundMessage`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from phantom.domain.errors import DomainError
from phantom.domain.events import EventKind, ProductEvent, StoredEvent
from phantom.domain.models import Product, Variant, normalize_size

SIGNATURE_HEADER = "X-Phantom-Signature"
TIMESTAMP_HEADER = "X-Phantom-Timestamp"
MAX_SKEW = 300.0  # seconds either way
MAX_BODY = 256 * 1024
NAME_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
INBOUND_KINDS = frozenset(
    {
        EventKind.NEW_PRODUCT,
        EventKind.NEW_VARIANT,
        EventKind.RESTOCK,
        EventKind.SOLD_OUT,
        EventKind.PRICE_CHANGE,
    }
)


class InboundUnauthorized(DomainError):
    """Unknown channel, disabled channel, bad or missing signature, stale timestamp: one error, no hint."""


class InvalidInboundMessage(DomainError):
    pass


class InboundTooLarge(InvalidInboundMessage):
    """A body over MAX_BODY bytes (refused before anything else is looked at)."""


class InboundChannelNotFound(DomainError):
    pass


class DuplicateInboundChannel(DomainError):
    pass


class InvalidInboundChannel(DomainError):
    pass


@dataclass(frozen=True, slots=True)
class InboundChannel:
    id: str
    name: str  # in the webhook URL: /api/webhooks/inbound/{name}
    secret: str = ""  # the HMAC key; repr never shows it
    enabled: bool = True
    created_at: datetime | None = None

    def __repr__(self) -> str:
        return f"InboundChannel(id={self.id!r}, name={self.name!r}, enabled={self.enabled})"

    def updated(self, **changes: object) -> InboundChannel:
        return replace(self, **changes)  # type: ignore[arg-type]


def validate_channel_name(name: str) -> str:
    if not re.fullmatch(NAME_PATTERN, name):
        raise InvalidInboundChannel(
            "a channel name is 1-64 of a-z, 0-9, '-' and '_', starting with a letter or digit"
        )
    return name


# ---- signatures ------------------------------------------------------------------------------------


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The header value a sender puts in X-Phantom-Signature."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signature_ok(
    secret: str, timestamp: str | None, body: bytes, signature: str | None, now: datetime
) -> bool:
    """Constant-time check of the signature, and the timestamp within MAX_SKEW of `now`."""
    expected = sign(secret, timestamp or "", body)
    matches = hmac.compare_digest(expected.encode(), (signature or "").strip().lower().encode())
    return matches and _fresh(timestamp, now)


def _fresh(timestamp: str | None, now: datetime) -> bool:
    if timestamp is None or not re.fullmatch(r"\d{1,12}", timestamp):
        return False
    return abs(now.timestamp() - int(timestamp)) <= MAX_SKEW


# ---- messages --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InboundMessage:
    """What an external monitor told us, normalized. Prices in minor units."""

    store_url: str
    kind: EventKind
    title: str
    url: str | None = None
    handle: str | None = None
    sku: str | None = None
    price: int | None = None
    sizes: tuple[str, ...] = ()
    variants: tuple[Variant, ...] = ()
    image: str | None = None

    def product(self) -> Product:
        """The product the event is about. Without variant ids, sizes become variants whose ids are not the
        store's (`<product>:<size>`), so nothing builds a cart link from them."""
        handle = self.handle or _url_handle(self.url) or self.sku or _slug(self.title)
        product_id = handle
        variants = self.variants or tuple(
            Variant(id=f"{product_id}:{normalize_size(s)}", size=s, price=self.price or 0, available=True)
            for s in self.sizes
        )
        return Product(
            id=product_id,
            handle=handle,
            title=self.title,
            variants=variants,
            image=self.image,
            url=self.url,
            style_code=self.sku,
        )

    def event(self) -> ProductEvent:
        product = self.product()
        if self.kind is EventKind.SOLD_OUT:
            return ProductEvent(kind=self.kind, product=product, variants=product.variants)
        if self.kind is EventKind.PRICE_CHANGE:
            return ProductEvent(kind=self.kind, product=product, new_price=product.price)
        return ProductEvent(kind=self.kind, product=product, variants=product.available_variants)


DEDUP_WINDOW = 600  # seconds: the same message twice within it is one event; a week later it is news again


def dedup_key(message: InboundMessage, received: datetime) -> str:
    """Same message content in the same 10-minute window, same key: a monitor (or two channels) sending it
    twice makes one event, while the same restock days later is a new one."""
    canonical = json.dumps(
        {
            "store": message.store_url,
            "kind": message.kind.value,
            "title": message.title,
            "url": message.url,
            "handle": message.handle,
            "sku": message.sku,
            "price": message.price,
            "sizes": list(message.sizes),
            "variants": [[v.id, v.size, v.price, v.available] for v in message.variants],
            "window": int(received.timestamp()) // DEDUP_WINDOW,
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return "inbound:" + hashlib.sha256(canonical.encode()).hexdigest()[:40]


def is_inbound(event: StoredEvent) -> bool:
    return event.dedup_key.startswith("inbound:")


def has_placeholder_variants(product: Product) -> bool:
    """Variants an inbound message named only by size (ids `<product>:<size>`): no cart can be built from
    them, so a checkout looks the product up in the store instead."""
    return any(v.id.startswith(f"{product.id}:") for v in product.variants)


def parse_message(data: object) -> InboundMessage:
    """A Discord-webhook-like body (`{"embeds": [...]}`) or the simple shape (`{"store_url", ...}`).

    Prices in a message are in major units as monitors write them (`"$180.00"`, `180`); raises
    InvalidInboundMessage naming what is missing or malformed.
    """
    if not isinstance(data, Mapping):
        raise InvalidInboundMessage("the body must be a JSON object")
    if "embeds" in data:
        return _from_embeds(data["embeds"])
    return _from_simple(data)


def _from_simple(data: Mapping[str, Any]) -> InboundMessage:
    store_url = _required(data.get("store_url"), "store_url")
    title = _required(data.get("title"), "title")
    kind = _kind(data.get("kind", EventKind.RESTOCK.value))
    price = parse_price(data.get("price"), "price")
    sizes = data.get("sizes", [])
    if not isinstance(sizes, list) or not all(isinstance(s, str | int | float) for s in sizes):
        raise InvalidInboundMessage("sizes must be a list of sizes")
    raw_variants = data.get("variants", [])
    if not isinstance(raw_variants, list):
        raise InvalidInboundMessage("variants must be a list")
    variants = tuple(_variant(v, i, price) for i, v in enumerate(raw_variants))
    return InboundMessage(
        store_url=_http_url(store_url, "store_url"),
        kind=kind,
        title=title,
        url=_optional_url(data.get("url"), "url"),
        handle=_text(data.get("handle"), "handle"),
        sku=_text(data.get("sku"), "sku"),
        price=price,
        sizes=tuple(str(s).strip() for s in sizes if str(s).strip()),
        variants=variants,
        image=_optional_url(data.get("image"), "image"),
    )


def _variant(raw: object, index: int, default_price: int | None) -> Variant:
    where = f"variants[{index}]"
    if not isinstance(raw, Mapping):
        raise InvalidInboundMessage(f"{where} must be an object")
    vid = raw.get("id")
    if not isinstance(vid, str | int) or isinstance(vid, bool) or not str(vid).strip():
        raise InvalidInboundMessage(f"{where}.id is required")
    size = _required(raw.get("size"), f"{where}.size")
    price = parse_price(raw.get("price"), f"{where}.price")
    available = raw.get("available", True)
    if not isinstance(available, bool):
        raise InvalidInboundMessage(f"{where}.available must be true or false")
    return Variant(
        id=str(vid).strip(),
        size=size,
        price=price if price is not None else (default_price or 0),
        available=available,
    )


_FIELD_ALIASES = {
    "size": "sizes",
    "sizes": "sizes",
    "price": "price",
    "store": "store",
    "site": "store",
    "sku": "sku",
    "style code": "sku",
    "pid": "sku",
    "type": "kind",
    "event": "kind",
}
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")  # markdown [label](url) -> label


def _from_embeds(embeds: object) -> InboundMessage:
    if not isinstance(embeds, list) or not embeds or not isinstance(embeds[0], Mapping):
        raise InvalidInboundMessage("embeds must be a non-empty list of objects")
    embed = embeds[0]
    title = _required(embed.get("title"), "embeds[0].title")
    url = _optional_url(embed.get("url"), "embeds[0].url")
    fields: dict[str, str] = {}
    raw_fields = embed.get("fields", [])
    if not isinstance(raw_fields, list):
        raise InvalidInboundMessage("embeds[0].fields must be a list")
    for f in raw_fields:
        if isinstance(f, Mapping) and isinstance(f.get("name"), str) and isinstance(f.get("value"), str):
            key = _FIELD_ALIASES.get(f["name"].strip().lower())
            if key is not None and key not in fields:
                fields[key] = _LINK.sub(r"\1", f["value"]).strip()
    store_url = _embed_store_url(fields.get("store"), url)
    thumbnail = embed.get("thumbnail")
    image = thumbnail.get("url") if isinstance(thumbnail, Mapping) else None
    return InboundMessage(
        store_url=store_url,
        kind=_embed_kind(fields.get("kind"), title, embed.get("description")),
        title=title,
        url=url,
        sku=fields.get("sku") or None,
        price=parse_price(fields.get("price"), "Price"),
        sizes=_split_sizes(fields.get("sizes", "")),
        image=image if isinstance(image, str) and image.startswith(("http://", "https://")) else None,
    )


def _embed_store_url(store: str | None, url: str | None) -> str:
    if store and store.startswith(("http://", "https://")):
        return _http_url(store, "Store")
    if url:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"
    raise InvalidInboundMessage("the embed needs a url or a Store field with the store's URL")


def _embed_kind(named: str | None, title: str, description: object) -> EventKind:
    if named:
        return _kind(named.strip().lower().replace(" ", "_").replace("-", "_"))
    text = f"{title} {description if isinstance(description, str) else ''}".lower()
    if "restock" in text:
        return EventKind.RESTOCK
    if "sold out" in text or "sold_out" in text:
        return EventKind.SOLD_OUT
    if "price" in text:
        return EventKind.PRICE_CHANGE
    if "new" in text:
        return EventKind.NEW_PRODUCT
    return EventKind.RESTOCK


_STOCK_NOTE = re.compile(r"\s*[\[(][^\])]*[\])]\s*$")  # "9 [3]", "9.5 (x2)": a stock count, not the size


def _split_sizes(text: str) -> tuple[str, ...]:
    sizes = (_STOCK_NOTE.sub("", part).strip() for part in re.split(r"[,\n|;]+", text))
    return tuple(dict.fromkeys(s for s in sizes if s and len(s) <= 32))


_PRICE = re.compile(r"\d[\d.,]*")


def parse_price(value: object, where: str) -> int | None:
    """`180`, `180.5`, `"$180.00"`, `"€ 1.299,99"`, `"180 USD"` -> minor units; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidInboundMessage(f"{where}: not a price")
    if isinstance(value, int | float):
        if value < 0 or value > 10**7:
            raise InvalidInboundMessage(f"{where}: not a price")
        return round(value * 100)
    if not isinstance(value, str) or not (found := _PRICE.search(value)):
        raise InvalidInboundMessage(f"{where}: not a price")
    number = found.group(0).rstrip(".,")
    # The last separator followed by exactly two digits is the decimal mark; any other is grouping.
    decimals = re.search(r"[.,](\d{2})$", number)
    whole = re.sub(r"[.,]", "", number[: decimals.start()] if decimals else number)
    if not whole or len(whole) > 9:
        raise InvalidInboundMessage(f"{where}: not a price")
    return int(whole) * 100 + (int(decimals.group(1)) if decimals else 0)


def _kind(value: object) -> EventKind:
    kind = next((k for k in INBOUND_KINDS if k.value == value), None)
    if kind is None:
        allowed = ", ".join(sorted(k.value for k in INBOUND_KINDS))
        raise InvalidInboundMessage(f"kind must be one of {allowed}")
    return kind


def _required(value: object, where: str) -> str:
    text = _text(value, where)
    if text is None:
        raise InvalidInboundMessage(f"{where} is required")
    return text


def _text(value: object, where: str) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise InvalidInboundMessage(f"{where} must be text")
    text = str(value).strip()
    if len(text) > 1000:
        raise InvalidInboundMessage(f"{where} is too long")
    return text


def _http_url(value: str | None, where: str) -> str:
    if not value or not value.startswith(("http://", "https://")) or not urlsplit(value).netloc:
        raise InvalidInboundMessage(f"{where} must be an http(s) URL")
    return value


def _optional_url(value: object, where: str) -> str | None:
    text = _text(value, where)
    return _http_url(text, where) if text is not None else None


def _url_handle(url: str | None) -> str | None:
    if not url:
        return None
    path = urlsplit(url).path.rstrip("/")
    if "/products/" in path:
        return path.rsplit("/products/", 1)[1].split("/", 1)[0] or None
    return None


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:200] or "product"
