"""Event envelopes: identity, relevant variants and the links an alert carries."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from phantom.domain.events import (
    ALL_KINDS,
    CHECKOUT_KINDS,
    DEFAULT_ALERT_KINDS,
    EventKind,
    ProductEvent,
    StoredEvent,
    dedup_key,
)
from phantom.domain.models import Product
from tests.unit.domain.builders import dunk

NOW = datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC)
STORE_URL = "https://kith.com"


def stored(event: ProductEvent, store_url: str = STORE_URL) -> StoredEvent:
    return StoredEvent(
        id="e1",
        store_id="s1",
        store_name="Kith",
        store_url=store_url,
        dedup_key=dedup_key("s1", 1, event),
        detected_at=NOW,
        event=event,
    )


class TestKinds:
    def test_default_alerts_are_store_changes_but_sold_out(self) -> None:
        assert {EventKind.SOLD_OUT} | CHECKOUT_KINDS == ALL_KINDS - DEFAULT_ALERT_KINDS

    def test_kind_values_are_the_wire_names(self) -> None:
        assert EventKind("price_change") is EventKind.PRICE_CHANGE
        assert {k.value for k in EventKind} == {
            "new_product",
            "new_variant",
            "restock",
            "sold_out",
            "price_change",
            "password_up",
            "password_down",
            "checkout_link",
            "checkout_success",
            "checkout_failed",
            "needs_action",
        }


class TestDedupKey:
    def test_key_names_store_version_kind_and_product(self) -> None:
        event = ProductEvent(kind=EventKind.RESTOCK, product=dunk(sizes={"9": True}))
        assert dedup_key("kith", 7, event) == "kith:7:restock:dunk"

    def test_store_level_events_have_an_empty_product_part(self) -> None:
        assert dedup_key("kith", 2, ProductEvent(kind=EventKind.PASSWORD_UP)) == "kith:2:password_up:"

    def test_keys_differ_by_version_so_a_later_restock_is_new(self) -> None:
        event = ProductEvent(kind=EventKind.RESTOCK, product=dunk(sizes={"9": True}))
        assert dedup_key("kith", 1, event) != dedup_key("kith", 2, event)


class TestRelevantVariants:
    @pytest.mark.parametrize("kind", [EventKind.NEW_PRODUCT, EventKind.NEW_VARIANT, EventKind.RESTOCK])
    def test_offering_kinds_look_at_in_stock_event_variants(self, kind: EventKind) -> None:
        product = dunk(sizes={"9": True, "10": False})
        event = ProductEvent(kind=kind, product=product, variants=product.variants)
        assert [v.size for v in event.relevant_variants()] == ["9"]

    def test_price_change_looks_at_the_products_in_stock_variants(self) -> None:
        product = dunk(sizes={"9": False, "10": True})
        event = ProductEvent(kind=EventKind.PRICE_CHANGE, product=product, old_price=1, new_price=2)
        assert [v.size for v in event.relevant_variants()] == ["10"]

    def test_sold_out_looks_at_the_variants_that_went(self) -> None:
        product = dunk(sizes={"9": False, "10": False})
        event = ProductEvent(kind=EventKind.SOLD_OUT, product=product, variants=product.variants[:1])
        assert event.relevant_variants() == product.variants[:1]

    def test_store_level_event_has_none(self) -> None:
        assert ProductEvent(kind=EventKind.PASSWORD_UP).relevant_variants() == ()


class TestLinks:
    def test_shopify_product_and_cart_links_derive_from_the_store_url(self) -> None:
        product = dunk(sizes={"9": True})
        event = stored(ProductEvent(kind=EventKind.RESTOCK, product=product, variants=product.variants))
        assert event.kind is EventKind.RESTOCK
        assert event.product_url() == "https://kith.com/products/handle-dunk"
        assert event.cart_url(product.variants[0]) == "https://kith.com/cart/dunk-9:1"
        assert event.cart_url(product.variants[0], quantity=2) == "https://kith.com/cart/dunk-9:2"

    def test_links_keep_a_store_path_prefix(self) -> None:
        product = dunk(sizes={"9": True})
        event = stored(ProductEvent(kind=EventKind.RESTOCK, product=product), store_url="https://x.com/en-us")
        assert event.product_url() == "https://x.com/en-us/products/handle-dunk"
        assert event.cart_url(product.variants[0]) == "https://x.com/en-us/cart/dunk-9:1"

    def test_platforms_with_absolute_product_urls_have_no_cart_permalink(self) -> None:
        product: Product = replace(
            dunk(sizes={"9": True}), url="https://footlocker.example/product/~/FZ8117.html"
        )
        event = stored(ProductEvent(kind=EventKind.RESTOCK, product=product))
        assert event.product_url() == "https://footlocker.example/product/~/FZ8117.html"
        assert event.cart_url(product.variants[0]) is None

    def test_store_level_events_have_no_links(self) -> None:
        event = stored(ProductEvent(kind=EventKind.PASSWORD_DOWN))
        assert event.product_url() is None
        assert event.cart_url(dunk(sizes={"9": True}).variants[0]) is None
