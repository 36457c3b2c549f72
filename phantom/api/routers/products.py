"""Products: search the catalogue Phantom has seen, one product's detail, its price and stock history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from phantom.api.deps import ServicesDep, authorize
from phantom.api.errors import error_responses
from phantom.api.fields import IsoDatetime
from phantom.api.product_schemas import ProductDetail, ProductHistoryRead, ProductPage, ProductRead
from phantom.domain.products import MAX_PRODUCT_PAGE
from phantom.services import products as product_service

router = APIRouter(prefix="/api/products", tags=["products"], dependencies=[Depends(authorize)])


@router.get("", operation_id="listProducts", responses=error_responses(400))
async def list_products(
    services: ServicesDep,
    q: Annotated[
        str | None,
        Query(max_length=200, description='title keywords: "+dunk -kids, jordan 1" (groups OR, terms AND)'),
    ] = None,
    store_id: Annotated[str | None, Query(max_length=64)] = None,
    style_code: Annotated[str | None, Query(max_length=255, description="exact, case-insensitive")] = None,
    size: Annotated[str | None, Query(max_length=32, description="in stock; US 9 = 9 = 09.0")] = None,
    available: bool | None = None,
    cursor: Annotated[
        str | None, Query(max_length=400, description="next_cursor of the previous page")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PRODUCT_PAGE)] = 50,
) -> ProductPage:
    query = product_service.ProductQuery(
        q=q,
        store_id=store_id,
        style_code=style_code,
        size=size,
        available=available,
        cursor=cursor,
        limit=limit,
    )
    page = await product_service.list_products(query, uow_factory=services.uow_factory)
    return ProductPage(items=[ProductRead.of(r) for r in page.items], next_cursor=page.next_cursor)


@router.get("/{store_id}/{product_id}", operation_id="getProduct", responses=error_responses(404))
async def get_product(store_id: str, product_id: str, services: ServicesDep) -> ProductDetail:
    record = await product_service.get_product(store_id, product_id, uow_factory=services.uow_factory)
    return ProductDetail.of(record)


@router.get(
    "/{store_id}/{product_id}/history", operation_id="getProductHistory", responses=error_responses(404)
)
async def get_product_history(
    store_id: str,
    product_id: str,
    services: ServicesDep,
    since: Annotated[
        IsoDatetime | None, Query(description="only points at or after this time (with a UTC offset)")
    ] = None,
) -> ProductHistoryRead:
    history = await product_service.product_history(
        store_id, product_id, since=since, uow_factory=services.uow_factory
    )
    return ProductHistoryRead.of(store_id, product_id, history)
