"""The small value types that travel through the ports."""

from __future__ import annotations

from datetime import UTC, datetime

from phantom.domain.models import Product
from phantom.domain.ports import CachedPage, Clock, EventQuery, FetchResult, SourceCache


class _Frozen:
    def now(self) -> datetime:
        return datetime(2025, 1, 1, tzinfo=UTC)

    def monotonic(self) -> float:
        return 1.0


class TestSourceCache:
    def test_each_cache_owns_its_pages(self) -> None:
        first, second = SourceCache(), SourceCache()
        first.pages["/products.json?page=1"] = CachedPage(etag='"abc"', body_hash=b"h")
        assert second.pages == {}

    def test_cached_page_starts_empty(self) -> None:
        page = CachedPage()
        assert (page.etag, page.last_modified, page.body_hash) == (None, None, None)
        assert page.products == ()
        assert page.password_locked is False

    def test_cached_page_remembers_parsed_products(self) -> None:
        product = Product(id="1", handle="h", title="t", variants=())
        page = CachedPage(products=(product,))
        page.password_locked = True
        assert page.products == (product,)


class TestFetchResult:
    def test_unchanged_poll_has_no_snapshot(self) -> None:
        result = FetchResult(snapshot=None, not_modified=True)
        assert (result.requests, result.hash_skip, result.changed_at) == (1, False, None)


class TestEventQuery:
    def test_defaults_list_the_newest_fifty_of_every_store(self) -> None:
        query = EventQuery()
        assert (query.store_id, query.kinds, query.before_id, query.limit) == (None, frozenset(), None, 50)


def test_a_plain_class_satisfies_the_clock_port() -> None:
    clock: Clock = _Frozen()  # checked by mypy: structural typing, no inheritance
    assert clock.now().tzinfo is UTC
