"""Reading alerts back from sink messages, with Phantom's own embed builder as the source."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bench.alerts import phantom_alerts, product_path, raw_alerts
from phantom.domain.events import EventKind, ProductEvent, StoredEvent
from phantom.domain.models import Product, Variant
from phantom.notifications.embeds import build_discord_payload

STORE_URL = "http://127.0.0.1:8800/shop/bench-3"


def _event(kind: EventKind) -> StoredEvent:
    variants = (Variant("1", "9", 15000, True), Variant("2", "10", 15000, False))
    product = Product("42", "bench-bench-3-drop-7", "Bench Drop bench-3 7", variants)
    ev = ProductEvent(kind, product, variants[:1], old_price=14000, new_price=15000)
    return StoredEvent("e1", "s1", "bench-3", STORE_URL, "k", datetime.now(UTC), ev)


@pytest.mark.parametrize(
    "kind", [EventKind.NEW_PRODUCT, EventKind.RESTOCK, EventKind.SOLD_OUT, EventKind.PRICE_CHANGE]
)
def test_phantom_embeds_give_store_handle_and_kind(kind: EventKind) -> None:
    message = {"received_at": 12.5, "body": build_discord_payload(_event(kind))}
    alerts, unreadable = phantom_alerts([message])
    assert unreadable == 0
    assert [(a.store, a.handle, a.kind, a.received_at) for a in alerts] == [
        ("bench-3", "bench-bench-3-drop-7", kind.value, 12.5)
    ]


def test_unreadable_messages_are_counted_not_guessed() -> None:
    messages = [{"received_at": 1.0, "body": {"content": "hello"}}, {"received_at": 1.0, "body": "text"}]
    assert phantom_alerts(messages) == ([], 2)
    assert raw_alerts(messages) == ([], 2)


def test_raw_alerts() -> None:
    body = {"store": "bench-1", "handle": "h", "kind": "restock", "sizes": ["9"]}
    alerts, unreadable = raw_alerts([{"received_at": 3.0, "body": body}])
    assert unreadable == 0 and [(a.store, a.handle, a.kind) for a in alerts] == [("bench-1", "h", "restock")]


def test_product_path() -> None:
    assert product_path("http://127.0.0.1:1/shop/s-1/products/a-b") == ("s-1", "a-b")
    assert product_path("http://127.0.0.1:1/shop/s-1") is None
