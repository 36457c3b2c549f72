from __future__ import annotations

import re
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from phantom.domain.events import EventKind
from phantom.domain.models import Variant
from phantom.notifications.embeds import (
    COLOURS,
    build_discord_payload,
    format_price,
    render_text,
    text_length,
    truncate,
)
from tests.unit.notifications.factories import STORE_URL, product, restock, stored, variant

LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")


def embed_of(payload: dict[str, Any]) -> dict[str, Any]:
    assert len(payload["embeds"]) == 1
    embed: dict[str, Any] = payload["embeds"][0]
    return embed


def field(embed: dict[str, Any], name: str) -> str:
    values = [
        f["value"] for f in embed.get("fields", []) if f["name"] == name or f["name"].startswith(name + " (")
    ]
    assert values, f"no field {name!r} in {[f['name'] for f in embed.get('fields', [])]}"
    return str(values[0])


def size_values(embed: dict[str, Any]) -> list[str]:
    return [f["value"] for f in embed.get("fields", []) if f["name"].startswith("Sizes")]


def assert_within_discord_limits(payload: dict[str, Any]) -> None:
    """An independent statement of Discord's documented embed limits (counted in UTF-16 units)."""

    def n(text: str) -> int:
        return len(text.encode("utf-16-le")) // 2

    assert len(payload["embeds"]) <= 10
    for embed in payload["embeds"]:
        fields = embed.get("fields", [])
        assert 0 < n(embed.get("title", "x")) <= 256
        assert n(embed.get("description", "")) <= 4096
        assert len(fields) <= 25
        for f in fields:
            assert 0 < n(f["name"]) <= 256
            assert 0 < n(f["value"]) <= 1024
            assert f["name"].strip()
            assert f["value"].strip()
        assert n(embed["footer"]["text"]) <= 2048
        assert n(embed["author"]["name"]) <= 256
        total = n(embed.get("title", "")) + n(embed.get("description", ""))
        total += n(embed["footer"]["text"]) + n(embed["author"]["name"])
        total += sum(n(f["name"]) + n(f["value"]) for f in fields)
        assert total <= 6000
    orjson.dumps(payload)  # always encodable


class TestPayloadEnvelope:
    def test_names_the_bot_and_never_pings_anyone(self):
        payload = build_discord_payload(restock())

        assert payload["username"] == "Phantom"
        assert payload["allowed_mentions"] == {"parse": []}

    def test_footer_carries_the_event_id_and_timestamp_is_detection_time(self):
        embed = embed_of(build_discord_payload(restock(event_id="01HXYZ")))

        assert embed["footer"]["text"] == "Phantom · event 01HXYZ"
        assert embed["timestamp"] == "2025-03-14T09:26:53+00:00"


class TestProductEmbed:
    def test_restock_links_title_to_product_and_shows_store_image_and_price(self):
        embed = embed_of(build_discord_payload(restock()))

        assert embed["title"] == "Nike Dunk Low Panda"
        assert embed["url"] == f"{STORE_URL}/products/dunk-low-panda"
        assert embed["author"] == {"name": "Kith", "url": STORE_URL}
        assert embed["thumbnail"] == {"url": "https://cdn.example/dunk.jpg"}
        assert embed["color"] == COLOURS[EventKind.RESTOCK]
        assert field(embed, "Event") == "Restock"
        assert field(embed, "Price") == "$145.00"
        assert field(embed, "Store") == f"[Kith]({STORE_URL})"

    def test_each_available_size_links_to_its_add_to_cart_permalink(self):
        embed = embed_of(build_discord_payload(restock()))

        links = LINK.findall(field(embed, "Sizes"))
        assert links == [("9", f"{STORE_URL}/cart/101:1"), ("9.5", f"{STORE_URL}/cart/102:1")]
        assert any(f["name"] == "Sizes (2)" for f in embed["fields"])

    def test_footsites_products_have_no_cart_link_so_sizes_are_plain(self):
        prod = product(url="https://www.footlocker.example/product/~/ABC123.html")
        embed = embed_of(build_discord_payload(restock(prod)))

        assert embed["url"] == "https://www.footlocker.example/product/~/ABC123.html"
        assert field(embed, "Sizes") == "9 · 9.5"

    @pytest.mark.parametrize(
        ("kind", "words"),
        [
            (EventKind.NEW_PRODUCT, "New product"),
            (EventKind.NEW_VARIANT, "New sizes"),
            (EventKind.RESTOCK, "Restock"),
            (EventKind.SOLD_OUT, "Sold out"),
            (EventKind.PRICE_CHANGE, "Price change"),
        ],
    )
    def test_every_product_kind_has_its_own_words_and_colour(self, kind, words):
        prod = product()
        embed = embed_of(
            build_discord_payload(stored(kind, prod, prod.variants, old_price=100, new_price=90))
        )

        assert field(embed, "Event") == words
        assert embed["color"] == COLOURS[kind]

    def test_colours_are_distinct_per_kind(self):
        assert len(set(COLOURS.values())) == len(EventKind)
        assert set(COLOURS) == set(EventKind)

    def test_new_product_lists_only_sizes_in_stock(self):
        prod = product()
        embed = embed_of(build_discord_payload(stored(EventKind.NEW_PRODUCT, prod, prod.variants)))

        assert [label for label, _ in LINK.findall(field(embed, "Sizes"))] == ["9", "9.5"]

    def test_new_product_with_nothing_in_stock_says_so(self):
        prod = product(variants=(variant("1", "9", available=False),))
        embed = embed_of(build_discord_payload(stored(EventKind.NEW_PRODUCT, prod, prod.variants)))

        assert field(embed, "Sizes") == "none in stock"

    def test_sold_out_lists_the_sizes_that_went_without_cart_links(self):
        prod = product()
        gone = (variant("101", "9", available=False),)
        embed = embed_of(build_discord_payload(stored(EventKind.SOLD_OUT, prod, gone)))

        assert field(embed, "Sizes gone") == "9"
        assert "/cart/" not in str(embed)

    def test_removed_product_says_it_was_removed(self):
        prod = product()
        embed = embed_of(build_discord_payload(stored(EventKind.SOLD_OUT, prod, prod.variants, removed=True)))

        assert "Removed from the store." in embed["description"]

    def test_style_code_is_shown_when_known(self):
        embed = embed_of(build_discord_payload(restock(product(style_code="DD1391-100"))))

        assert field(embed, "Style") == "DD1391-100"

    def test_protocol_relative_image_becomes_https_and_junk_image_is_dropped(self):
        relative = embed_of(build_discord_payload(restock(product(image="//cdn.example/a.jpg"))))
        junk = embed_of(build_discord_payload(restock(product(image="data:image/png;base64,xx"))))

        assert relative["thumbnail"] == {"url": "https://cdn.example/a.jpg"}
        assert "thumbnail" not in junk

    def test_range_of_prices_is_shown_as_a_range(self):
        prod = product(variants=(variant("1", "9", price=12000), variant("2", "13", price=13000)))
        embed = embed_of(build_discord_payload(restock(prod)))

        assert field(embed, "Price") == "$120.00 to $130.00"

    def test_markdown_in_sizes_cannot_break_the_links(self):
        prod = product(variants=(variant("1", "M [tall]"), variant("2", "L*")))
        embed = embed_of(build_discord_payload(restock(prod)))

        assert field(embed, "Sizes") == (
            f"[M \\[tall\\]]({STORE_URL}/cart/1:1) · [L\\*]({STORE_URL}/cart/2:1)"
        )

    def test_empty_title_gets_a_placeholder(self):
        embed = embed_of(build_discord_payload(restock(product(title="   "))))

        assert embed["title"] == "Untitled product"


class TestPriceChange:
    def test_price_drop_strikes_the_old_price_and_says_down(self):
        prod = product()
        embed = embed_of(
            build_discord_payload(stored(EventKind.PRICE_CHANGE, prod, old_price=18000, new_price=15000))
        )

        assert field(embed, "Price") == "~~$180.00~~ → $150.00 (▼ down $30.00, 17%)"

    def test_price_rise_says_up(self):
        prod = product()
        embed = embed_of(
            build_discord_payload(stored(EventKind.PRICE_CHANGE, prod, old_price=10000, new_price=12500))
        )

        assert field(embed, "Price") == "~~$100.00~~ → $125.00 (▲ up $25.00, 25%)"

    def test_price_change_links_the_sizes_still_in_stock(self):
        prod = product()
        embed = embed_of(
            build_discord_payload(stored(EventKind.PRICE_CHANGE, prod, old_price=1, new_price=2))
        )

        assert [label for label, _ in LINK.findall(field(embed, "Sizes"))] == ["9", "9.5"]


class TestPasswordEmbed:
    @pytest.mark.parametrize(
        ("kind", "state"), [(EventKind.PASSWORD_UP, "up"), (EventKind.PASSWORD_DOWN, "down")]
    )
    def test_names_the_store_and_links_to_it(self, kind, state):
        embed = embed_of(build_discord_payload(stored(kind)))

        assert embed["title"] == f"Password page {state} — Kith"
        assert embed["url"] == STORE_URL
        assert embed["color"] == COLOURS[kind]
        assert "thumbnail" not in embed


class TestLimits:
    def test_overlong_title_is_cut_with_an_ellipsis(self):
        embed = embed_of(build_discord_payload(restock(product(title="Dunk " * 200))))

        assert len(embed["title"]) == 256
        assert embed["title"].endswith("…")

    def test_many_sizes_split_across_several_fields_keeping_every_link(self):
        sizes = tuple(variant(str(10_000_000 + i), f"EU {30 + i}") for i in range(60))
        embed = embed_of(build_discord_payload(restock(product(variants=sizes))))

        values = size_values(embed)
        assert len(values) > 1
        assert sum(len(LINK.findall(v)) for v in values) == 60
        assert all(len(v) <= 1024 for v in values)
        assert [f["name"] for f in embed["fields"] if f["name"].startswith("Sizes")][1] == "Sizes (cont.)"

    def test_too_many_links_for_the_total_fall_back_to_plain_sizes(self):
        long_store = "https://" + "a" * 150 + ".example"
        sizes = tuple(variant(str(i), f"{i}") for i in range(60))
        embed = embed_of(build_discord_payload(restock(product(variants=sizes), store_url=long_store)))

        joined = " · ".join(size_values(embed))
        assert "/cart/" not in joined
        assert joined.split(" · ")[:3] == ["0", "1", "2"]

    def test_sizes_beyond_everything_end_with_how_many_more(self):
        sizes = tuple(variant(str(i), f"size-{i:04d}-" + "x" * 60) for i in range(400))
        payload = build_discord_payload(restock(product(variants=sizes)))

        values = size_values(embed_of(payload))
        assert re.search(r"… \+\d+ more$", values[-1])
        assert_within_discord_limits(payload)

    def test_lone_surrogates_do_not_break_encoding(self):
        payload = build_discord_payload(restock(product(title="Dunk \ud800 Low")))

        assert_within_discord_limits(payload)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        title=st.text(max_size=700),
        sizes=st.lists(st.text(min_size=0, max_size=120), max_size=150),
        store_name=st.text(max_size=400),
        vendor=st.text(max_size=5000),
        event_id=st.text(min_size=1, max_size=3000),
        kind=st.sampled_from(list(EventKind)),
        footsites=st.booleans(),
    )
    def test_any_product_and_sizes_give_a_payload_within_limits(
        self, title, sizes, store_name, vendor, event_id, kind, footsites
    ):
        variants = tuple(
            Variant(id=str(i), size=s, price=100 * i, available=i % 3 != 0) for i, s in enumerate(sizes)
        )
        prod = product(
            title=title,
            variants=variants,
            vendor=vendor,
            url="https://fl.example/p.html" if footsites else None,
        )
        is_store_level = kind in (EventKind.PASSWORD_UP, EventKind.PASSWORD_DOWN)
        event = stored(
            kind,
            None if is_store_level else prod,
            variants,
            old_price=500,
            new_price=400,
            event_id=event_id,
            store_name=store_name,
        )

        assert_within_discord_limits(build_discord_payload(event))


class TestHelpers:
    @pytest.mark.parametrize(
        ("cents", "text"),
        [(0, "$0.00"), (5, "$0.05"), (14500, "$145.00"), (145099, "$1,450.99"), (-250, "-$2.50")],
    )
    def test_format_price(self, cents, text):
        assert format_price(cents) == text

    def test_text_length_counts_astral_characters_twice_like_discord(self):
        assert text_length("ab") == 2
        assert text_length("👟") == 2

    def test_truncate_never_splits_an_astral_character(self):
        cut = truncate("👟" * 10, 6)

        assert cut == "👟👟…"
        assert text_length(cut) <= 6


class TestRenderText:
    def test_restock_text_has_kind_title_store_price_sizes_and_link(self):
        title, body = render_text(restock())

        assert title == "Restock: Nike Dunk Low Panda"
        assert body.splitlines() == [
            "Store: Kith",
            "Price: $145.00",
            "Sizes: 9, 9.5",
            f"Link: {STORE_URL}/products/dunk-low-panda",
        ]

    def test_price_change_text_has_no_markdown(self):
        _, body = render_text(stored(EventKind.PRICE_CHANGE, product(), old_price=18000, new_price=15000))

        assert "Price: $180.00 → $150.00 (▼ down $30.00, 17%)" in body
        assert "~~" not in body

    def test_password_text_names_the_store(self):
        title, body = render_text(stored(EventKind.PASSWORD_DOWN))

        assert title == "Password page down — Kith"
        assert STORE_URL in body


class TestQuickTaskLink:
    def test_a_restock_links_to_the_dashboards_quick_task_page(self) -> None:
        event = restock()
        embed = embed_of(build_discord_payload(event, dashboard_url="http://127.0.0.1:8000/"))
        value = field(embed, "Quick task")
        assert "http://127.0.0.1:8000/quicktask?store=" in value
        assert f"product={event.event.product.handle}" in value  # type: ignore[union-attr]
        assert_within_discord_limits(build_discord_payload(event, dashboard_url="http://127.0.0.1:8000"))

    def test_no_link_without_a_dashboard_url_or_for_a_sold_out(self) -> None:
        assert all(
            f["name"] != "Quick task" for f in embed_of(build_discord_payload(restock())).get("fields", [])
        )
        gone = stored(EventKind.SOLD_OUT, product(), (variant("v9", "9", available=False),))
        payload = build_discord_payload(gone, dashboard_url="http://127.0.0.1:8000")
        assert all(f["name"] != "Quick task" for f in embed_of(payload).get("fields", []))
