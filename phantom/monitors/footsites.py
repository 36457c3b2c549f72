"""Footsites (Foot Locker, Champs, Eastbay, ...) store source: a watch list of SKUs.

Each SKU is polled at the legacy PDP endpoint; when that answers 404 the product-core endpoint is tried,
and the one that worked is remembered (its URL is the SKU's key in the cache). Any SKU failing fails the
whole poll: no partial snapshot. Challenge, CAPTCHA, queue and HTML 429 pages become StoreBlocked.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

import aiohttp
import msgspec

from phantom.adapters.http import DEFAULT_RETRY_AFTER, HttpResponse, get_bytes
from phantom.adapters.proxy_routes import ProxyRoutes, Route
from phantom.domain.errors import StoreError, StoreUnavailable
from phantom.domain.models import Product, Snapshot, Variant
from phantom.domain.ports import CachedPage, FetchResult, SourceCache
from phantom.domain.stores import Store
from phantom.monitors import footsites_schema as schema
from phantom.monitors.common import (
    cents_from_number,
    conditional_headers,
    parse_timestamp,
    raise_for_status,
    raise_if_not_data,
    short_error,
    unchanged_or_body,
)

SKU_CONCURRENCY = 4  # requests in flight per store; the connector's per-host limit applies as well
_DECODE_ERRORS = (msgspec.MsgspecError, ValueError, TypeError, OverflowError)


@dataclass(frozen=True, slots=True)
class _SkuResult:
    url: str
    page: CachedPage
    requests: int
    not_modified: bool  # 304
    decoded: bool  # False: 304 or identical bytes
    changed_at: datetime | None


class FootsitesSource:
    """StoreSource for Footsites stores (`store.skus` is the watch list)."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        max_body_bytes: int,
        timeout: float,
        default_retry_after: float = DEFAULT_RETRY_AFTER,
        routes: ProxyRoutes | None = None,
    ) -> None:
        self._direct = Route(session)
        self._routes = routes  # a store assigned a proxy list polls through its one sticky proxy
        self._default_retry_after = default_retry_after
        self._max_bytes = max_body_bytes
        self._timeout = timeout

    async def fetch(self, store: Store, cache: SourceCache) -> FetchResult:
        if not store.skus:
            raise StoreUnavailable("no SKUs to watch")
        route = self._direct if self._routes is None else self._routes.route(store.id)
        results = await self._fetch_all(store, cache, route)
        cache.pages.clear()
        cache.pages.update((r.url, r.page) for r in results)
        requests = sum(r.requests for r in results)
        if not any(r.decoded for r in results):
            all_304 = all(r.not_modified for r in results)
            return FetchResult(None, requests, not_modified=all_304, hash_skip=not all_304)
        products = {p.id: p for r in results for p in r.page.products}
        changed = [r.changed_at for r in results if r.changed_at is not None]
        return FetchResult(Snapshot(products=products), requests, changed_at=max(changed, default=None))

    async def _fetch_all(self, store: Store, cache: SourceCache, route: Route) -> list[_SkuResult]:
        skus = list(dict.fromkeys(store.skus))
        if len(skus) == 1:
            return [await self._fetch_sku(store, skus[0], cache, route)]
        gate = asyncio.Semaphore(SKU_CONCURRENCY)

        async def one(sku: str) -> _SkuResult:
            async with gate:
                return await self._fetch_sku(store, sku, cache, route)

        try:
            async with asyncio.TaskGroup() as group:  # the first failure cancels the rest
                tasks = [group.create_task(one(sku)) for sku in skus]
        except BaseExceptionGroup as eg:
            raise _first_store_error(eg) from None
        return [t.result() for t in tasks]

    async def _fetch_sku(self, store: Store, sku: str, cache: SourceCache, route: Route) -> _SkuResult:
        legacy_url = f"{store.url}/api/products/pdp/{quote(sku, safe='')}"
        core_url = f"{store.url}/zgw/product-core/v1/pdp/sku/{quote(sku, safe='')}"
        requests = 0
        if core_url not in cache.pages:
            resp = await self._get(legacy_url, cache.pages.get(legacy_url), route)
            requests += 1
            if resp.status != 404:
                return self._result(store, sku, legacy_url, resp, cache.pages.get(legacy_url), requests)
        resp = await self._get(core_url, cache.pages.get(core_url), route)
        return self._result(store, sku, core_url, resp, cache.pages.get(core_url), requests + 1)

    def _result(
        self, store: Store, sku: str, url: str, resp: HttpResponse, cached: CachedPage | None, requests: int
    ) -> _SkuResult:
        raise_for_status(
            resp,
            what=f"sku {sku}",
            not_found=f"sku {sku} not found (404)",
            html_429_blocks=True,
            default_retry_after=self._default_retry_after,
        )
        reused, body = unchanged_or_body(resp, cached)
        if body is None:
            assert reused is not None
            return _SkuResult(url, reused, requests, resp.status == 304, False, None)
        raise_if_not_data(resp, what=f"footsites product {sku}")
        legacy = "/api/products/pdp/" in url
        product, changed_at = (decode_legacy if legacy else decode_core)(body.data, sku, store.url)
        page = CachedPage(body.etag, body.last_modified, body.digest, (product,))
        return _SkuResult(url, page, requests, False, True, changed_at)

    async def _get(self, url: str, cached: CachedPage | None, route: Route) -> HttpResponse:
        return await get_bytes(
            route.session,
            url,
            headers=conditional_headers(cached),
            max_bytes=self._max_bytes,
            timeout=self._timeout,
            proxy=route.proxy,
        )


def _first_store_error(eg: BaseExceptionGroup[BaseException]) -> BaseException:
    for exc in eg.exceptions:
        if isinstance(exc, BaseExceptionGroup):
            return _first_store_error(exc)
        if isinstance(exc, StoreError):
            return exc
    return eg  # a bug, not a store failure: let the loop boundary log it


# ---- parsing (pure: bytes -> domain) ------------------------------------------------------------------


def product_url(store_url: str, sku: str) -> str:
    return f"{store_url}/product/~/{sku}.html"


def decode_legacy(data: bytes, sku: str, store_url: str) -> tuple[Product, datetime | None]:
    """Legacy PDP -> the watched SKU's Product. Sizes are the sellable units of that SKU's style."""
    try:
        pdp = schema.LEGACY_DECODER.decode(data)
        style = next((a for a in pdp.variant_attributes if a.sku == sku), None)
        if style is None:
            raise ValueError(f"sku {sku} is not a style of this product")
        variants = []
        color = None
        for unit in pdp.sellable_units:
            size, unit_style, unit_color = _unit_attributes(unit)
            if unit_style != style.code:
                continue
            color = color or unit_color
            price = unit.price or style.price
            if size is None or price is None:
                raise ValueError(f"sellable unit {unit.code} lacks a size or a price")
            variants.append(
                Variant(
                    id=unit.code,
                    size=size,
                    price=cents_from_number(price.value),
                    available=unit.stock_level_status == "inStock",
                )
            )
        product = Product(
            id=sku,
            handle=sku,
            title=_title(pdp.name, color),
            variants=tuple(variants),
            vendor=pdp.brand or "",
            image=_legacy_image(pdp.images, sku),
            url=product_url(store_url, sku),
        )
    except _DECODE_ERRORS as exc:
        raise StoreUnavailable(f"malformed footsites pdp for sku {sku}: {short_error(exc)}") from None
    return product, None


def decode_core(data: bytes, sku: str, store_url: str) -> tuple[Product, datetime | None]:
    """Product-core PDP (one style) -> Product."""
    try:
        core = schema.CORE_DECODER.decode(data)
        if core.sku != sku:
            raise ValueError(f"answer is for sku {core.sku}, not {sku}")
        variants = []
        for s in core.sizes:
            price = s.price or core.price
            code = s.code or s.product_number
            if price is None or not code:
                raise ValueError(f"size {s.size} lacks a code or a price")
            available = s.inventory is not None and s.inventory.inventory_available
            variants.append(
                Variant(id=code, size=s.size, price=cents_from_number(price.value), available=available)
            )
        image = next((i.url for i in core.images if i.url), None)
        product = Product(
            id=sku,
            handle=sku,
            title=_title(core.name, core.style.color if core.style else None),
            variants=tuple(variants),
            vendor=core.brand or "",
            image=image,
            url=product_url(store_url, sku),
        )
    except _DECODE_ERRORS as exc:
        raise StoreUnavailable(
            f"malformed footsites product-core for sku {sku}: {short_error(exc)}"
        ) from None
    return product, parse_timestamp(core.updated_at)


def _unit_attributes(unit: schema.SellableUnit) -> tuple[str | None, str | None, str | None]:
    """(size label, style code, colour) of a sellable unit."""
    size = style = color = None
    for attr in unit.attributes:
        if attr.type == "size":
            size = attr.value
        elif attr.type == "style":
            style, color = attr.id, attr.value
    return size, style, color


def _title(name: str, color: str | None) -> str:
    return f"{name} ({color})" if color else name


def _legacy_image(images: list[schema.LegacyImage], sku: str) -> str | None:
    """The watched style's image (zoom format when offered), else the first image at all."""
    chosen = next((i for i in images if i.code == sku), None)
    if chosen is None:
        chosen = next((i for i in images if any(v.url and f"/{sku}/" in v.url for v in i.variations)), None)
    if chosen is None:
        chosen = images[0] if images else None
    if chosen is None:
        return None
    urls = [v for v in chosen.variations if v.url]
    zoom = next((v.url for v in urls if v.format == "zoom"), None)
    return zoom or (urls[0].url if urls else None)
