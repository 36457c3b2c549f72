"""Response schemas of the products API, built from the domain's product read model."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from phantom.api.schemas import VariantRead
from phantom.domain.products import ProductHistory, ProductPoint, ProductRecord


class ProductRead(BaseModel):
    store_id: str
    product_id: str
    handle: str
    title: str
    vendor: str
    style_code: str | None
    image: str | None
    url: str = Field(description="absolute product page")
    price: int | None = Field(description="lowest variant price, minor units (cents)")
    available: bool
    sizes_in_stock: list[str]
    first_seen_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, r: ProductRecord) -> ProductRead:
        return cls(**_fields(r))


class ProductDetail(ProductRead):
    variants: list[VariantRead]

    @classmethod
    def of(cls, r: ProductRecord) -> ProductDetail:
        variants = [
            VariantRead(id=v.id, size=v.size, price=v.price, available=v.available) for v in r.variants
        ]
        return cls(**_fields(r), variants=variants)


def _fields(r: ProductRecord) -> dict[str, object]:
    return {
        "store_id": r.store_id,
        "product_id": r.product_id,
        "handle": r.handle,
        "title": r.title,
        "vendor": r.vendor,
        "style_code": r.style_code,
        "image": r.image,
        "url": r.url,
        "price": r.price,
        "available": r.available,
        "sizes_in_stock": list(r.sizes_in_stock),
        "first_seen_at": r.first_seen_at,
        "updated_at": r.updated_at,
    }


class ProductPage(BaseModel):
    items: list[ProductRead]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null at the end")


class ProductPointRead(BaseModel):
    at: datetime
    price: int | None
    sizes_in_stock: list[str]
    in_stock_count: int
    kind: str = Field(description='the event kind that caused the point, or "baseline"')

    @classmethod
    def of(cls, p: ProductPoint) -> ProductPointRead:
        return cls(
            at=p.at,
            price=p.price,
            sizes_in_stock=list(p.sizes_in_stock),
            in_stock_count=p.in_stock_count,
            kind=p.kind,
        )


class ProductHistoryRead(BaseModel):
    store_id: str
    product_id: str
    points: list[ProductPointRead] = Field(description="oldest first")
    sell_out_seconds: float | None = Field(
        description="from the point that put the product in stock (new or restock) to the point it was "
        "fully sold out, for its latest such drop; null if it has not sold out since Phantom saw it arrive"
    )

    @classmethod
    def of(cls, store_id: str, product_id: str, h: ProductHistory) -> ProductHistoryRead:
        return cls(
            store_id=store_id,
            product_id=product_id,
            points=[ProductPointRead.of(p) for p in h.points],
            sell_out_seconds=h.sell_out_seconds,
        )
