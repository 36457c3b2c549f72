"""Rules (pure): what they fire on, which one wins, and what is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from phantom.domain.events import EventKind, ProductEvent, StoredEvent
from phantom.domain.models import Product, Variant
from phantom.domain.rules import InvalidRule, Rule, first_match, validate_rule
from phantom.domain.tasks import TaskMode
from tests.fakes import EPOCH

DUNK = Product("p1", "dunk", "Nike Dunk Low - Panda", (Variant("v9", "9", 11000, True),))


def rule(rid: str = "r1", **changes: object) -> Rule:
    return Rule(id=rid, name=rid, created_at=EPOCH, updated_at=EPOCH).updated(**changes)


def event(
    kind: EventKind = EventKind.NEW_PRODUCT, store_id: str = "s1", product: Product | None = DUNK
) -> StoredEvent:
    variants = product.variants if product else ()
    return StoredEvent(
        "e1", store_id, "Kith", "https://kith.com", "k", EPOCH, ProductEvent(kind, product, variants)
    )


class TestMatching:
    def test_keywords_sizes_price_store_and_kind(self) -> None:
        assert rule(keywords="+dunk -kids", sizes=("9",), max_price=12000).matches(event())
        assert not rule(sizes=("10",)).matches(event())
        assert not rule(max_price=10000).matches(event())
        assert not rule(store_ids=("s2",)).matches(event())
        assert not rule().matches(event(EventKind.SOLD_OUT))

    def test_never_on_checkout_results_password_pages_or_when_disabled(self) -> None:
        assert not rule(kinds=frozenset(EventKind)).matches(event(EventKind.CHECKOUT_LINK))
        assert not rule(kinds=frozenset(EventKind)).matches(event(EventKind.PASSWORD_DOWN, product=None))
        assert not rule(enabled=False).matches(event())

    def test_the_highest_priority_then_the_oldest_rule_acts(self) -> None:
        old = rule("old", priority=5)
        new = rule("new", priority=5, created_at=EPOCH + timedelta(days=1))
        low = rule("low", priority=1)
        assert first_match([low, new, old], event()) is old
        assert first_match([rule("x", keywords="jordan")], event()) is None


class TestValidation:
    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"name": " "}, "name"),
            ({"quantity": 11}, "quantity"),
            ({"max_price": -1}, "max_price"),
            ({"kinds": frozenset()}, "at least one"),
            ({"kinds": frozenset({EventKind.CHECKOUT_SUCCESS})}, "checkout results"),
            ({"kinds": frozenset({EventKind.SOLD_OUT})}, "must fire on"),
            ({"mode": TaskMode.BROWSER}, "needs a profile"),
        ],
    )
    def test_refused(self, changes: dict[str, object], message: str) -> None:
        with pytest.raises(InvalidRule, match=message):
            validate_rule(rule(**changes))

    def test_a_good_rule_passes(self) -> None:
        good = rule(mode=TaskMode.BROWSER, profile_id="p1")
        assert validate_rule(good) is good
