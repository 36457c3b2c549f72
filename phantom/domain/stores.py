"""Stores Phantom watches."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit, urlunsplit

from phantom.domain.errors import InvalidStore
from phantom.domain.models import Platform

MIN_INTERVAL = 0.5  # seconds; politeness floor


@dataclass(frozen=True, slots=True)
class Store:
    id: str
    url: str  # normalized base URL, no trailing slash; may carry a path prefix
    platform: Platform
    interval: float = 2.0
    name: str = ""
    skus: tuple[str, ...] = ()  # Footsites watch list
    watch_handles: tuple[str, ...] = ()  # Shopify products polled via /products/<handle>.js
    watch_interval: float | None = None  # faster interval for watched handles
    max_pages: int = 10  # products.json page cap
    enabled: bool = True
    extra: dict[str, str] = field(default_factory=dict)

    def updated(self, **changes: object) -> Store:
        return replace(self, **changes)  # type: ignore[arg-type]


def normalize_store_url(url: str) -> str:
    """`https://Kith.com/` -> `https://kith.com`; keeps path prefixes and plain http."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InvalidStore(f"store url must be an absolute http(s) URL, got {url!r}")
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc.lower(), path, "", ""))


def default_store_name(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or url
    host = host.removeprefix("www.")
    return f"{host}{parts.path}" if parts.path else host


def validate_store(store: Store) -> Store:
    if store.interval < MIN_INTERVAL:
        raise InvalidStore(f"interval must be at least {MIN_INTERVAL}s, got {store.interval}")
    if store.watch_interval is not None and store.watch_interval < MIN_INTERVAL:
        raise InvalidStore(f"watch_interval must be at least {MIN_INTERVAL}s")
    if store.platform is Platform.FOOTSITES and not store.skus:
        raise InvalidStore("a footsites store needs at least one sku to watch")
    if not 1 <= store.max_pages <= 100:
        raise InvalidStore("max_pages must be between 1 and 100")
    return store
