"""Hypothesis strategies for realistic catalogue snapshots.

Product ids come from a small pool and variant ids from a small per-product pool, so a previous and a
current snapshot overlap the way two polls of one store do: most products stay, some sizes flip, some
prices move, now and then a product or size appears or goes.
"""

from __future__ import annotations

from hypothesis import strategies as st

from phantom.domain.models import Product, Snapshot, Variant

PRODUCT_IDS = tuple(f"p{i}" for i in range(6))
VARIANT_SLOTS = 5
SIZES = ("7", "8", "8.5", "9", "9.5", "10", "11", "S", "M", "L")
PRICES = (9000, 11000, 12000, 15000)  # cents


def variant_id(pid: str, slot: int) -> str:
    return f"{pid}-v{slot}"


@st.composite
def variants_for(draw: st.DrawFn, pid: str) -> tuple[Variant, ...]:
    slots = draw(st.lists(st.integers(0, VARIANT_SLOTS - 1), unique=True, max_size=VARIANT_SLOTS))
    return tuple(
        Variant(
            id=variant_id(pid, slot),
            size=draw(st.sampled_from(SIZES)),
            price=draw(st.sampled_from(PRICES)),
            available=draw(st.booleans()),
        )
        for slot in slots
    )


@st.composite
def products(draw: st.DrawFn, pid: str) -> Product:
    return Product(
        id=pid,
        handle=f"handle-{pid}",
        title=draw(st.sampled_from(("Nike Dunk Low", "Jordan 1 Retro High OG", "Wallabee"))),
        variants=draw(variants_for(pid)),
    )


@st.composite
def snapshots(draw: st.DrawFn) -> Snapshot:
    pids = draw(st.lists(st.sampled_from(PRODUCT_IDS), unique=True, max_size=len(PRODUCT_IDS)))
    return Snapshot(
        products={pid: draw(products(pid)) for pid in pids},
        password_locked=draw(st.booleans()),
        version=draw(st.integers(0, 3)),
    )


@st.composite
def _mutated_variants(draw: st.DrawFn, product: Product) -> tuple[Variant, ...]:
    out: list[Variant] = []
    for variant in product.variants:
        change = draw(st.sampled_from(("keep", "keep", "flip", "price", "drop")))
        if change == "flip":
            out.append(Variant(variant.id, variant.size, variant.price, not variant.available))
        elif change == "price":
            out.append(Variant(variant.id, variant.size, draw(st.sampled_from(PRICES)), variant.available))
        elif change == "keep":
            out.append(variant)
    taken = {v.id for v in product.variants}
    for slot in range(VARIANT_SLOTS):
        vid = variant_id(product.id, slot)
        if vid not in taken and draw(st.integers(0, 4)) == 0:
            price = draw(st.sampled_from(PRICES))
            out.append(Variant(vid, draw(st.sampled_from(SIZES)), price, draw(st.booleans())))
    return tuple(out)


@st.composite
def successors(draw: st.DrawFn, previous: Snapshot) -> Snapshot:
    """The next poll of the same store: mostly the same products, with some changes."""
    result: dict[str, Product] = {}
    for pid in PRODUCT_IDS:
        old = previous.products.get(pid)
        if old is None:
            if draw(st.integers(0, 3)) == 0:
                result[pid] = draw(products(pid))
            continue
        change = draw(st.sampled_from(("keep", "mutate", "mutate", "drop")))
        if change == "keep":
            result[pid] = old
        elif change == "mutate":
            result[pid] = Product(old.id, old.handle, old.title, draw(_mutated_variants(old)))
    locked = draw(st.sampled_from((previous.password_locked, previous.password_locked, True, False)))
    return Snapshot(products=result, password_locked=locked, version=previous.version)


@st.composite
def snapshot_pairs(draw: st.DrawFn) -> tuple[Snapshot, Snapshot]:
    previous = draw(snapshots())
    current = draw(st.one_of(successors(previous), snapshots()))
    return previous, current


def rebuilt(snapshot: Snapshot) -> Snapshot:
    """An equal snapshot built separately: new Snapshot, dict, Product, tuple and Variant objects, with the
    products inserted in reverse order (dict equality ignores order; the diff must too)."""
    return Snapshot(
        products={
            pid: Product(
                id=p.id,
                handle=p.handle,
                title=p.title,
                variants=tuple(Variant(v.id, v.size, v.price, v.available, v.sku) for v in p.variants),
                vendor=p.vendor,
                image=p.image,
                url=p.url,
                style_code=p.style_code,
            )
            for pid, p in reversed(snapshot.products.items())
        },
        password_locked=snapshot.password_locked,
        version=snapshot.version,
    )


@st.composite
def poll_sequences(draw: st.DrawFn) -> list[Snapshot]:
    """Several consecutive polls of one store."""
    polls = [draw(snapshots())]
    for _ in range(draw(st.integers(1, 4))):
        polls.append(draw(successors(polls[-1])))
    return polls
