"""Store URLs and the rules a store must satisfy before Phantom polls it."""

from __future__ import annotations

import pytest

from phantom.domain.errors import DomainError, InvalidStore
from phantom.domain.models import Platform
from phantom.domain.stores import MIN_INTERVAL, Store, default_store_name, normalize_store_url, validate_store


class TestNormalizeStoreUrl:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("https://kith.com", "https://kith.com"),
            ("https://kith.com/", "https://kith.com"),
            ("https://kith.com///", "https://kith.com"),
            ("  https://kith.com/  ", "https://kith.com"),
            ("https://Kith.COM/", "https://kith.com"),
            ("HTTPS://kith.com", "https://kith.com"),
            ("https://shop.example.com/en-us/", "https://shop.example.com/en-us"),
            ("https://Example.com/EU/Shop", "https://example.com/EU/Shop"),  # the path keeps its case
            ("http://127.0.0.1:8123/", "http://127.0.0.1:8123"),
            ("https://kith.com/?utm_source=x#top", "https://kith.com"),
        ],
    )
    def test_normalizes(self, raw: str, expected: str) -> None:
        assert normalize_store_url(raw) == expected

    @pytest.mark.parametrize(
        "raw",
        ["ftp://kith.com", "kith.com", "//kith.com", "https://", "", "javascript:alert(1)", "file:///etc"],
    )
    def test_rejects_anything_but_absolute_http(self, raw: str) -> None:
        with pytest.raises(InvalidStore, match="absolute http"):
            normalize_store_url(raw)

    def test_invalid_store_is_a_domain_error(self) -> None:
        assert issubclass(InvalidStore, DomainError)


class TestDefaultStoreName:
    @pytest.mark.parametrize(
        ("url", "expected"),
        [
            ("https://www.kith.com", "kith.com"),
            ("https://kith.com", "kith.com"),
            ("https://shop.example.com/en-us", "shop.example.com/en-us"),
        ],
    )
    def test_host_without_www_plus_path(self, url: str, expected: str) -> None:
        assert default_store_name(url) == expected


def shopify(**changes: object) -> Store:
    return Store(id="s1", url="https://kith.com", platform=Platform.SHOPIFY).updated(**changes)


class TestValidateStore:
    def test_defaults_are_valid(self) -> None:
        store = shopify()
        assert validate_store(store) is store

    def test_interval_floor_is_allowed(self) -> None:
        assert validate_store(shopify(interval=MIN_INTERVAL)).interval == MIN_INTERVAL

    @pytest.mark.parametrize("interval", [0.0, 0.1, MIN_INTERVAL - 0.001, -1.0])
    def test_interval_below_floor_is_rejected(self, interval: float) -> None:
        with pytest.raises(InvalidStore, match="interval must be at least"):
            validate_store(shopify(interval=interval))

    def test_watch_interval_floor(self) -> None:
        assert validate_store(shopify(watch_interval=MIN_INTERVAL)).watch_interval == MIN_INTERVAL
        with pytest.raises(InvalidStore, match="watch_interval"):
            validate_store(shopify(watch_interval=0.2))

    def test_footsites_needs_skus(self) -> None:
        with pytest.raises(InvalidStore, match="sku"):
            validate_store(shopify(platform=Platform.FOOTSITES))
        footsites = shopify(platform=Platform.FOOTSITES, skus=("FZ8117-100",))
        assert validate_store(footsites) is footsites

    @pytest.mark.parametrize(("pages", "ok"), [(0, False), (1, True), (100, True), (101, False)])
    def test_max_pages_bounds(self, pages: int, ok: bool) -> None:
        if ok:
            validate_store(shopify(max_pages=pages))
        else:
            with pytest.raises(InvalidStore, match="max_pages"):
                validate_store(shopify(max_pages=pages))


class TestStore:
    def test_updated_returns_a_changed_copy(self) -> None:
        store = shopify()
        faster = store.updated(interval=1.0, name="Kith")
        assert (faster.interval, faster.name, faster.id) == (1.0, "Kith", "s1")
        assert store.interval == 2.0
