"""The pure change detector: previous snapshot + current snapshot -> events."""

from __future__ import annotations

from collections.abc import Iterable

from phantom.domain.events import EventKind, ProductEvent
from phantom.domain.models import Product, Snapshot

AvailabilityKey = tuple[str, str]  # (product id, variant id)


def diff(previous: Snapshot | None, current: Snapshot) -> list[ProductEvent]:
    """Events that turn `previous` into `current`.

    Invariants: no previous snapshot (a store's first poll) is a baseline and yields nothing; an identical
    snapshot yields nothing; applying the events' availability changes to `previous` gives `current`'s.
    """
    if previous is None:
        return []
    events: list[ProductEvent] = []
    if previous.password_locked != current.password_locked:
        kind = EventKind.PASSWORD_UP if current.password_locked else EventKind.PASSWORD_DOWN
        events.append(ProductEvent(kind=kind))
    before = previous.products
    for pid, product in current.products.items():
        old = before.get(pid)
        if old is None:
            events.append(
                ProductEvent(kind=EventKind.NEW_PRODUCT, product=product, variants=product.variants)
            )
        elif old != product:
            events.extend(_product_changes(old, product))
    for pid, old in before.items():
        if pid not in current.products and old.available:
            events.append(
                ProductEvent(
                    kind=EventKind.SOLD_OUT, product=old, variants=old.available_variants, removed=True
                )
            )
    return events


def _product_changes(old: Product, new: Product) -> Iterable[ProductEvent]:
    old_variants = {v.id: v for v in old.variants}
    new_ids = {v.id for v in new.variants}
    added = tuple(v for v in new.variants if v.id not in old_variants)
    if added:
        yield ProductEvent(kind=EventKind.NEW_VARIANT, product=new, variants=added)
    restocked = tuple(
        v for v in new.variants if v.available and v.id in old_variants and not old_variants[v.id].available
    )
    if restocked:
        yield ProductEvent(kind=EventKind.RESTOCK, product=new, variants=restocked)
    gone = tuple(
        v for v in new.variants if not v.available and v.id in old_variants and old_variants[v.id].available
    ) + tuple(v for v in old.variants if v.available and v.id not in new_ids)
    if gone:
        yield ProductEvent(kind=EventKind.SOLD_OUT, product=new, variants=gone)
    if old.price is not None and new.price is not None and old.price != new.price:
        yield ProductEvent(kind=EventKind.PRICE_CHANGE, product=new, old_price=old.price, new_price=new.price)


def carry_forward(previous: Snapshot | None, current: Snapshot) -> Snapshot:
    """A password-locked store shows no products: keep the last known ones so reopening announces only
    what changed while it was locked (the usual drop pattern)."""
    if current.password_locked and previous is not None and not current.products:
        return Snapshot(products=previous.products, password_locked=True, version=current.version)
    return current


def merge_watched(catalogue: Snapshot, watched: dict[str, Product]) -> Snapshot:
    """Overlay closely watched products (fresher, from `/products/<handle>.js`) onto the catalogue.

    The watched copy wins, so a lagging catalogue cache cannot flap a product between sold out and restock.
    """
    if not watched or catalogue.password_locked:
        return catalogue
    products = dict(catalogue.products)
    by_handle = {p.handle: pid for pid, p in products.items()}
    for handle, product in watched.items():
        stale_id = by_handle.get(handle)
        if stale_id is not None and stale_id != product.id:
            del products[stale_id]
        products[product.id] = product
    return catalogue.with_products(products)


def available_keys(snapshot: Snapshot) -> frozenset[AvailabilityKey]:
    return frozenset((p.id, v.id) for p in snapshot.products.values() for v in p.variants if v.available)


def apply_availability(
    keys: frozenset[AvailabilityKey], events: Iterable[ProductEvent]
) -> frozenset[AvailabilityKey]:
    """Replay events' availability changes onto a set of in-stock (product, variant) keys."""
    result = set(keys)
    for event in events:
        pid = event.product_id
        if event.kind in (EventKind.NEW_PRODUCT, EventKind.NEW_VARIANT, EventKind.RESTOCK):
            result.update((pid, v.id) for v in event.variants if v.available)
        elif event.kind is EventKind.SOLD_OUT:
            result.difference_update((pid, v.id) for v in event.variants)
    return frozenset(result)
