"""Discord embeds and plain-text renderings of events. Pure: no I/O, no clock, no logging.

Discord refuses a whole message (400, code 50035) when one embed limit is exceeded, and an alert that
never arrives is worse than a shortened one. So every limit is enforced here, before anything is sent:
long strings are cut with an ellipsis, size links fall back to plain sizes, and long size lists end in
"… +N more". Lengths are counted in UTF-16 code units (what Discord's JavaScript counts), which is never
less than the number of code points.
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import quote, urlencode

from phantom.domain.events import CHECKOUT_KINDS, EventKind, StoredEvent
from phantom.domain.models import Product, Variant

TITLE_LIMIT: Final = 256
DESCRIPTION_LIMIT: Final = 4096
FIELDS_LIMIT: Final = 25
FIELD_NAME_LIMIT: Final = 256
FIELD_VALUE_LIMIT: Final = 1024
FOOTER_LIMIT: Final = 2048
AUTHOR_LIMIT: Final = 256
TOTAL_LIMIT: Final = 6000
URL_LIMIT: Final = 2048

ELLIPSIS: Final = "…"
BOT_NAME: Final = "Phantom"

COLOURS: Final[dict[EventKind, int]] = {
    EventKind.NEW_PRODUCT: 0x2ECC71,  # green
    EventKind.NEW_VARIANT: 0x1ABC9C,  # teal
    EventKind.RESTOCK: 0x3498DB,  # blue
    EventKind.SOLD_OUT: 0x95A5A6,  # grey
    EventKind.PRICE_CHANGE: 0xF39C12,  # amber
    EventKind.PASSWORD_UP: 0x9B59B6,  # purple
    EventKind.PASSWORD_DOWN: 0xF1C40F,  # gold: the doors are open
    EventKind.CHECKOUT_LINK: 0x5865F2,  # blurple: a link waiting for the person
    EventKind.CHECKOUT_SUCCESS: 0x27AE60,  # deep green
    EventKind.CHECKOUT_FAILED: 0xC0392B,  # red
    EventKind.NEEDS_ACTION: 0xE67E22,  # orange: someone has to act
}

KIND_WORDS: Final[dict[EventKind, str]] = {
    EventKind.NEW_PRODUCT: "New product",
    EventKind.NEW_VARIANT: "New sizes",
    EventKind.RESTOCK: "Restock",
    EventKind.SOLD_OUT: "Sold out",
    EventKind.PRICE_CHANGE: "Price change",
    EventKind.PASSWORD_UP: "Password page up",
    EventKind.PASSWORD_DOWN: "Password page down",
    EventKind.CHECKOUT_LINK: "Checkout ready",
    EventKind.CHECKOUT_SUCCESS: "Checkout success",
    EventKind.CHECKOUT_FAILED: "Checkout failed",
    EventKind.NEEDS_ACTION: "Action needed",
}

_SIZE_SEPARATOR: Final = " · "
_SIZE_LABEL_LIMIT: Final = 100
_MD_SPECIAL: Final = frozenset("\\[]()*_~`|>#")


# ---- public API -------------------------------------------------------------------------------------


def build_discord_payload(
    event: StoredEvent, *, currency: str = "$", dashboard_url: str | None = None
) -> dict[str, Any]:
    """The webhook body for one event: one rich embed, no mentions, always within Discord's limits.

    With `dashboard_url`, a drop or restock carries a "Quick task" link to the dashboard's
    `/quicktask?store=…&product=…` page, which starts a checkout task in one click."""
    if event.event.product is None:
        embed = _password_embed(event)
    else:
        embed = _product_embed(event, event.event.product, currency)
        _add_quick_task(embed, event, event.event.product, dashboard_url)
    return {"username": BOT_NAME, "allowed_mentions": {"parse": []}, "embeds": [_fit(embed)]}


def render_text(event: StoredEvent, *, currency: str = "$") -> tuple[str, str]:
    """(title, body) in plain text, for channels without embeds (Apprise, desktop)."""
    store = _store_name(event)
    words = KIND_WORDS[event.kind]
    product = event.event.product
    if product is None:
        return f"{words} — {store}", f"{store}: {event.store_url}"
    lines = [f"Store: {store}", f"Price: {_price_text(event, product, currency, markdown=False)}"]
    sizes = _sizes_for(event, product)
    if sizes:
        label = "Sizes gone" if event.kind is EventKind.SOLD_OUT else "Sizes"
        lines.append(f"{label}: {', '.join(_clean(v.size) for v in sizes)}")
    if event.event.removed:
        lines.append("Removed from the store.")
    if event.event.detail:
        lines.append(event.event.detail)
    url = event.event.link or event.product_url()
    if url:
        lines.append(f"{'Checkout' if event.event.link else 'Link'}: {url}")
    return f"{words}: {_product_title(product)}", "\n".join(lines)


def format_price(cents: int, currency: str = "$") -> str:
    """12345 -> "$123.45"; 145000 -> "$1,450.00". Currency-agnostic: the store's own symbol is unknown."""
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(cents), 100)
    return f"{sign}{currency}{whole:,}.{frac:02d}"


def text_length(text: str) -> int:
    """Length as Discord counts it (UTF-16 code units)."""
    if text.isascii():  # the usual case, without a per-character loop
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def truncate(text: str, limit: int) -> str:
    """Cut to at most `limit` UTF-16 units, ending in an ellipsis when cut."""
    if text_length(text) <= limit:
        return text
    if limit <= 0:
        return ""
    out: list[str] = []
    used = 0
    for ch in text:
        width = 2 if ord(ch) > 0xFFFF else 1
        if used + width > limit - 1:
            break
        out.append(ch)
        used += width
    return "".join(out) + ELLIPSIS


def embed_length(embed: dict[str, Any]) -> int:
    """Characters Discord counts toward its 6000 per-message total."""
    total = text_length(embed.get("title", "")) + text_length(embed.get("description", ""))
    total += text_length(embed.get("footer", {}).get("text", ""))
    total += text_length(embed.get("author", {}).get("name", ""))
    for f in embed.get("fields", []):
        total += text_length(f["name"]) + text_length(f["value"])
    return total


# ---- embeds -----------------------------------------------------------------------------------------


def quick_task_url(dashboard_url: str, event: StoredEvent, product: Product, size: str | None = None) -> str:
    params = {"store": event.store_url, "product": product.handle or product.id}
    if size is not None:
        params["size"] = size
    return f"{dashboard_url.rstrip('/')}/quicktask?{urlencode(params)}"


def _add_quick_task(
    embed: dict[str, Any], event: StoredEvent, product: Product, dashboard_url: str | None
) -> None:
    if dashboard_url is None or event.kind in CHECKOUT_KINDS or event.kind is EventKind.SOLD_OUT:
        return
    fields: list[dict[str, Any]] = embed.setdefault("fields", [])
    value = _link("Start a task", quick_task_url(dashboard_url, event, product))
    field = _field("Quick task", value, inline=True)
    if len(fields) < FIELDS_LIMIT and embed_length(embed) + len(field["name"]) + len(value) <= TOTAL_LIMIT:
        fields.insert(min(len(fields), 4), field)


def _password_embed(event: StoredEvent) -> dict[str, Any]:
    store = _store_name(event)
    up = event.kind is EventKind.PASSWORD_UP
    embed = _base_embed(event)
    embed["title"] = truncate(f"Password page {'up' if up else 'down'} — {store}", TITLE_LIMIT)
    _set_url(embed, "url", event.store_url)
    embed["description"] = (
        "The store is behind its password page: a drop may be loading."
        if up
        else "The password page is gone: the store is open."
    )
    embed["fields"] = [
        _field("Event", KIND_WORDS[event.kind], inline=True),
        _field("Store", _link(store, event.store_url), inline=True),
    ]
    return embed


def _product_embed(event: StoredEvent, product: Product, currency: str) -> dict[str, Any]:
    embed = _base_embed(event)
    title = _product_title(product)
    if event.event.link is not None:  # checkout kinds: the title opens the checkout
        title = f"{KIND_WORDS[event.kind]}: {title}"
    embed["title"] = truncate(title, TITLE_LIMIT)
    _set_url(embed, "url", event.event.link or event.product_url())
    image = _absolute(product.image)
    if image is not None and len(image) <= URL_LIMIT:
        embed["thumbnail"] = {"url": image}
    description = _description(event, product)
    if description:
        embed["description"] = truncate(description, DESCRIPTION_LIMIT)
    fields = [
        _field("Event", KIND_WORDS[event.kind], inline=True),
        _field("Price", _price_text(event, product, currency, markdown=True), inline=True),
        _field("Store", _link(_store_name(event), event.store_url), inline=True),
    ]
    if product.style_code:
        fields.append(_field("Style", _clean(product.style_code), inline=True))
    embed["fields"] = fields
    budget = TOTAL_LIMIT - embed_length(embed)
    embed["fields"] = fields + _size_fields(event, product, FIELDS_LIMIT - len(fields), budget)
    return embed


def _base_embed(event: StoredEvent) -> dict[str, Any]:
    embed: dict[str, Any] = {
        "color": COLOURS[event.kind],
        "author": {"name": truncate(_store_name(event), AUTHOR_LIMIT)},
        "footer": {"text": truncate(f"Phantom · event {event.id}", FOOTER_LIMIT)},
        "timestamp": event.detected_at.isoformat(),
    }
    _set_url(embed["author"], "url", event.store_url)
    return embed


def _description(event: StoredEvent, product: Product) -> str:
    parts = []
    if product.vendor.strip():
        parts.append(_clean(product.vendor))
    if event.event.removed:
        parts.append("Removed from the store.")
    if event.event.detail:
        parts.append(_clean(event.event.detail))
    if event.event.link is not None:
        parts.append(_link("Open checkout", event.event.link))
    return "\n".join(parts)


def _price_text(event: StoredEvent, product: Product, currency: str, *, markdown: bool) -> str:
    ev = event.event
    if ev.kind is EventKind.PRICE_CHANGE and ev.old_price is not None and ev.new_price is not None:
        old, new = format_price(ev.old_price, currency), format_price(ev.new_price, currency)
        diff = ev.new_price - ev.old_price
        direction = "up" if diff > 0 else "down" if diff < 0 else "unchanged"
        change = f"{direction} {format_price(abs(diff), currency)}"
        if ev.old_price > 0 and diff:
            change += f", {abs(diff) / ev.old_price:.0%}"
        shown_old = f"~~{old}~~" if markdown else old
        arrow = {"up": "▲ ", "down": "▼ "}.get(direction, "")
        return f"{shown_old} → {new} ({arrow}{change})"
    prices = sorted({v.price for v in (ev.variants or product.variants)})
    if not prices:
        return "unknown"
    if prices[0] == prices[-1]:
        return format_price(prices[0], currency)
    return f"{format_price(prices[0], currency)} to {format_price(prices[-1], currency)}"


# ---- sizes ------------------------------------------------------------------------------------------


def _sizes_for(event: StoredEvent, product: Product) -> tuple[Variant, ...]:
    """The sizes the alert is about: in stock now, or (sold out) the ones that went."""
    ev = event.event
    if ev.kind is EventKind.SOLD_OUT:
        return ev.variants
    if ev.kind is EventKind.PRICE_CHANGE:
        return product.available_variants
    return tuple(v for v in ev.variants if v.available)


def _size_fields(event: StoredEvent, product: Product, max_fields: int, budget: int) -> list[dict[str, Any]]:
    sizes = _sizes_for(event, product)
    sold_out = event.kind is EventKind.SOLD_OUT
    if not sizes:
        empty = [] if sold_out else [_field("Sizes", "none in stock")]
        return empty if len(empty) <= max_fields and _fields_length(empty) <= budget else []
    name = f"{'Sizes gone' if sold_out else 'Sizes'} ({len(sizes)})"
    plain = [truncate(_md_escape(_clean(v.size)) or "?", _SIZE_LABEL_LIMIT) for v in sizes]
    # Sold-out sizes get no add-to-cart links: there is nothing to add.
    linked = (
        plain if sold_out else [_size_link(event, v, label) for v, label in zip(sizes, plain, strict=True)]
    )
    for items in (linked, plain):
        fields = _chunk_fields(name, items)
        if len(fields) <= max_fields and _fields_length(fields) <= budget:
            return fields
    return _shortened(name, plain, max_fields, budget)


def _size_link(event: StoredEvent, variant: Variant, label: str) -> str:
    url = event.cart_url(variant)
    if url is None or not _is_http(url):
        return label
    link = f"[{label}]({_safe_url(url)})"
    return link if text_length(link) <= FIELD_VALUE_LIMIT else label


def _shortened(name: str, items: list[str], max_fields: int, budget: int) -> list[dict[str, Any]]:
    """The longest prefix of `items`, plus "… +N more", that fits; [] when even the tail does not."""

    def attempt(keep: int) -> list[dict[str, Any]] | None:
        rest = len(items) - keep
        fields = _chunk_fields(name, [*items[:keep], f"{ELLIPSIS} +{rest} more"])
        fits = len(fields) <= max_fields and _fields_length(fields) <= budget
        return fields if fits else None

    lo, hi = 0, len(items) - 1  # keeping everything was already tried by the caller
    best = attempt(0)
    if best is None:
        return []
    while lo < hi:
        mid = (lo + hi + 1) // 2
        fields = attempt(mid)
        if fields is None:
            hi = mid - 1
        else:
            lo, best = mid, fields
    return best


def _chunk_fields(name: str, items: list[str]) -> list[dict[str, Any]]:
    """Pack items into as few field values (≤ 1024 each) as they need."""
    values: list[str] = []
    current = ""
    for item in items:
        item = truncate(item, FIELD_VALUE_LIMIT)
        candidate = f"{current}{_SIZE_SEPARATOR}{item}" if current else item
        if text_length(candidate) <= FIELD_VALUE_LIMIT:
            current = candidate
        else:
            values.append(current)
            current = item
    if current:
        values.append(current)
    return [_field(name if i == 0 else f"{name.split(' (')[0]} (cont.)", v) for i, v in enumerate(values)]


def _fields_length(fields: list[dict[str, Any]]) -> int:
    return sum(text_length(f["name"]) + text_length(f["value"]) for f in fields)


# ---- limits -----------------------------------------------------------------------------------------


def _fit(embed: dict[str, Any]) -> dict[str, Any]:
    """Last line of defence: whatever was built, the embed leaves within every Discord limit."""
    embed["fields"] = embed.get("fields", [])[:FIELDS_LIMIT]
    for key, limit in (("title", TITLE_LIMIT), ("description", DESCRIPTION_LIMIT)):
        if key in embed:
            embed[key] = truncate(embed[key], limit)
    embed["footer"]["text"] = truncate(embed["footer"]["text"], FOOTER_LIMIT)
    embed["author"]["name"] = truncate(embed["author"]["name"], AUTHOR_LIMIT)
    while embed["fields"] and embed_length(embed) > TOTAL_LIMIT:
        embed["fields"].pop()
    for owner, key in ((embed, "description"), (embed["footer"], "text"), (embed, "title")):
        overflow = embed_length(embed) - TOTAL_LIMIT
        if overflow > 0 and key in owner:
            owner[key] = truncate(owner[key], max(text_length(owner[key]) - overflow, 1))
    if not embed["fields"]:
        del embed["fields"]
    return embed


# ---- small helpers ----------------------------------------------------------------------------------


def _field(name: str, value: str, *, inline: bool = False) -> dict[str, Any]:
    return {
        "name": truncate(name.strip() or "\u200b", FIELD_NAME_LIMIT),
        "value": truncate(value.strip() or "\u200b", FIELD_VALUE_LIMIT),
        "inline": inline,
    }


def _clean(text: str) -> str:
    """Single-line, valid UTF-8 (lone surrogates would make the JSON encoder fail)."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return " ".join(text.split())


def _product_title(product: Product) -> str:
    return _clean(product.title) or "Untitled product"


def _store_name(event: StoredEvent) -> str:
    return _clean(event.store_name) or event.store_url


def _md_escape(text: str) -> str:
    return "".join(f"\\{ch}" if ch in _MD_SPECIAL else ch for ch in text)


def _link(label: str, url: str | None) -> str:
    text = truncate(_md_escape(label), 200)
    if url is None or not _is_http(url) or len(url) > URL_LIMIT:
        return text
    return f"[{text}]({_safe_url(url)})"


def _safe_url(url: str) -> str:
    """Percent-encode what would end a markdown link early or is not allowed in a URL."""
    return quote(url, safe=":/?#@!$&'*+,;=%-._~")


def _is_http(url: str) -> bool:
    return url.startswith(("http://", "https://")) and " " not in url


def _absolute(url: str | None) -> str | None:
    if not url:
        return None
    if url.startswith("//"):
        url = "https:" + url
    return url if _is_http(url) else None


def _set_url(target: dict[str, Any], key: str, url: str | None) -> None:
    if url is not None and _is_http(url) and len(url) <= URL_LIMIT:
        target[key] = _safe_url(url)
