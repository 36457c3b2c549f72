"""A simulated Footsites (Foot Locker family) store: a watch list of SKUs served in two API shapes.

Legacy PDP, `GET /api/products/pdp/<sku>` — the whole product model (every style of it), as the real
site answers: `name`, `brand`, `modelNumber`, `images[].variations[]`, `variantAttributes[]` (one per
style: `code`, `sku`, `stockLevelStatus`, `price{value}`, `width`) and `sellableUnits[]` (one per
style and size: `code`, `attributes[{type:"size", value:"09.0"}, {type:"style", id:<style code>}]`,
`stockLevelStatus: "inStock"|"outOfStock"`, `price{value, formattedValue}`). The sizes of one SKU are
the sellable units whose style attribute id equals that SKU's `variantAttributes[].code`.

Product-core, `GET /zgw/product-core/v1/pdp/sku/<sku>` — one style only::

    {"sku": "53558130", "name": "Jordan AJ 1 Low - Men's", "brand": "Jordan", "gender": "Men's",
     "model": {"number": "310445", "name": "Jordan AJ 1 Low"},
     "style": {"code": "22402236", "color": "White/White/White", "width": "Width - D - Medium"},
     "price": {"value": 90.0, "originalValue": 90.0, "currency": "USD", "formattedValue": "$90.00"},
     "images": [{"url": "https://images.footlocker.com/pi/53558130/zoom/53558130.jpeg", "format": "zoom"}],
     "inventory": {"inventoryAvailable": true},
     "isLaunchProduct": false, "updatedAt": "2024-05-01T10:00:00-04:00",
     "sizes": [{"size": "9.0", "productNumber": "22403185", "code": "22403185", "barcode": "1936...",
                "inventory": {"inventoryAvailable": true},
                "price": {"value": 90.0, "currency": "USD", "formattedValue": "$90.00"}}]}
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from phantom.sim.catalog import BRANDS, COLORWAYS
from phantom.sim.errors import SimError
from phantom.sim.faults import Fault
from phantom.sim.shopify import Rendered, dumps, etag_of, iso

FL_SIZES = tuple(x / 2 for x in range(8, 31))  # 4.0 .. 15.0


def legacy_size(size: float) -> str:
    return f"{size:04.1f}"


def parse_size(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise SimError(400, f"not a shoe size: {text!r}") from None


@dataclass(slots=True)
class FlSize:
    code: str
    size: float
    in_stock: bool
    barcode: str


@dataclass(slots=True)
class FlStyle:
    sku: str
    code: str
    color: str
    price: float
    sizes: list[FlSize]
    updated_at: float
    width: str = "Width - D - Medium"


@dataclass(slots=True)
class FlModel:
    number: str
    name: str
    brand: str
    styles: list[FlStyle]


def _price(value: float) -> dict[str, Any]:
    text = f"${value:,.2f}"
    return {
        "currencyIso": "USD",
        "formattedOriginalPrice": text,
        "formattedValue": text,
        "originalPrice": value,
        "value": value,
    }


def _image(sku: str) -> dict[str, Any]:
    return {
        "code": sku,
        "variations": [
            {
                "altText": f"{sku}_{fmt}",
                "format": fmt,
                "url": f"https://images.footlocker.com/pi/{sku}/{fmt}/{sku}.jpeg",
            }
            for fmt in ("cart", "zoom")
        ],
    }


def legacy_pdp(m: FlModel) -> dict[str, Any]:
    units = [
        {
            "attributes": [
                {"id": unit.code, "type": "size", "value": legacy_size(unit.size)},
                {"id": st.code, "type": "style", "value": st.color},
            ],
            "barCode": unit.barcode,
            "code": unit.code,
            "isBackOrderable": False,
            "isPreOrder": False,
            "isRecaptchaOn": False,
            "price": _price(st.price),
            "singleStoreInventory": False,
            "sizeAvailableInStores": False,
            "stockLevelStatus": "inStock" if unit.in_stock else "outOfStock",
        }
        for st in m.styles
        for unit in st.sizes
    ]
    attributes = [
        {
            "code": st.code,
            "displayCountDownTimer": False,
            "freeShipping": True,
            "launchProduct": False,
            "price": _price(st.price),
            "recaptchaOn": False,
            "sku": st.sku,
            "skuExclusions": True,
            "stockLevelStatus": "inStock" if any(u.in_stock for u in st.sizes) else "outOfStock",
            "width": st.width,
        }
        for st in m.styles
    ]
    return {
        "brand": m.brand,
        "categories": [{"code": "200000", "name": "Men's"}, {"code": "200005", "name": "Shoes"}],
        "description": f"<p>The {m.name.removesuffix(' - Men' + chr(39) + 's')}, built for everyday wear.</p>",
        "images": [_image(st.sku) for st in m.styles],
        "isNewProduct": False,
        "isSaleProduct": False,
        "modelNumber": m.number,
        "name": m.name,
        "sellableUnits": units,
        "variantAttributes": attributes,
    }


def product_core(m: FlModel, st: FlStyle) -> dict[str, Any]:
    price = {"value": st.price, "currency": "USD", "formattedValue": f"${st.price:,.2f}"}
    return {
        "sku": st.sku,
        "name": m.name,
        "brand": m.brand,
        "gender": "Men's",
        "model": {"number": m.number, "name": m.name.split(" - ")[0]},
        "style": {"code": st.code, "color": st.color, "width": st.width},
        "price": {**price, "originalValue": st.price},
        "images": [
            {"url": f"https://images.footlocker.com/pi/{st.sku}/zoom/{st.sku}.jpeg", "format": "zoom"}
        ],
        "inventory": {"inventoryAvailable": any(u.in_stock for u in st.sizes)},
        "isLaunchProduct": False,
        "updatedAt": iso(st.updated_at),
        "sizes": [
            {
                "size": f"{u.size:.1f}",
                "productNumber": u.code,
                "code": u.code,
                "barcode": u.barcode,
                "inventory": {"inventoryAvailable": u.in_stock},
                "price": price,
            }
            for u in st.sizes
        ],
    }


@dataclass
class FlStore:
    """One Footsites store; its watch list is generated lazily on first use."""

    name: str
    seed: int
    initial_skus: int
    created: float
    fault: Fault = field(default_factory=Fault)
    last_modified: int = 0
    _models: list[FlModel] | None = None
    _by_sku: dict[str, tuple[FlModel, FlStyle]] = field(default_factory=dict)
    _legacy: dict[str, Rendered] = field(default_factory=dict)
    _core: dict[str, Rendered] = field(default_factory=dict)
    _rng: random.Random = field(init=False)
    _next: int = 0

    def __post_init__(self) -> None:
        self._rng = random.Random(f"{self.seed}:{self.name}")
        self._next = 22_000_000 + self._rng.randrange(1_000_000)
        self.last_modified = math.ceil(self.created)

    @property
    def models(self) -> list[FlModel]:
        if self._models is None:
            self._models = []
            while len(self._by_sku) < self.initial_skus:
                self._new_model(None, None, None, self.created)
        return self._models

    def _code(self) -> str:
        self._next += self._rng.randint(1, 500)
        return str(self._next)

    def _new_model(self, sku: str | None, name: str | None, sizes: list[float] | None, now: float) -> FlModel:
        rng = self._rng
        brand = rng.choice(["Nike", "Jordan", "adidas", "New Balance", "ASICS"])
        model_name = rng.choice([m for m, kind in BRANDS[brand][2] if kind == "Footwear"])
        styles = 1 if sku else rng.randint(1, 3)
        m = FlModel(str(rng.randint(100_000, 999_999)), name or f"{model_name} - Men's", brand, [])
        price = float(rng.randrange(90, 255, 5))
        for _ in range(styles):
            style_sku = sku or str(rng.randint(10_000_000, 99_999_999))
            if style_sku in self._by_sku:
                continue
            self._add_style(m, style_sku, price, sizes, now)
        assert self._models is not None
        self._models.append(m)
        return m

    def _add_style(self, m: FlModel, sku: str, price: float, sizes: list[float] | None, now: float) -> None:
        rng = self._rng
        if sizes is None:
            count = rng.randint(8, 16)
            start = rng.randint(4, len(FL_SIZES) - count)
            sizes = list(FL_SIZES[start : start + count])
            stock = [rng.random() < 0.6 for _ in sizes]
        else:
            stock = [True] * len(sizes)
        units = [
            FlSize(self._code(), s, ok, str(rng.randint(10**11, 10**12 - 1)))
            for s, ok in zip(sizes, stock, strict=True)
        ]
        st = FlStyle(sku, self._code(), rng.choice(COLORWAYS), price, units, now)
        m.styles.append(st)
        self._by_sku[sku] = (m, st)

    def get(self, sku: str) -> tuple[FlModel, FlStyle]:
        _ = self.models
        try:
            return self._by_sku[sku]
        except KeyError:
            raise SimError(404, f"unknown sku {sku!r} in store {self.name!r}") from None

    @property
    def skus(self) -> list[str]:
        _ = self.models
        return list(self._by_sku)

    # -- rendering -------------------------------------------------------------------------------

    def legacy(self, sku: str) -> Rendered:
        cached = self._legacy.get(sku)
        if cached is None:
            body = dumps(legacy_pdp(self.get(sku)[0]))
            cached = self._legacy[sku] = Rendered(body, etag_of(body))
        return cached

    def core(self, sku: str) -> Rendered:
        cached = self._core.get(sku)
        if cached is None:
            body = dumps(product_core(*self.get(sku)))
            cached = self._core[sku] = Rendered(body, etag_of(body))
        return cached

    def _touch(self, m: FlModel, now: float) -> None:
        for st in m.styles:  # the legacy shape of every sibling style includes this one
            self._legacy.pop(st.sku, None)
            self._core.pop(st.sku, None)
        self.last_modified = max(math.ceil(now), self.last_modified + 1)

    # -- mutations -------------------------------------------------------------------------------

    def set_available(self, sku: str, sizes: list[str] | None, value: bool, now: float) -> list[str]:
        m, st = self.get(sku)
        wanted = None if sizes is None else {parse_size(s) for s in sizes}
        if wanted is not None and not wanted <= {u.size for u in st.sizes}:
            raise SimError(400, f"unknown sizes {sorted(wanted)} for sku {sku!r}")
        changed = []
        for u in st.sizes:
            if wanted is None or u.size in wanted:
                u.in_stock = value
                changed.append(f"{u.size:.1f}")
        st.updated_at = now
        self._touch(m, now)
        return changed

    def set_price(self, sku: str, price: float, now: float) -> None:
        m, st = self.get(sku)
        st.price = price
        st.updated_at = now
        self._touch(m, now)

    def add_product(self, sku: str, name: str | None, sizes: list[str] | None, now: float) -> FlStyle:
        _ = self.models
        if sku in self._by_sku:
            raise SimError(409, f"sku {sku!r} already exists in {self.name!r}")
        parsed = None if sizes is None else [parse_size(s) for s in sizes]
        m = self._new_model(sku, name, parsed, now)
        self._touch(m, now)
        return m.styles[0]

    def summary(self) -> dict[str, Any]:
        return {"name": self.name, "platform": "footsites", "skus": len(self.skus), "fault": self.fault.mode}

    def listing(self) -> list[dict[str, Any]]:
        return [
            {
                "sku": st.sku,
                "name": m.name,
                "price": st.price,
                "sizes": [{"size": f"{u.size:.1f}", "available": u.in_stock} for u in st.sizes],
            }
            for m in self.models
            for st in m.styles
        ]
