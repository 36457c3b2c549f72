"""Store use cases: add, update, delete, list and the configuration sync."""

from __future__ import annotations

import pytest

from phantom.domain.errors import DuplicateStore, InvalidStore, StoreNotFound
from phantom.domain.models import Platform
from phantom.domain.stores import Store
from phantom.services.stores import (
    StoreSpec,
    add_store,
    delete_store,
    get_store,
    list_stores,
    sync_stores,
    update_store,
)
from tests.fakes import FakeDatabase, FakeMonitorControl, SequentialIds
from tests.unit.services.factories import store


async def add(db: FakeDatabase, spec: StoreSpec, ids: SequentialIds, monitors: FakeMonitorControl) -> Store:
    return await add_store(spec, uow_factory=db.uow_factory(), ids=ids, monitors=monitors)


async def update(db: FakeDatabase, store_id: str, monitors: FakeMonitorControl, **changes: object) -> Store:
    return await update_store(store_id, changes, uow_factory=db.uow_factory(), monitors=monitors)


class TestAddStore:
    async def test_url_is_normalised_stored_and_watched(
        self, db: FakeDatabase, ids: SequentialIds, monitors: FakeMonitorControl
    ) -> None:
        added = await add(
            db, StoreSpec(url=" https://Kith.com/ ", watch_handles=(" dunk ", "dunk", "")), ids, monitors
        )

        assert added.id == "id00000001"
        assert added.url == "https://kith.com"
        assert added.name == "kith.com"
        assert added.watch_handles == ("dunk",)
        assert db.stores == {added.id: added}
        assert monitors.watched == {added.id: added}

    async def test_same_url_spelled_differently_is_a_duplicate(
        self, db: FakeDatabase, ids: SequentialIds, monitors: FakeMonitorControl
    ) -> None:
        first = await add(db, StoreSpec(url="https://kith.com"), ids, monitors)

        with pytest.raises(DuplicateStore):
            await add(db, StoreSpec(url="HTTPS://KITH.COM/"), ids, monitors)

        assert list(db.stores) == [first.id]
        assert list(monitors.watched) == [first.id]

    @pytest.mark.parametrize(
        "spec",
        [
            StoreSpec(url="ftp://kith.com"),
            StoreSpec(url="kith.com"),
            StoreSpec(url="https://kith.com", interval=0.1),
            StoreSpec(url="https://footlocker.com", platform=Platform.FOOTSITES),  # no skus
            StoreSpec(url="https://kith.com", max_pages=0),
        ],
    )
    async def test_invalid_spec_is_refused_and_nothing_written(
        self, db: FakeDatabase, ids: SequentialIds, monitors: FakeMonitorControl, spec: StoreSpec
    ) -> None:
        with pytest.raises(InvalidStore):
            await add(db, spec, ids, monitors)

        assert db.stores == {}
        assert db.commits == 0
        assert monitors.watched == {}

    async def test_disabled_store_is_stored_but_not_watched(
        self, db: FakeDatabase, ids: SequentialIds, monitors: FakeMonitorControl
    ) -> None:
        added = await add(db, StoreSpec(url="https://kith.com", enabled=False), ids, monitors)

        assert db.stores[added.id].enabled is False
        assert monitors.watched == {}


class TestUpdateStore:
    @pytest.fixture
    def two(self, db: FakeDatabase, monitors: FakeMonitorControl) -> FakeDatabase:
        db.stores.update({"s1": store("s1", "https://kith.com"), "s2": store("s2", "https://bodega.com")})
        monitors.watched.update(db.stores)
        return db

    async def test_partial_change_keeps_other_fields_and_restarts_the_monitor(
        self, two: FakeDatabase, monitors: FakeMonitorControl
    ) -> None:
        updated = await update(two, "s1", monitors, interval=5.0, name="Kith NYC")

        assert updated == store("s1", "https://kith.com").updated(interval=5.0, name="Kith NYC")
        assert two.stores["s1"] == updated
        assert monitors.watched["s1"] == updated

    async def test_url_change_is_normalised(self, two: FakeDatabase, monitors: FakeMonitorControl) -> None:
        updated = await update(two, "s1", monitors, url="https://KITH.com/us/")

        assert updated.url == "https://kith.com/us"

    async def test_url_change_to_own_url_is_allowed(
        self, two: FakeDatabase, monitors: FakeMonitorControl
    ) -> None:
        assert (await update(two, "s1", monitors, url="https://kith.com/")).url == "https://kith.com"

    async def test_url_change_onto_another_store_is_a_duplicate(
        self, two: FakeDatabase, monitors: FakeMonitorControl
    ) -> None:
        with pytest.raises(DuplicateStore):
            await update(two, "s1", monitors, url="https://Bodega.com/")

        assert two.stores["s1"].url == "https://kith.com"
        assert two.commits == 0

    async def test_invalid_change_is_refused(self, two: FakeDatabase, monitors: FakeMonitorControl) -> None:
        with pytest.raises(InvalidStore):
            await update(two, "s1", monitors, interval=0.1)

        assert two.stores["s1"].interval == 2.0
        assert monitors.watched["s1"].interval == 2.0

    async def test_disable_unwatches_and_enable_watches_again(
        self, two: FakeDatabase, monitors: FakeMonitorControl
    ) -> None:
        await update(two, "s1", monitors, enabled=False)
        assert "s1" not in monitors.watched
        assert two.stores["s1"].enabled is False

        await update(two, "s1", monitors, enabled=True)
        assert monitors.watched["s1"].enabled is True

    async def test_unknown_store(self, two: FakeDatabase, monitors: FakeMonitorControl) -> None:
        with pytest.raises(StoreNotFound):
            await update(two, "nope", monitors, interval=5.0)


class TestDeleteStore:
    async def test_delete_removes_and_unwatches(self, db: FakeDatabase, monitors: FakeMonitorControl) -> None:
        db.stores["s1"] = monitors.watched["s1"] = store("s1")

        await delete_store("s1", uow_factory=db.uow_factory(), monitors=monitors)

        assert db.stores == {}
        assert monitors.watched == {}

    async def test_unknown_store(self, db: FakeDatabase, monitors: FakeMonitorControl) -> None:
        with pytest.raises(StoreNotFound):
            await delete_store("nope", uow_factory=db.uow_factory(), monitors=monitors)


class TestReadStores:
    async def test_get_and_list(self, db: FakeDatabase) -> None:
        db.stores["s1"] = store("s1")

        assert await get_store("s1", uow_factory=db.uow_factory()) == store("s1")
        assert await list_stores(uow_factory=db.uow_factory()) == [store("s1")]
        with pytest.raises(StoreNotFound):
            await get_store("nope", uow_factory=db.uow_factory())


class TestSyncStores:
    SPECS = (
        StoreSpec(url="https://kith.com/", interval=3.0),
        StoreSpec(url="https://footlocker.com", platform=Platform.FOOTSITES, skus=("DD1391-100",)),
    )

    async def sync(
        self, db: FakeDatabase, ids: SequentialIds, specs: tuple[StoreSpec, ...] = SPECS
    ) -> list[Store]:
        return await sync_stores(specs, uow_factory=db.uow_factory(), ids=ids)

    async def test_creates_configured_stores(self, db: FakeDatabase, ids: SequentialIds) -> None:
        stores = await self.sync(db, ids)

        assert sorted(s.url for s in stores) == ["https://footlocker.com", "https://kith.com"]
        assert {s.id for s in stores} == {"id00000001", "id00000002"}
        assert db.stores["id00000001"].interval == 3.0

    async def test_updates_a_changed_store_in_place(self, db: FakeDatabase, ids: SequentialIds) -> None:
        await self.sync(db, ids)

        await self.sync(db, ids, (StoreSpec(url="https://kith.com", interval=9.0), *self.SPECS[1:]))

        assert db.stores["id00000001"].interval == 9.0
        assert len(db.stores) == 2

    async def test_leaves_stores_added_through_the_api_alone(
        self, db: FakeDatabase, ids: SequentialIds
    ) -> None:
        api_store = store("api", "https://bodega.com", interval=7.0)
        db.stores["api"] = api_store

        stores = await self.sync(db, ids)

        assert db.stores["api"] is api_store
        assert len(stores) == 3

    async def test_second_sync_writes_nothing(self, db: FakeDatabase, ids: SequentialIds) -> None:
        await self.sync(db, ids)
        rows = dict(db.stores)

        await self.sync(db, ids)

        assert all(db.stores[k] is rows[k] for k in rows)  # not even rewritten with equal values
        assert db.stores.keys() == rows.keys()
        assert len(ids.issued) == 2

    async def test_invalid_spec_aborts_the_whole_sync(self, db: FakeDatabase, ids: SequentialIds) -> None:
        with pytest.raises(InvalidStore):
            await self.sync(db, ids, (self.SPECS[0], StoreSpec(url="https://x.com", interval=0.1)))

        assert db.stores == {}
