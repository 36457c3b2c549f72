"""A simulated Shopify store: catalogue, mutations, and pre-rendered `products.json` / `.js` bytes.

Rendering is cached: each product's JSON bytes are kept until the product changes, and each page
(limit, page) keeps its bytes and strong ETag until anything in the store changes. A conditional
request therefore costs a dict lookup and a string compare.
"""

from __future__ import annotations

import functools
import hashlib
import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import orjson

from phantom.sim.catalog import IdSource, ShopProduct, new_product
from phantom.sim.errors import SimError
from phantom.sim.faults import Fault

TZ = timezone(timedelta(hours=-4))
DEFAULT_LIMIT = 30
MAX_LIMIT = 250
MAX_CACHED_PAGES = 64


@functools.lru_cache(maxsize=65_536)
def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, TZ).isoformat(timespec="seconds")


def dumps(obj: Any) -> bytes:
    """orjson bytes copied to their exact size (orjson's own buffer keeps ~3x spare capacity)."""
    return bytes(memoryview(orjson.dumps(obj)))


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


@dataclass(slots=True)
class Rendered:
    body: bytes
    etag: str


@dataclass(slots=True)
class PageRef:
    """A page's ETag (kept until the store changes); its bytes are joined from per-product caches on demand."""

    store: ShopStore
    start: int
    limit: int
    etag: str

    @property
    def body(self) -> bytes:
        return self.store.page_body(self.start, self.limit)


def product_dict(p: ShopProduct) -> dict[str, Any]:
    """The `products.json` shape of one product (mirrors real Shopify samples)."""
    created, updated = iso(p.created_at), iso(p.updated_at)
    variants = [
        {
            "id": vid,
            "title": size,
            "option1": size,
            "option2": None,
            "option3": None,
            "sku": p.skus[i],
            "requires_shipping": True,
            "taxable": True,
            "featured_image": None,
            "available": p.available[i],
            "price": p.price,
            "grams": p.grams,
            "compare_at_price": "0.00",
            "position": i + 1,
            "product_id": p.id,
            "created_at": created,
            "updated_at": iso(p.variant_updated[i]),
        }
        for i, (vid, size) in enumerate(zip(p.variant_ids, p.sizes, strict=True))
    ]
    image = {
        "id": p.image_id,
        "created_at": created,
        "position": 1,
        "updated_at": updated,
        "product_id": p.id,
        "variant_ids": [],
        "src": p.image_src,
        "width": 1200,
        "height": 1500,
    }
    return {
        "id": p.id,
        "title": p.title,
        "handle": p.handle,
        "body_html": p.body_html,
        "published_at": iso(p.published_at),
        "created_at": created,
        "updated_at": updated,
        "vendor": p.vendor,
        "product_type": p.product_type,
        "tags": p.tags,
        "variants": variants,
        "images": [image],
        "options": [{"name": "Size", "position": 1, "values": list(p.sizes)}],
    }


def cents(price: str) -> int:
    return round(float(price) * 100)


def product_js(p: ShopProduct, url_prefix: str) -> dict[str, Any]:
    """The AJAX `/products/<handle>.js` shape: integer cents, `available`, image URLs as strings."""
    price = cents(p.price)
    image = p.image_src.removeprefix("https:")
    variants = [
        {
            "id": vid,
            "title": size,
            "option1": size,
            "option2": None,
            "option3": None,
            "sku": p.skus[i],
            "requires_shipping": True,
            "taxable": True,
            "featured_image": None,
            "available": p.available[i],
            "name": f"{p.title} - {size}",
            "public_title": size,
            "options": [size],
            "price": price,
            "weight": p.grams,
            "compare_at_price": None,
            "inventory_management": "shopify",
            "barcode": p.skus[i],
            "quantity_rule": {"min": 1, "max": None, "increment": 1},
            "quantity_price_breaks": [],
        }
        for i, (vid, size) in enumerate(zip(p.variant_ids, p.sizes, strict=True))
    ]
    return {
        "id": p.id,
        "title": p.title,
        "handle": p.handle,
        "description": p.body_html,
        "published_at": iso(p.published_at),
        "created_at": iso(p.created_at),
        "vendor": p.vendor,
        "type": p.product_type,
        "tags": p.tags,
        "price": price,
        "price_min": price,
        "price_max": price,
        "available": any(p.available),
        "price_varies": False,
        "compare_at_price": None,
        "compare_at_price_min": 0,
        "compare_at_price_max": 0,
        "compare_at_price_varies": False,
        "variants": variants,
        "images": [image],
        "featured_image": image,
        "options": [{"name": "Size", "position": 1, "values": list(p.sizes)}],
        "url": f"{url_prefix}/products/{p.handle}",
        "media": [
            {
                "alt": None,
                "id": p.image_id,
                "position": 1,
                "preview_image": {"aspect_ratio": 0.8, "height": 1500, "width": 1200, "src": p.image_src},
                "aspect_ratio": 0.8,
                "height": 1500,
                "media_type": "image",
                "src": p.image_src,
                "width": 1200,
            }
        ],
    }


@dataclass
class ShopStore:
    """One Shopify store. The catalogue is generated lazily on first use (so creating 1,000 is instant)."""

    name: str
    num: int
    seed: int
    initial_products: int
    created: float
    password: bool = False
    churn: bool = False
    fault: Fault = field(default_factory=Fault)
    last_modified: int = 0
    _products: list[ShopProduct] | None = None
    _by_handle: dict[str, ShopProduct] = field(default_factory=dict)
    _bytes: dict[int, bytes] = field(default_factory=dict)
    _pages: dict[tuple[int, int], PageRef] = field(default_factory=dict)
    _js: dict[str, Rendered] = field(default_factory=dict)
    _rng: random.Random = field(init=False)
    _ids: IdSource = field(init=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(f"{self.seed}:{self.name}")
        self._ids = IdSource(self._rng)
        self.last_modified = math.ceil(self.created)

    @property
    def products(self) -> list[ShopProduct]:
        if self._products is None:
            self._generate()
        assert self._products is not None
        return self._products

    def _generate(self) -> None:
        rng, now = self._rng, self.created
        stamps = sorted(
            (now - rng.uniform(3_600, 180 * 86_400) for _ in range(self.initial_products)), reverse=True
        )
        self._products = []
        for ts in stamps:
            p = new_product(rng, self._ids, self.num, now, published_at=ts)
            p.handle = self._unique_handle(p.handle)
            self._products.append(p)
            self._by_handle[p.handle] = p

    def _unique_handle(self, handle: str) -> str:
        base, n = handle, 1
        while handle in self._by_handle:
            n += 1
            handle = f"{base}-{n}"
        return handle

    def get(self, handle: str) -> ShopProduct:
        _ = self.products
        try:
            return self._by_handle[handle]
        except KeyError:
            raise SimError(404, f"unknown product {handle!r} in store {self.name!r}") from None

    # -- rendering -------------------------------------------------------------------------------

    def page(self, limit: int, page: int) -> PageRef:
        key = (limit, page)
        cached = self._pages.get(key)
        if cached is None:
            start = (page - 1) * limit
            cached = PageRef(self, start, limit, etag_of(self.page_body(start, limit)))
            if len(self._pages) >= MAX_CACHED_PAGES:
                self._pages.clear()
            self._pages[key] = cached
        return cached

    def page_body(self, start: int, limit: int) -> bytes:
        chunk = self.products[start : start + limit]
        return b'{"products":[' + b",".join([self._product_bytes(p) for p in chunk]) + b"]}"

    def warm(self) -> None:
        """Generate the catalogue and render every product now rather than on the first request."""
        for p in self.products:
            self._product_bytes(p)

    def _product_bytes(self, p: ShopProduct) -> bytes:
        raw = self._bytes.get(p.id)
        if raw is None:
            raw = self._bytes[p.id] = dumps(product_dict(p))
        return raw

    def js(self, handle: str, url_prefix: str) -> Rendered:
        cached = self._js.get(handle)
        if cached is None:
            body = dumps(product_js(self.get(handle), url_prefix))
            cached = self._js[handle] = Rendered(body, etag_of(body))
        return cached

    def _touch(self, p: ShopProduct | None, now: float) -> None:
        """Invalidate caches after a change; Last-Modified strictly increases on every change."""
        if p is not None:
            p.updated_at = now
            self._bytes.pop(p.id, None)
            self._js.pop(p.handle, None)
        self._pages.clear()
        self.last_modified = max(math.ceil(now), self.last_modified + 1)

    # -- mutations -------------------------------------------------------------------------------

    def drop(
        self,
        now: float,
        *,
        title: str | None = None,
        handle: str | None = None,
        sizes: list[str] | None = None,
        price: str | None = None,
        available: bool = True,
    ) -> ShopProduct:
        if handle is not None and handle in self._by_handle:
            raise SimError(409, f"product {handle!r} already exists in {self.name!r}")
        _ = self.products
        p = new_product(
            self._rng, self._ids, self.num, now, published_at=now, title=title, handle=handle,
            sizes=sizes, price=price, available=available,
        )  # fmt: skip
        p.handle = self._unique_handle(p.handle)
        self.products.insert(0, p)  # newest first
        self._by_handle[p.handle] = p
        self._touch(p, now)
        return p

    def set_available(self, handle: str, sizes: list[str] | None, value: bool, now: float) -> list[str]:
        p = self.get(handle)
        targets = self._indexes(p, sizes)
        for i in targets:
            p.available[i] = value
            p.variant_updated[i] = now
        self._touch(p, now)
        return [p.sizes[i] for i in targets]

    def _indexes(self, p: ShopProduct, sizes: list[str] | None) -> list[int]:
        if sizes is None:
            return list(range(len(p.sizes)))
        unknown = [s for s in sizes if s not in p.sizes]
        if unknown:
            raise SimError(400, f"unknown sizes {unknown} for {p.handle!r}; has {p.sizes}")
        return [p.sizes.index(s) for s in sizes]

    def set_price(self, handle: str, price: str, now: float) -> None:
        p = self.get(handle)
        p.price = price
        p.variant_updated = [now] * len(p.sizes)
        self._touch(p, now)

    def remove(self, handle: str, now: float) -> None:
        p = self.get(handle)
        self.products.remove(p)
        del self._by_handle[handle]
        self._bytes.pop(p.id, None)
        self._js.pop(handle, None)
        self._touch(None, now)

    def flip_one(self, limit: int, now: float) -> tuple[str, str, bool] | None:
        """Churn: flip one variant of a product on page 1 so that every poll sees a change."""
        chunk = self.products[:limit]
        if not chunk:
            return None
        p = self._rng.choice(chunk)
        i = self._rng.randrange(len(p.sizes))
        p.available[i] = not p.available[i]
        p.variant_updated[i] = now
        self._touch(p, now)
        return p.handle, p.sizes[i], p.available[i]

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "platform": "shopify",
            "products": len(self.products),
            "password": self.password,
            "churn": self.churn,
            "fault": self.fault.mode,
        }

    def listing(self) -> list[dict[str, Any]]:
        return [
            {
                "id": p.id,
                "handle": p.handle,
                "title": p.title,
                "price": p.price,
                "variants": [
                    {"id": vid, "size": s, "available": a}
                    for vid, s, a in zip(p.variant_ids, p.sizes, p.available, strict=True)
                ],
            }
            for p in self.products
        ]
