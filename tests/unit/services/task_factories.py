"""Builders for the task, rule, inbound and history service tests on a FakeDatabase."""

from __future__ import annotations

from datetime import datetime

from phantom.domain.cards import Card, CardBrand, CardSummary
from phantom.domain.checkout import AttemptStatus, CheckoutAttempt, attempt_key
from phantom.domain.events import EventKind, ProductEvent, StoredEvent
from phantom.domain.models import Product, Variant
from phantom.domain.profiles import Address, Profile
from phantom.domain.proxies import Proxy, ProxyList, ProxyScheme
from phantom.domain.tasks import ProductTarget, Task, TaskMode, TaskStatus, TaskTransition
from tests.fakes import EPOCH, FakeDatabase
from tests.unit.services.factories import store


def seed_store(db: FakeDatabase, sid: str = "s1", url: str = "https://kith.com") -> None:
    db.stores[sid] = store(sid, url=url)


def seed_profile(db: FakeDatabase, pid: str = "p1", name: str = "Main") -> Profile:
    address = Address("Ada", "Lovelace", "1 Main St", "London", "N1", "GB")
    profile = Profile(
        id=pid,
        name=name,
        email="ada@example.com",
        phone="",
        shipping=address,
        billing=None,
        card=CardSummary(CardBrand.VISA, "1111", 12, 2030, "Ada Lovelace"),
        group=None,
        created_at=EPOCH,
        updated_at=EPOCH,
    )
    db.profiles[pid] = (profile, Card("Ada Lovelace", "4111111111111111", 12, 2030, "123"))
    return profile


def seed_proxy_list(db: FakeDatabase, lid: str = "pl1", name: str = "resi") -> ProxyList:
    proxies = (Proxy(ProxyScheme.HTTP, "127.0.0.1", 8080),)
    proxy_list = ProxyList(id=lid, name=name, proxies=proxies, created_at=EPOCH, updated_at=EPOCH)
    db.proxy_lists[lid] = proxy_list
    return proxy_list


def seed_task(db: FakeDatabase, tid: str, status: TaskStatus = TaskStatus.IDLE, **changes: object) -> Task:
    task = Task(
        id=tid,
        store_id="s1",
        target=ProductTarget(handle="dunk-low"),
        mode=TaskMode.ASSIST,
        status=status,
        created_at=EPOCH,
        updated_at=EPOCH,
    ).updated(**changes)
    db.tasks[task.id] = task
    db.transitions[f"{tid}\x1f000001"] = TaskTransition(tid, None, status, EPOCH, "created")
    return task


def product(
    handle: str = "dunk-low",
    *,
    sizes: dict[str, bool] | None = None,
    price: int = 11000,
    title: str = "Nike Dunk Low Panda",
) -> Product:
    sizes = sizes if sizes is not None else {"9": True, "10": True}
    variants = tuple(
        Variant(id=f"{handle}-{s}", size=s, price=price, available=up) for s, up in sizes.items()
    )
    return Product(id=f"id-{handle}", handle=handle, title=title, variants=variants)


def event(
    eid: str = "e1",
    *,
    store_id: str = "s1",
    kind: EventKind = EventKind.RESTOCK,
    item: Product | None = None,
    detected_at: datetime = EPOCH,
) -> StoredEvent:
    item = item if item is not None else product()
    return StoredEvent(
        id=eid,
        store_id=store_id,
        store_name="Kith",
        store_url="https://kith.com",
        dedup_key=f"{store_id}:{eid}",
        detected_at=detected_at,
        event=ProductEvent(kind=kind, product=item, variants=item.available_variants),
    )


def attempt(
    aid: str,
    *,
    status: AttemptStatus = AttemptStatus.LINK_READY,
    created: datetime = EPOCH,
    store_id: str = "s1",
    mode: TaskMode = TaskMode.ASSIST,
    **changes: object,
) -> CheckoutAttempt:
    base = CheckoutAttempt(
        id=aid,
        task_id=f"task-{aid}",
        number=1,
        key=attempt_key(f"task-{aid}", 1),
        status=status,
        mode=mode,
        store_id=store_id,
        created_at=created,
    )
    return base.updated(**changes) if changes else base
