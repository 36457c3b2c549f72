"""Shopify store source: paginated `/products.json` plus close polling of `/products/<handle>.js`.

Per request: conditional GET (ETag / Last-Modified), hash the raw body before parsing, decode only the
fields Phantom uses (msgspec), map to domain `Product`s. A poll either succeeds as a whole or raises a
domain error; the cache is updated only after the whole poll succeeded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

import aiohttp

from phantom.adapters.http import DEFAULT_RETRY_AFTER, HttpResponse, get_bytes
from phantom.adapters.proxy_routes import ProxyRoutes, Route
from phantom.domain.errors import StoreBlocked, StoreUnavailable
from phantom.domain.models import Product, Snapshot
from phantom.domain.ports import CachedPage, FetchResult, SourceCache
from phantom.domain.stores import Store
from phantom.monitors.common import (
    REDIRECTS,
    conditional_headers,
    is_json,
    newest,
    raise_for_status,
    raise_if_not_data,
    unchanged_or_body,
)
from phantom.monitors.shopify_parse import decode_product_js, decode_products_page

MAX_PAGE_SIZE = 250  # Shopify's own cap for products.json
MAX_REDIRECTS = 3
_PASSWORD_FORM = re.compile(rb"""<form[^>]+action=["'][^"']*/password["']""")
_QUEUE_PATHS = ("/throttle/queue", "/queue")


@dataclass(slots=True)
class ShopifyPage(CachedPage):
    """A cached products.json page plus each product's fingerprint, so a changed page re-decodes only the
    products whose bytes changed."""

    keys: tuple[int, ...] = ()


class ShopifySource:
    """StoreSource and ProductSource for Shopify storefronts."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        max_body_bytes: int,
        timeout: float,
        page_size: int = MAX_PAGE_SIZE,
        default_retry_after: float = DEFAULT_RETRY_AFTER,
        routes: ProxyRoutes | None = None,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}")
        self._direct = Route(session)
        self._routes = routes  # a store assigned a proxy list polls through its one sticky proxy
        self._max_bytes = max_body_bytes
        self._timeout = timeout
        self._page_size = page_size
        self._default_retry_after = default_retry_after

    # ---- catalogue -------------------------------------------------------------------------------------

    async def fetch(self, store: Store, cache: SourceCache) -> FetchResult:
        """Pages 1.. until a short page or `store.max_pages`; products de-duplicated by id (first wins)."""
        limit = self._page_size
        pages: dict[str, CachedPage] = {}
        products: dict[str, Product] = {}
        known: dict[int, Product] | None = None
        requests, all_not_modified, decoded, changed_at = 0, True, False, None
        route = self._route(store)
        for number in range(1, store.max_pages + 1):
            url = f"{store.url}/products.json?limit={limit}&page={number}"
            cached = cache.pages.get(url)
            resp, sent = await self._get(url, cached, route)
            requests += sent
            if resp is None:
                return _locked(cache, url, requests)
            raise_for_status(
                resp,
                what="products.json",
                not_found="not a Shopify store (404)"
                if number == 1
                else f"products.json page {number} (404)",
                html_429_blocks=False,
                default_retry_after=self._default_retry_after,
            )
            page, body = unchanged_or_body(resp, cached)
            if body is None:
                assert page is not None
                all_not_modified = all_not_modified and resp.status == 304
            else:
                if _is_password_page(resp):
                    return _locked(cache, url, requests)
                raise_if_not_data(resp, what="products.json")
                if known is None:
                    known = _known_products(cache)
                parsed = decode_products_page(body.data, known)
                page = ShopifyPage(
                    body.etag, body.last_modified, body.digest, parsed.products, keys=parsed.keys
                )
                all_not_modified, decoded = False, True
                changed_at = newest(changed_at, parsed.changed_at)
            pages[url] = page
            for product in page.products:
                products.setdefault(product.id, product)
            if len(page.products) < limit:
                break
        cache.pages.clear()  # also drops pages beyond the (possibly shorter) catalogue
        cache.pages.update(pages)
        if not decoded:
            return FetchResult(None, requests, not_modified=all_not_modified, hash_skip=not all_not_modified)
        return FetchResult(Snapshot(products=products), requests, changed_at=changed_at)

    # ---- one product -----------------------------------------------------------------------------------

    async def fetch_product(self, store: Store, handle: str, cache: SourceCache) -> Product | None:
        """`/products/<handle>.js`; None when unchanged (304 or identical bytes) or behind the password page."""
        url = f"{store.url}/products/{quote(handle, safe='')}.js"
        cached = cache.pages.get(url)
        resp, _ = await self._get(url, cached, self._route(store))
        if resp is None:
            return None  # the catalogue poll reports the lock; nothing new is known about the product
        raise_for_status(
            resp,
            what="product.js",
            not_found="product not found",
            html_429_blocks=False,
            default_retry_after=self._default_retry_after,
        )
        page, body = unchanged_or_body(resp, cached)
        if body is None:
            if page is not None:
                cache.pages[url] = page
            return None
        if _is_password_page(resp):
            return None
        raise_if_not_data(resp, what="product.js")
        product = decode_product_js(body.data)
        cache.pages[url] = CachedPage(body.etag, body.last_modified, body.digest, (product,))
        return product

    # ---- HTTP ------------------------------------------------------------------------------------------

    def _route(self, store: Store) -> Route:
        return self._direct if self._routes is None else self._routes.route(store.id)

    async def _get(
        self, url: str, cached: CachedPage | None, route: Route
    ) -> tuple[HttpResponse | None, int]:
        """Conditional GET following a few redirects by hand; (None, requests) when it ends at /password."""
        headers = conditional_headers(cached)
        for hop in range(MAX_REDIRECTS + 1):
            resp = await get_bytes(
                route.session,
                url,
                headers=headers,
                max_bytes=self._max_bytes,
                timeout=self._timeout,
                allow_redirects=False,
                proxy=route.proxy,
            )
            if resp.status not in REDIRECTS:
                return resp, hop + 1
            if not resp.location:
                raise StoreUnavailable(f"redirect ({resp.status}) without a location")
            url = urljoin(url, resp.location)
            path = urlsplit(url).path.rstrip("/")
            if path.endswith("/password"):
                return None, hop + 1  # not followed: the lock is all we need to know
            if path.endswith(_QUEUE_PATHS):
                raise StoreBlocked("queue")
            if path.endswith("/checkpoint") or "/challenge" in path:
                raise StoreBlocked("captcha")
        raise StoreUnavailable("too many redirects")


def _locked(cache: SourceCache, url: str, requests: int) -> FetchResult:
    # Forget every validator: when the store reopens, its pages must be fetched (and diffed) in full even if
    # their bytes equal what we saw before it closed.
    cache.pages.clear()
    cache.pages[url] = CachedPage(password_locked=True)
    return FetchResult(Snapshot(password_locked=True), requests)


def _known_products(cache: SourceCache) -> dict[int, Product]:
    """Fingerprint -> Product over every cached page (products move between pages when a drop lands)."""
    known: dict[int, Product] = {}
    for page in cache.pages.values():
        if isinstance(page, ShopifyPage):
            known.update(zip(page.keys, page.products, strict=True))
    return known


def _is_password_page(resp: HttpResponse) -> bool:
    if is_json(resp):
        return False
    head = resp.body[:65536].lower()
    return b"storefront_password" in head or _PASSWORD_FORM.search(head) is not None
