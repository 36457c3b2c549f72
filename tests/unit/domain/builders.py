"""Terse builders for hand-written catalogue scenarios."""

from __future__ import annotations

from phantom.domain.models import Product, Snapshot, Variant

PRICE = 11000  # cents


def v(vid: str, size: str, *, available: bool = True, price: int = PRICE) -> Variant:
    return Variant(id=vid, size=size, price=price, available=available)


def p(pid: str, *variants: Variant, title: str = "Nike Dunk Low Panda") -> Product:
    return Product(id=pid, handle=f"handle-{pid}", title=title, variants=variants)


def snap(*products: Product, locked: bool = False, version: int = 0) -> Snapshot:
    return Snapshot(products={x.id: x for x in products}, password_locked=locked, version=version)


def dunk(*, sizes: dict[str, bool], price: int = PRICE, pid: str = "dunk") -> Product:
    """A product whose variant ids are `<pid>-<size>`, with the given availability per size."""
    return p(pid, *(v(f"{pid}-{size}", size, available=up, price=price) for size, up in sizes.items()))
