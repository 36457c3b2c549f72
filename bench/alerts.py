"""Turn recorded sink messages into `Alert`s: Phantom's Discord embeds and the raw poller's JSON."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote, urlsplit

from bench.scenario import Alert
from phantom.notifications.embeds import KIND_WORDS

_KIND_BY_WORDS = {words: kind.value for kind, words in KIND_WORDS.items()}


def product_path(url: str) -> tuple[str, str] | None:
    """`http://…/shop/<store>/products/<handle>` -> (store, handle)."""
    parts = [unquote(p) for p in urlsplit(url).path.split("/") if p]
    if len(parts) >= 4 and parts[-4] == "shop" and parts[-2] == "products":
        return parts[-3], parts[-1]
    return None


def from_embed(embed: Any, received_at: float) -> Alert | None:
    """One Phantom embed: the product link gives store and handle, the "Event" field the kind."""
    if not isinstance(embed, dict):
        return None
    where = product_path(str(embed.get("url", "")))
    fields = embed.get("fields") or []
    words = next((f.get("value") for f in fields if isinstance(f, dict) and f.get("name") == "Event"), None)
    kind = _KIND_BY_WORDS.get(str(words))
    if where is None or kind is None:
        return None
    return Alert(where[0], where[1], kind, received_at)


def phantom_alerts(messages: Iterable[dict[str, Any]]) -> tuple[list[Alert], int]:
    """Alerts in Phantom's sink messages, and how many messages could not be read as one."""
    alerts, unreadable = [], 0
    for m in messages:
        body = m.get("body")
        embeds = body.get("embeds") if isinstance(body, dict) else None
        parsed = [from_embed(e, float(m["received_at"])) for e in embeds or [None]]
        alerts += [a for a in parsed if a is not None]
        unreadable += sum(1 for a in parsed if a is None)
    return alerts, unreadable


def raw_alerts(messages: Iterable[dict[str, Any]]) -> tuple[list[Alert], int]:
    """Alerts in the raw poller's sink messages: `{store, handle, kind, sizes}` bodies."""
    alerts, unreadable = [], 0
    for m in messages:
        body = m.get("body")
        if isinstance(body, dict) and {"store", "handle", "kind"} <= body.keys():
            alerts.append(
                Alert(str(body["store"]), str(body["handle"]), str(body["kind"]), float(m["received_at"]))
            )
        else:
            unreadable += 1
    return alerts, unreadable
