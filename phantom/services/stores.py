"""Store use cases: add, change, remove and list the stores Phantom watches."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from phantom.domain.errors import DuplicateStore, StoreNotFound
from phantom.domain.models import Platform
from phantom.domain.ports import IdFactory, MonitorControl, UnitOfWorkFactory
from phantom.domain.stores import Store, default_store_name, normalize_store_url, validate_store


@dataclass(frozen=True, slots=True)
class StoreSpec:
    """What a person asks for; the service turns it into a validated Store."""

    url: str
    platform: Platform = Platform.SHOPIFY
    interval: float = 2.0
    name: str = ""
    skus: tuple[str, ...] = ()
    watch_handles: tuple[str, ...] = ()
    watch_interval: float | None = None
    max_pages: int = 10
    enabled: bool = True

    def to_store(self, store_id: str) -> Store:
        url = normalize_store_url(self.url)
        return validate_store(
            Store(
                id=store_id,
                url=url,
                platform=self.platform,
                interval=self.interval,
                name=self.name or default_store_name(url),
                skus=tuple(dict.fromkeys(s.strip() for s in self.skus if s.strip())),
                watch_handles=tuple(dict.fromkeys(h.strip() for h in self.watch_handles if h.strip())),
                watch_interval=self.watch_interval,
                max_pages=self.max_pages,
                enabled=self.enabled,
            )
        )


async def list_stores(*, uow_factory: UnitOfWorkFactory) -> list[Store]:
    async with uow_factory() as uow:
        return await uow.stores.list()


async def get_store(store_id: str, *, uow_factory: UnitOfWorkFactory) -> Store:
    async with uow_factory() as uow:
        store = await uow.stores.get(store_id)
    if store is None:
        raise StoreNotFound(f"no store with id {store_id}")
    return store


async def add_store(
    spec: StoreSpec, *, uow_factory: UnitOfWorkFactory, ids: IdFactory, monitors: MonitorControl
) -> Store:
    """Validate, persist and start monitoring a store. Raises InvalidStore or DuplicateStore."""
    store = spec.to_store(ids())
    async with uow_factory() as uow:
        if await uow.stores.get_by_url(store.url) is not None:
            raise DuplicateStore(f"{store.url} is already watched")
        await uow.stores.add(store)
        await uow.commit()
    if store.enabled:
        monitors.watch(store)
    return store


async def update_store(
    store_id: str, changes: dict[str, object], *, uow_factory: UnitOfWorkFactory, monitors: MonitorControl
) -> Store:
    """Apply a partial change (interval, name, enabled, skus, …) and restart that store's monitor."""
    async with uow_factory() as uow:
        current = await uow.stores.get(store_id)
        if current is None:
            raise StoreNotFound(f"no store with id {store_id}")
        if "url" in changes:
            changes = {**changes, "url": normalize_store_url(str(changes["url"]))}
            other = await uow.stores.get_by_url(str(changes["url"]))
            if other is not None and other.id != store_id:
                raise DuplicateStore(f"{changes['url']} is already watched")
        store = validate_store(replace(current, **changes))  # type: ignore[arg-type]
        await uow.stores.update(store)
        await uow.commit()
    if store.enabled:
        monitors.watch(store)
    else:
        monitors.unwatch(store.id)
    return store


async def delete_store(store_id: str, *, uow_factory: UnitOfWorkFactory, monitors: MonitorControl) -> None:
    async with uow_factory() as uow:
        if await uow.stores.get(store_id) is None:
            raise StoreNotFound(f"no store with id {store_id}")
        await uow.stores.delete(store_id)
        await uow.commit()
    monitors.unwatch(store_id)


async def sync_stores(
    specs: Iterable[StoreSpec], *, uow_factory: UnitOfWorkFactory, ids: IdFactory
) -> list[Store]:
    """Make the configured stores exist with the configured settings (matched by URL), in one transaction.

    Stores added through the API are left alone; the caller starts monitoring for every enabled store.
    """
    async with uow_factory() as uow:
        for spec in specs:
            wanted = spec.to_store("")
            existing = await uow.stores.get_by_url(wanted.url)
            if existing is None:
                await uow.stores.add(replace(wanted, id=ids()))
            elif replace(wanted, id=existing.id) != existing:
                await uow.stores.update(replace(wanted, id=existing.id))
        await uow.commit()
        return await uow.stores.list()
