"""Seeded generator of realistic sneaker and streetwear products (the sim's own vocabulary).

Everything here is deterministic for a given `random.Random`; timestamps are passed in.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

# brand -> (vendor string, style-code pattern, [(model, product_type)])
# Pattern letters: A = uppercase letter, 9 = digit; anything else is literal.
BRANDS: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    "Nike": (
        "Nike",
        "AA9999-999",
        [
            ("Nike Dunk Low Retro", "Footwear"),
            ("Nike Dunk High Retro", "Footwear"),
            ("Nike Air Force 1 '07", "Footwear"),
            ("Nike Air Max 1", "Footwear"),
            ("Nike Air Max 90", "Footwear"),
            ("Nike SB Dunk Low Pro", "Footwear"),
            ("Nike Vomero 5", "Footwear"),
            ("Nike P-6000", "Footwear"),
            ("Nike Sportswear Club Fleece Hoodie", "Apparel"),
            ("Nike Solo Swoosh Tee", "Apparel"),
        ],
    ),
    "Jordan": (
        "Jordan",
        "AA9999-999",
        [
            ("Air Jordan 1 Retro High OG", "Footwear"),
            ("Air Jordan 1 Low", "Footwear"),
            ("Air Jordan 3 Retro", "Footwear"),
            ("Air Jordan 4 Retro", "Footwear"),
            ("Air Jordan 11 Retro", "Footwear"),
            ("Jordan Flight Essentials Tee", "Apparel"),
        ],
    ),
    "adidas": (
        "adidas",
        "AA9999",
        [
            ("adidas Samba OG", "Footwear"),
            ("adidas Gazelle Indoor", "Footwear"),
            ("adidas Campus 00s", "Footwear"),
            ("adidas Handball Spezial", "Footwear"),
            ("adidas SL 72 OG", "Footwear"),
            ("adidas Firebird Track Top", "Apparel"),
        ],
    ),
    "New Balance": (
        "New Balance",
        "A999AA9",
        [
            ("New Balance 990v6", "Footwear"),
            ("New Balance 2002R", "Footwear"),
            ("New Balance 550", "Footwear"),
            ("New Balance 9060", "Footwear"),
            ("New Balance 1906R", "Footwear"),
        ],
    ),
    "ASICS": (
        "ASICS",
        "9999A999.999",
        [
            ("ASICS GEL-Kayano 14", "Footwear"),
            ("ASICS GEL-1130", "Footwear"),
            ("ASICS GEL-NYC", "Footwear"),
            ("ASICS GT-2160", "Footwear"),
        ],
    ),
    "Salomon": (
        "Salomon",
        "A99999999",
        [("Salomon XT-6", "Footwear"), ("Salomon ACS Pro", "Footwear"), ("Salomon XT-4 OG", "Footwear")],
    ),
    "Clarks": (
        "Clarks",
        "99999999",
        [
            ("Clarks Wallabee", "Footwear"),
            ("Clarks Desert Boot", "Footwear"),
            ("Clarks Wallabee Boot", "Footwear"),
        ],
    ),
    "Carhartt WIP": (
        "Carhartt WIP",
        "A999999",
        [("Carhartt WIP Chase Hoodie", "Apparel"), ("Carhartt WIP Pocket Tee", "Apparel")],
    ),
}

COLORWAYS = (
    "White/Black",
    "Black/White",
    "Triple White",
    "Triple Black",
    "Sail/Gum",
    "University Blue/White",
    "Grey Fog",
    "Panda",
    "Sea Salt/Grey",
    "Cream/Green",
    "Pine Green/Black/White",
    "Bred",
    "Chicago",
    "Light Smoke Grey",
    "Core Black/Gum",
    "Burgundy/Cream",
    "Navy/Orange",
    "Olive/Tan",
    "Maple",
    "Phantom/Sail",
)

SNEAKER_SIZES = (
    "4", "4.5", "5", "5.5", "6", "6.5", "7", "7.5", "8", "8.5", "9", "9.5", "10", "10.5",
    "11", "11.5", "12", "12.5", "13", "13.5", "14", "14.5", "15",
)  # fmt: skip
APPAREL_SIZES = ("XS", "S", "M", "L", "XL", "XXL")
SIZE_TAGS = {s: "size-" + s.lower().replace(".", "-") for s in SNEAKER_SIZES + APPAREL_SIZES}
CDN = "https://cdn.shopify.com/s/files/1/0{shop}/files"


@dataclass(slots=True)
class ShopProduct:
    """A Shopify product with one option (Size); variants are parallel lists indexed by position."""

    id: int
    handle: str
    title: str
    vendor: str
    product_type: str
    style_code: str
    colorway: str
    tags: list[str]
    body_html: str
    sizes: list[str]
    variant_ids: list[int]
    skus: list[str]
    available: list[bool]
    variant_updated: list[float]
    price: str
    grams: int
    image_id: int
    image_src: str
    published_at: float
    created_at: float
    updated_at: float

    def variant_index(self, size: str) -> int:
        return self.sizes.index(size)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def style_code(rng: random.Random, pattern: str) -> str:
    out = []
    for ch in pattern:
        if ch == "A":
            out.append(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ"))
        elif ch == "9":
            out.append(rng.choice("0123456789"))
        else:
            out.append(ch)
    return "".join(out)


def pick_sizes(rng: random.Random, product_type: str) -> list[str]:
    if product_type == "Apparel":
        start = rng.randint(0, 1)
        return list(APPAREL_SIZES[start:])
    count = rng.randint(8, 20)
    start = rng.randint(0, len(SNEAKER_SIZES) - count)
    return list(SNEAKER_SIZES[start : start + count])


def pick_price(rng: random.Random, product_type: str) -> str:
    low, high = (60, 180) if product_type == "Apparel" else (110, 250)
    return f"{rng.randrange(low, high + 1, 5)}.00"


def availability(rng: random.Random, count: int) -> list[bool]:
    roll = rng.random()
    if roll < 0.3:
        return [False] * count
    if roll < 0.5:
        return [True] * count
    return [rng.random() < 0.6 for _ in range(count)]


class IdSource:
    """Monotonic Shopify-like ids (13-digit products, 14-digit variants)."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._product = 7_000_000_000_000 + rng.randrange(10**11)
        self._variant = 40_000_000_000_000 + rng.randrange(10**12)
        self._image = 30_000_000_000_000 + rng.randrange(10**12)
        self._sku = 30_000_000 + rng.randrange(10**7)

    def product(self) -> int:
        self._product += 1 + self._rng.getrandbits(13)
        return self._product

    def variant(self) -> int:
        self._variant += 1 + self._rng.getrandbits(6)
        return self._variant

    def image(self) -> int:
        self._image += 1 + self._rng.getrandbits(10)
        return self._image

    def sku(self) -> str:
        self._sku += 1
        return str(self._sku)


def body_html(model: str, colorway: str, code: str, product_type: str) -> str:
    sizing = "Sizing listed in US Men's" if product_type == "Footwear" else "Unisex fit"
    return (
        f"<p>The {model} returns in a {colorway} colourway.</p>\n"
        f"<ul>\n<li>{code}</li>\n<li><strong>{sizing}</strong></li>\n"
        "<li><strong>All Sales Are Final. Limit one per customer.</strong></li>\n</ul>"
    )


def make_tags(vendor: str, product_type: str, code: str, sizes: list[str]) -> list[str]:
    tags = [f"BRAND_{vendor.upper().replace(' ', '_')}", product_type.upper(), code, vendor.lower()]
    tags += [SIZE_TAGS.get(s) or f"size-{slugify(s)}" for s in sizes]
    return sorted(tags)


def new_product(
    rng: random.Random,
    ids: IdSource,
    shop_num: int,
    now: float,
    *,
    published_at: float,
    title: str | None = None,
    handle: str | None = None,
    sizes: list[str] | None = None,
    price: str | None = None,
    available: bool | None = None,
) -> ShopProduct:
    """Generate one product; explicit arguments override the generated fields."""
    brand = rng.choice(list(BRANDS))
    vendor, pattern, models = BRANDS[brand]
    model, product_type = rng.choice(models)
    colorway = rng.choice(COLORWAYS)
    code = style_code(rng, pattern)
    title = title or f"{model} - {colorway}"
    sizes = list(sizes) if sizes else pick_sizes(rng, product_type)
    avail = [available] * len(sizes) if available is not None else availability(rng, len(sizes))
    pid = ids.product()
    image_name = code.replace(".", "-")
    created = min(published_at, now) - rng.uniform(3_600, 3 * 86_400)
    return ShopProduct(
        id=pid,
        handle=handle or f"{slugify(title)}-{slugify(code)}",
        title=title,
        vendor=vendor,
        product_type=product_type,
        style_code=code,
        colorway=colorway,
        tags=make_tags(vendor, product_type, code, sizes),
        body_html=body_html(model, colorway, code, product_type),
        sizes=sizes,
        variant_ids=[ids.variant() for _ in sizes],
        skus=[ids.sku() for _ in sizes],
        available=avail,
        variant_updated=[published_at] * len(sizes),
        price=price or pick_price(rng, product_type),
        grams=1_361 if product_type == "Footwear" else 450,
        image_id=ids.image(),
        image_src=f"{CDN.format(shop=shop_num)}/{image_name}.jpg?v={int(published_at)}",
        published_at=published_at,
        created_at=created,
        updated_at=published_at,
    )
