"""Inbound webhook messages: signatures with a replay window, the two message shapes, prices, dedup keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from phantom.domain.events import EventKind
from phantom.domain.inbound import (
    InboundChannel,
    InvalidInboundChannel,
    InvalidInboundMessage,
    dedup_key,
    has_placeholder_variants,
    parse_message,
    parse_price,
    sign,
    signature_ok,
    validate_channel_name,
)

NOW = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
TS = str(int(NOW.timestamp()))
BODY = b'{"store_url": "https://kith.com", "title": "Dunk"}'


class TestSignature:
    def test_the_sender_signature_verifies(self) -> None:
        signature = sign("s3cret", TS, BODY)
        assert signature.startswith("sha256=") and len(signature) == 7 + 64
        assert signature_ok("s3cret", TS, BODY, signature, NOW)
        assert signature_ok("s3cret", TS, BODY, signature.upper().replace("SHA256", "sha256"), NOW)

    @pytest.mark.parametrize(
        ("secret", "timestamp", "body"),
        [
            ("other", TS, BODY),  # wrong secret
            ("s3cret", TS, BODY + b" "),  # body changed
            ("s3cret", str(int(TS) + 1), BODY),  # timestamp changed (it is signed)
        ],
    )
    def test_anything_changed_fails(self, secret: str, timestamp: str, body: bytes) -> None:
        assert not signature_ok(secret, timestamp, body, sign("s3cret", TS, BODY), NOW)

    def test_missing_parts_fail(self) -> None:
        assert not signature_ok("s3cret", None, BODY, sign("s3cret", TS, BODY), NOW)
        assert not signature_ok("s3cret", TS, BODY, None, NOW)
        assert not signature_ok("s3cret", "soon", BODY, sign("s3cret", "soon", BODY), NOW)

    def test_a_replay_outside_five_minutes_fails(self) -> None:
        signature = sign("s3cret", TS, BODY)
        assert signature_ok("s3cret", TS, BODY, signature, NOW + timedelta(seconds=299))
        assert not signature_ok("s3cret", TS, BODY, signature, NOW + timedelta(seconds=301))
        assert not signature_ok("s3cret", TS, BODY, signature, NOW - timedelta(seconds=301))


class TestChannel:
    def test_repr_hides_the_secret(self) -> None:
        channel = InboundChannel(id="i1", name="monitor", secret="whsec_SECRET", created_at=NOW)
        assert "SECRET" not in repr(channel) and "monitor" in repr(channel)

    @pytest.mark.parametrize("name", ["", "Monitor", "a b", "-x", "x" * 65, "a/b"])
    def test_names_fit_in_a_url_path(self, name: str) -> None:
        with pytest.raises(InvalidInboundChannel):
            validate_channel_name(name)
        assert validate_channel_name("cook-group_1") == "cook-group_1"


class TestSimpleMessage:
    def test_full_message(self) -> None:
        message = parse_message(
            {
                "store_url": "https://kith.com",
                "kind": "new_product",
                "title": "Nike Dunk Low",
                "url": "https://kith.com/products/dunk-low",
                "sku": "DD1391-100",
                "price": 110,
                "variants": [
                    {"id": 401, "size": "9", "available": True},
                    {"id": "402", "size": "10", "price": "120.00", "available": False},
                ],
            }
        )
        product = message.product()
        assert message.kind is EventKind.NEW_PRODUCT and message.price == 11000
        assert (product.id, product.handle, product.style_code) == ("dunk-low", "dunk-low", "DD1391-100")
        assert [(v.id, v.size, v.price, v.available) for v in product.variants] == [
            ("401", "9", 11000, True),
            ("402", "10", 12000, False),
        ]
        event = message.event()
        assert [v.id for v in event.variants] == ["401"], "a new product event offers what is in stock"

    def test_sizes_without_variants(self) -> None:
        message = parse_message(
            {"store_url": "https://kith.com", "title": "Jordan 1 High", "sizes": ["9", 10, "10.5"]}
        )
        product = message.product()
        assert message.kind is EventKind.RESTOCK
        assert product.handle == "jordan-1-high"
        assert [(v.id, v.size, v.available) for v in product.variants] == [
            ("jordan-1-high:9", "9", True),
            ("jordan-1-high:10", "10", True),
            ("jordan-1-high:10.5", "10.5", True),
        ]

    @pytest.mark.parametrize(
        ("data", "match"),
        [
            ([], "JSON object"),
            ({"title": "x"}, "store_url"),
            ({"store_url": "ftp://x", "title": "x"}, "store_url"),
            ({"store_url": "https://kith.com"}, "title"),
            ({"store_url": "https://kith.com", "title": "x", "kind": "checkout_link"}, "kind"),
            ({"store_url": "https://kith.com", "title": "x", "price": "free"}, "price"),
            ({"store_url": "https://kith.com", "title": "x", "sizes": "9"}, "sizes"),
            ({"store_url": "https://kith.com", "title": "x", "variants": [{"size": "9"}]}, "id"),
            (
                {
                    "store_url": "https://kith.com",
                    "title": "x",
                    "variants": [{"id": 1, "size": "9", "available": "y"}],
                },
                "available",
            ),
        ],
    )
    def test_malformed_messages_name_the_problem(self, data: object, match: str) -> None:
        with pytest.raises(InvalidInboundMessage, match=match):
            parse_message(data)


class TestDiscordMessage:
    def embed(self, **changes: object) -> dict[str, object]:
        embed: dict[str, object] = {
            "title": "Nike Dunk Low Retro - Restock",
            "url": "https://kith.com/products/dunk-low?variant=1",
            "fields": [
                {"name": "Sizes", "value": "[9](https://kith.com/cart/1:1) | 9.5 [3]\n10 (x2)"},
                {"name": "Price", "value": "$110.00"},
                {"name": "SKU", "value": "DD1391-100"},
            ],
            "thumbnail": {"url": "https://cdn.example/dunk.png"},
        }
        embed.update(changes)
        return {"username": "Monitor", "embeds": [embed]}

    def test_a_monitor_embed_becomes_a_restock(self) -> None:
        message = parse_message(self.embed())
        assert message.store_url == "https://kith.com"
        assert message.kind is EventKind.RESTOCK
        assert message.sizes == ("9", "9.5", "10")
        assert (message.price, message.sku, message.image) == (
            11000,
            "DD1391-100",
            "https://cdn.example/dunk.png",
        )
        assert message.product().handle == "dunk-low"

    def test_store_field_and_kind_field(self) -> None:
        message = parse_message(
            self.embed(
                title="Air Max 1",
                url="https://cdn.example/x",
                fields=[
                    {"name": "Store", "value": "https://www.footlocker.com/"},
                    {"name": "Type", "value": "New Product"},
                    {"name": "Size", "value": "US 9"},
                ],
            )
        )
        assert message.store_url == "https://www.footlocker.com/"
        assert message.kind is EventKind.NEW_PRODUCT and message.sizes == ("US 9",)

    def test_an_embed_needs_a_title_and_a_store(self) -> None:
        with pytest.raises(InvalidInboundMessage, match="title"):
            parse_message({"embeds": [{"url": "https://kith.com/x"}]})
        with pytest.raises(InvalidInboundMessage, match="Store"):
            parse_message({"embeds": [{"title": "x"}]})
        with pytest.raises(InvalidInboundMessage, match="embeds"):
            parse_message({"embeds": []})


class TestPricesAndDedup:
    @pytest.mark.parametrize(
        ("value", "cents"),
        [
            (180, 18000),
            (180.5, 18050),
            ("$180.00", 18000),
            ("€ 1.299,99", 129999),
            ("1,299.99 USD", 129999),
            ("180 USD", 18000),
            (None, None),
            ("", None),
        ],
    )
    def test_prices_as_monitors_write_them(self, value: object, cents: int | None) -> None:
        assert parse_price(value, "price") == cents

    def test_same_content_in_the_same_window_same_key(self) -> None:
        data = {"store_url": "https://kith.com", "title": "Dunk", "sizes": ["9"]}
        now = datetime(2026, 11, 27, 10, 0, 5, tzinfo=UTC)
        assert dedup_key(parse_message(data), now) == dedup_key(
            parse_message(dict(data)), now + timedelta(minutes=5)
        )
        assert dedup_key(parse_message(data), now) != dedup_key(parse_message({**data, "sizes": ["10"]}), now)
        assert dedup_key(parse_message(data), now).startswith("inbound:")

    def test_the_same_restock_a_week_later_is_news_again(self) -> None:
        data = {"store_url": "https://kith.com", "title": "Dunk", "sizes": ["9"]}
        now = datetime(2026, 11, 27, 10, 0, 5, tzinfo=UTC)
        assert dedup_key(parse_message(data), now) != dedup_key(parse_message(data), now + timedelta(days=7))

    def test_size_only_variants_are_placeholders(self) -> None:
        sized = parse_message({"store_url": "https://kith.com", "title": "Dunk", "sizes": ["9"]}).product()
        real = parse_message(
            {"store_url": "https://kith.com", "title": "Dunk", "variants": [{"id": "123", "size": "9"}]}
        ).product()
        assert has_placeholder_variants(sized) and not has_placeholder_variants(real)
