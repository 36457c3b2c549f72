"""record_snapshot: a snapshot becomes events, their outbox rows and the new state, in one transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest

from phantom.domain.events import EventKind
from phantom.domain.models import Snapshot
from phantom.domain.notifications import OutboxStatus
from phantom.services.monitoring import SnapshotOutcome, load_last_snapshot, record_snapshot
from tests.fakes import EPOCH, FakeDatabase, FrozenClock, SequentialIds, seed
from tests.unit.domain.builders import dunk, p, snap, v
from tests.unit.services.factories import CountingFactory, channel, store

STORE = store("s1")
BEFORE = snap(
    dunk(sizes={"9": False, "10": False}),
    p("aj1", v("aj1-9", "9"), title="Air Jordan 1 High"),
    version=3,
)
# Dunk size 10 comes back and a Yeezy (size 9 in stock) appears.
AFTER = snap(
    dunk(sizes={"9": False, "10": True}),
    p("aj1", v("aj1-9", "9"), title="Air Jordan 1 High"),
    p("yzy", v("yzy-9", "9"), v("yzy-11", "11", available=False), title="Yeezy Slide Onyx"),
)

CHANNELS = (
    channel("c-all"),
    channel("c-dunk", keywords="dunk"),
    channel("c-restock", kinds={EventKind.RESTOCK}),
    channel("c-size9", sizes=["US 9"]),
    channel("c-other-store", store_ids=["s2"]),
    channel("c-off", enabled=False, disabled_reason="webhook deleted"),
)


@pytest.fixture
def seeded(db: FakeDatabase) -> FakeDatabase:
    seed(db, stores=[STORE, store("s2", "https://other.com")], channels=CHANNELS)
    db.states[STORE.id] = BEFORE
    return db


async def record(
    db: FakeDatabase,
    previous: Snapshot | None,
    current: Snapshot,
    clock: FrozenClock,
    ids: SequentialIds,
    **kw: object,
) -> SnapshotOutcome:
    return await record_snapshot(
        STORE,
        previous,
        current,
        uow_factory=db.uow_factory(),
        clock=clock,
        ids=ids,
        **kw,  # type: ignore[arg-type]
    )


class TestBaseline:
    async def test_first_snapshot_is_stored_as_version_0_without_events_or_alerts(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        seed(db, stores=[STORE], channels=[channel("c-all")])
        outcome = await record(db, None, snap(dunk(sizes={"9": True}), version=7), clock, ids)

        assert outcome.events == []
        assert len(outcome.alerts) == 0
        assert outcome.snapshot.version == 0
        assert db.states[STORE.id] == outcome.snapshot
        assert db.states[STORE.id].products == snap(dunk(sizes={"9": True})).products
        assert db.events == {}
        assert db.outbox == {}
        assert db.commits == 1

    async def test_load_last_snapshot_reads_the_committed_state(
        self, seeded: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        assert await load_last_snapshot("s1", uow_factory=seeded.uow_factory()) == BEFORE
        assert await load_last_snapshot("s2", uow_factory=seeded.uow_factory()) is None


class TestChange:
    async def test_events_get_dedup_keys_of_store_version_kind_and_product(
        self, seeded: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        outcome = await record(seeded, BEFORE, AFTER, clock, ids)

        assert sorted(e.dedup_key for e in outcome.events) == ["s1:4:new_product:yzy", "s1:4:restock:dunk"]
        assert {e.id: e for e in outcome.events} == seeded.events
        assert all(e.detected_at == EPOCH and e.store_name == STORE.name for e in outcome.events)

    async def test_version_is_incremented_and_state_written(
        self, seeded: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        outcome = await record(seeded, BEFORE, AFTER, clock, ids)

        assert outcome.snapshot.version == 4
        assert seeded.states["s1"] == outcome.snapshot
        assert seeded.states["s1"].products == AFTER.products
        assert seeded.commits == 1

    async def test_one_outbox_row_per_matching_enabled_channel(
        self, seeded: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        outcome = await record(seeded, BEFORE, AFTER, clock, ids)

        kind_of = {e.id: e.kind for e in outcome.events}
        routed = sorted((row.channel_id, kind_of[row.event_id].value) for row in seeded.outbox.values())
        assert routed == [
            ("c-all", "new_product"),
            ("c-all", "restock"),
            ("c-dunk", "restock"),  # keyword "dunk" rejects the Yeezy
            ("c-restock", "restock"),  # kind filter rejects the new product
            ("c-size9", "new_product"),  # the restock offers size 10 only
        ]
        assert len(outcome.alerts) == 5
        assert all(
            row.status is OutboxStatus.PENDING and row.attempts == 0 and row.next_attempt_at == EPOCH
            for row in seeded.outbox.values()
        )

    async def test_disabled_and_other_store_channels_get_no_rows(
        self, seeded: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        await record(seeded, BEFORE, AFTER, clock, ids)

        channels = {row.channel_id for row in seeded.outbox.values()}
        assert "c-off" not in channels
        assert "c-other-store" not in channels

    async def test_changed_at_is_carried_on_every_event(
        self, seeded: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        changed = EPOCH - timedelta(seconds=3)
        outcome = await record(seeded, BEFORE, AFTER, clock, ids, changed_at=changed)

        assert [e.changed_at for e in outcome.events] == [changed, changed]

    async def test_failed_commit_writes_nothing_at_all(
        self, seeded: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        factory = CountingFactory(seeded)
        factory.fail_with = lambda: RuntimeError("disk I/O error")

        with pytest.raises(RuntimeError, match="disk I/O error"):
            await record_snapshot(STORE, BEFORE, AFTER, uow_factory=factory, clock=clock, ids=ids)

        assert seeded.events == {}
        assert seeded.outbox == {}
        assert seeded.states["s1"] is BEFORE
        assert seeded.commits == 0


class TestReplay:
    async def test_same_change_replayed_after_a_crash_writes_no_duplicates(
        self, seeded: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        first = await record(seeded, BEFORE, AFTER, clock, ids)
        events, rows = dict(seeded.events), dict(seeded.outbox)

        clock.advance(5)
        again = await record(seeded, BEFORE, AFTER, clock, ids)

        assert again.events == []
        assert len(again.alerts) == 0
        assert again.snapshot.version == first.snapshot.version
        assert seeded.events == events
        assert seeded.outbox == rows


class TestNoChange:
    async def test_identical_snapshot_opens_no_transaction_and_keeps_the_version(
        self, seeded: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        factory = CountingFactory(seeded)
        outcome = await record_snapshot(
            STORE, BEFORE, snap(*BEFORE.products.values()), uow_factory=factory, clock=clock, ids=ids
        )

        assert factory.opened == 0
        assert seeded.commits == 0
        assert outcome.events == []
        assert len(outcome.alerts) == 0
        assert outcome.snapshot.version == 3
        assert outcome.snapshot.products == BEFORE.products


class TestPasswordPage:
    async def test_lock_carries_products_forward_and_reopen_announces_only_the_difference(
        self, seeded: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        locked = await record(seeded, BEFORE, snap(locked=True), clock, ids)

        assert [e.kind for e in locked.events] == [EventKind.PASSWORD_UP]
        assert locked.snapshot.password_locked is True
        assert locked.snapshot.products == BEFORE.products
        assert seeded.states["s1"].products == BEFORE.products

        reopened = await record(seeded, locked.snapshot, AFTER, clock, ids)

        assert sorted(e.kind.value for e in reopened.events) == ["new_product", "password_down", "restock"]
        assert {e.event.product_id for e in reopened.events} == {"", "dunk", "yzy"}  # aj1 is not re-announced
        assert reopened.snapshot.version == locked.snapshot.version + 1

    async def test_store_level_events_pass_product_filters(
        self, seeded: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        await record(seeded, BEFORE, snap(locked=True), clock, ids)

        # Keyword and size filters cannot judge a password page: it reaches every enabled channel for s1.
        assert sorted(row.channel_id for row in seeded.outbox.values()) == ["c-all", "c-dunk", "c-size9"]
