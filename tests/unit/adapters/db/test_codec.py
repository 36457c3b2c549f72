"""Codec round trips: what goes into an opaque column comes back equal."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from phantom.adapters.db.codec import (
    decode_event,
    decode_route,
    decode_snapshot,
    encode_event,
    encode_route,
    encode_snapshot,
    render_keywords,
)
from phantom.domain.events import EventKind, ProductEvent
from phantom.domain.filters import EventFilter, KeywordFilter
from phantom.domain.models import Product, Snapshot, Variant

INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
text = st.text(max_size=20)
opt_text = st.none() | text

variants = st.builds(Variant, id=text, size=text, price=INT64, available=st.booleans(), sku=opt_text)
products = st.builds(
    Product,
    id=text,
    handle=text,
    title=text,
    variants=st.lists(variants, max_size=5).map(tuple),
    vendor=text,
    image=opt_text,
    url=opt_text,
    style_code=opt_text,
)
snapshots = st.builds(
    Snapshot,
    products=st.dictionaries(text, products, max_size=6),
    password_locked=st.booleans(),
    version=st.integers(min_value=0, max_value=2**63 - 1),
)
events = st.builds(
    ProductEvent,
    kind=st.sampled_from(EventKind),
    product=st.none() | products,
    variants=st.lists(variants, max_size=4).map(tuple),
    old_price=st.none() | INT64,
    new_price=st.none() | INT64,
    removed=st.booleans(),
)
keyword_text = st.lists(st.text(alphabet="abcdeXYZ019.'-+ ,", max_size=12), max_size=4).map(", ".join)
routes = st.builds(
    EventFilter.build,
    kinds=st.none() | st.frozensets(st.sampled_from(EventKind)),
    keywords=st.none() | keyword_text,
    sizes=st.lists(st.sampled_from(["9", "US 9.5", "10.0", "M", "xl"]), max_size=3),
    max_price=st.none() | st.integers(min_value=0, max_value=10**7),
    store_ids=st.lists(text, max_size=3),
)


class TestSnapshotCodec:
    @given(snapshots)
    @settings(max_examples=300)
    def test_round_trip(self, snapshot: Snapshot) -> None:
        assert decode_snapshot(encode_snapshot(snapshot)) == snapshot

    def test_a_big_catalogue_is_compact(self) -> None:
        variants_ = tuple(
            Variant(str(40_000 + j), str(7 + j / 2), 11000, j % 2 == 0, f"DD-{j}") for j in range(12)
        )
        products_ = {
            str(i): Product(
                str(i), f"nike-dunk-{i}", f"Nike Dunk Low {i}", variants_, "Nike", f"https://cdn/{i}.jpg"
            )
            for i in range(250)
        }
        data = encode_snapshot(Snapshot(products_, version=3))
        assert len(data) < 60_000  # ~230 KB as plain msgpack


class TestEventCodec:
    @given(events)
    @settings(max_examples=300)
    def test_round_trip(self, event: ProductEvent) -> None:
        assert decode_event(encode_event(event)) == event


class TestRouteCodec:
    @given(routes)
    @settings(max_examples=300)
    def test_round_trip_through_json(self, route: EventFilter) -> None:
        stored = json.loads(json.dumps(encode_route(route)))
        assert decode_route(stored) == route

    @given(keyword_text)
    def test_rendered_keywords_parse_back_to_the_same_filter(self, raw: str) -> None:
        parsed = KeywordFilter.parse(raw)
        assert KeywordFilter.parse(render_keywords(parsed)) == parsed

    def test_the_keyword_text_is_kept_for_display(self) -> None:
        route = EventFilter.build(keywords="+Dunk -kids, air-max 90")
        assert encode_route(route)["keywords"] == "dunk -kids, air-max 90"
        assert (
            encode_route(route, keywords_text="+Dunk -kids, air-max 90")["keywords"]
            == "+Dunk -kids, air-max 90"
        )

    def test_a_row_with_only_keyword_text_still_decodes(self) -> None:
        stored = {"kinds": ["restock"], "keywords": "+dunk -kids"}
        assert decode_route(stored) == EventFilter.build(kinds=[EventKind.RESTOCK], keywords="+dunk -kids")
