"""OutboxRepository contract: due rows, the PENDING -> SENDING -> SENT/FAILED state machine, crash recovery."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from phantom.domain.notifications import OutboxItem, OutboxStatus
from tests.fakes import FakeIntegrityError
from tests.integration.db.builders import T0, at, channel, event, item, store
from tests.integration.db.conftest import Backend


@pytest.fixture
async def seeded(backend: Backend) -> Backend:
    async with backend.new_uow() as uow:
        await uow.stores.add(store("s1"))
        for cid in ("c1", "c2"):
            await uow.channels.add(channel(cid))
        for eid in ("e1", "e2", "e3"):
            assert await uow.events.add(event(eid))
        await uow.commit()
    return backend


async def _add(backend: Backend, *items: OutboxItem) -> None:
    async with backend.new_uow() as uow:
        for i in items:
            await uow.outbox.add(i)
        await uow.commit()


async def _get(backend: Backend, item_id: str) -> OutboxItem:
    async with backend.new_uow() as uow:
        got = await uow.outbox.get(item_id)
    assert got is not None
    return got


class TestOutboxRepository:
    async def test_added_item_reads_back_equal(self, seeded: Backend) -> None:
        original = item("o1", created=T0, due=at(10))
        await _add(seeded, original)
        assert await _get(seeded, "o1") == original

    async def test_one_row_per_event_and_channel(self, seeded: Backend) -> None:
        await _add(seeded, item("o1"))
        async with seeded.new_uow() as uow:
            with pytest.raises((FakeIntegrityError, IntegrityError)):
                await uow.outbox.add(item("o2"))

    async def test_due_returns_pending_rows_whose_time_has_come_oldest_first(self, seeded: Backend) -> None:
        await _add(
            seeded,
            item("o1", event_id="e1", created=at(3)),
            item("o2", event_id="e2", created=at(1)),
            item("o3", event_id="e3", created=at(2), due=at(60)),  # not yet
            item("o4", event_id="e1", channel_id="c2", created=at(0), status=OutboxStatus.SENT),
        )
        async with seeded.new_uow() as uow:
            assert [i.id for i in await uow.outbox.due(at(5), 10)] == ["o2", "o1"]
            assert [i.id for i in await uow.outbox.due(at(5), 1)] == ["o2"]
            assert [i.id for i in await uow.outbox.due(at(60), 10)] == ["o2", "o3", "o1"]
            assert await uow.outbox.next_due_at() == at(1)

    async def test_next_due_at_is_none_without_pending_rows(self, seeded: Backend) -> None:
        await _add(seeded, item("o1", status=OutboxStatus.FAILED))
        async with seeded.new_uow() as uow:
            assert await uow.outbox.next_due_at() is None

    async def test_state_machine_pending_sending_retry_sent(self, seeded: Backend) -> None:
        await _add(seeded, item("o1"))
        async with seeded.new_uow() as uow:
            await uow.outbox.mark_sending("o1")
            await uow.commit()
        assert (await _get(seeded, "o1")).status is OutboxStatus.SENDING
        async with seeded.new_uow() as uow:
            await uow.outbox.mark_retry("o1", attempts=1, next_attempt_at=at(30), error="429")
            await uow.commit()
        retried = await _get(seeded, "o1")
        assert (retried.status, retried.attempts, retried.next_attempt_at, retried.last_error) == (
            OutboxStatus.PENDING,
            1,
            at(30),
            "429",
        )
        async with seeded.new_uow() as uow:
            await uow.outbox.mark_sending("o1")
            await uow.outbox.mark_sent("o1", at(31), attempts=2)
            await uow.commit()
        sent = await _get(seeded, "o1")
        assert (sent.status, sent.sent_at, sent.attempts) == (OutboxStatus.SENT, at(31), 2)
        async with seeded.new_uow() as uow:
            assert await uow.outbox.due(at(100), 10) == []

    async def test_mark_sending_only_moves_pending_rows(self, seeded: Backend) -> None:
        await _add(
            seeded,
            item("o1", status=OutboxStatus.SENT),
            item("o2", event_id="e2", status=OutboxStatus.FAILED),
        )
        async with seeded.new_uow() as uow:
            await uow.outbox.mark_sending("o1")
            await uow.outbox.mark_sending("o2")
            await uow.outbox.mark_sending("ghost")
            await uow.commit()
        assert (await _get(seeded, "o1")).status is OutboxStatus.SENT
        assert (await _get(seeded, "o2")).status is OutboxStatus.FAILED

    async def test_mark_failed_records_attempts_and_error(self, seeded: Backend) -> None:
        await _add(seeded, item("o1"))
        async with seeded.new_uow() as uow:
            await uow.outbox.mark_failed("o1", attempts=6, error="gave up")
            await uow.commit()
        failed = await _get(seeded, "o1")
        assert (failed.status, failed.attempts, failed.last_error) == (OutboxStatus.FAILED, 6, "gave up")

    async def test_fail_interrupted_fails_only_rows_left_sending(self, seeded: Backend) -> None:
        await _add(
            seeded,
            item("o1", event_id="e1", status=OutboxStatus.SENDING),
            item("o2", event_id="e2", status=OutboxStatus.SENDING),
            item("o3", event_id="e3"),
        )
        async with seeded.new_uow() as uow:
            assert await uow.outbox.fail_interrupted("interrupted") == 2
            await uow.commit()
        for iid in ("o1", "o2"):
            got = await _get(seeded, iid)
            assert (got.status, got.last_error) == (OutboxStatus.FAILED, "interrupted")
        assert (await _get(seeded, "o3")).status is OutboxStatus.PENDING
        async with seeded.new_uow() as uow:
            assert await uow.outbox.fail_interrupted("again") == 0

    async def test_fail_pending_for_channel(self, seeded: Backend) -> None:
        await _add(
            seeded,
            item("o1", event_id="e1", channel_id="c1"),
            item("o2", event_id="e2", channel_id="c1", status=OutboxStatus.SENT),
            item("o3", event_id="e1", channel_id="c2"),
        )
        async with seeded.new_uow() as uow:
            assert await uow.outbox.fail_pending_for_channel("c1", "channel disabled") == 1
            await uow.commit()
        assert (await _get(seeded, "o1")).status is OutboxStatus.FAILED
        assert (await _get(seeded, "o2")).status is OutboxStatus.SENT
        assert (await _get(seeded, "o3")).status is OutboxStatus.PENDING

    async def test_list_filters_newest_first_and_counts_every_status(self, seeded: Backend) -> None:
        await _add(
            seeded,
            item("o1", event_id="e1", channel_id="c1", created=at(1)),
            item("o2", event_id="e2", channel_id="c1", created=at(2), status=OutboxStatus.SENT),
            item("o3", event_id="e3", channel_id="c2", created=at(3)),
        )
        async with seeded.new_uow() as uow:
            assert [i.id for i in await uow.outbox.list()] == ["o3", "o2", "o1"]
            assert [i.id for i in await uow.outbox.list(status=OutboxStatus.PENDING)] == ["o3", "o1"]
            assert [i.id for i in await uow.outbox.list(channel_id="c1", limit=1)] == ["o2"]
            assert await uow.outbox.counts() == {
                OutboxStatus.PENDING: 2,
                OutboxStatus.SENDING: 0,
                OutboxStatus.SENT: 1,
                OutboxStatus.FAILED: 0,
            }
