"""deliver_alert and recover_interrupted: every outbox row ends sent once, or visibly failed."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from phantom.domain.notifications import (
    MAX_DELIVERY_ATTEMPTS,
    Channel,
    DeliveryOutcome,
    DeliveryResult,
    OutboxItem,
    OutboxStatus,
)
from phantom.services.delivery import INTERRUPTED, deliver_alert, due_alerts, recover_interrupted
from tests.fakes import FakeDatabase, FakeMetrics, FakeNotifier, FrozenClock, seed
from tests.unit.services.factories import channel, outbox_row, put_rows, store, stored_event


@pytest.fixture
def seeded(db: FakeDatabase) -> FakeDatabase:
    seed(db, stores=[store("s1")], channels=[channel("c1"), channel("c2")])
    db.events["e1"] = stored_event("e1")
    db.events["e2"] = stored_event("e2")
    return db


async def deliver(
    db: FakeDatabase, item: OutboxItem, notifier: FakeNotifier, clock: FrozenClock, metrics: FakeMetrics
) -> DeliveryOutcome:
    return await deliver_alert(
        item, uow_factory=db.uow_factory(), notifier=notifier, clock=clock, metrics=metrics
    )


def status_of(db: FakeDatabase, rid: str) -> OutboxStatus:
    return db.outbox[rid].status


def retry(detail: str = "503", retry_after: float | None = None) -> DeliveryResult:
    return DeliveryResult(DeliveryOutcome.RETRY, detail, retry_after)


class TestSent:
    async def test_pending_row_is_sent_and_latency_recorded(
        self, seeded: FakeDatabase, notifier: FakeNotifier, clock: FrozenClock, metrics: FakeMetrics
    ) -> None:
        row = outbox_row("o1")
        put_rows(seeded, row)
        clock.advance(2.5)

        assert await deliver(seeded, row, notifier, clock, metrics) is DeliveryOutcome.SENT

        done = seeded.outbox["o1"]
        assert done.status is OutboxStatus.SENT
        assert done.sent_at == clock.now()
        assert [(c.id, e.id) for c, e in notifier.sent] == [("c1", "e1")]
        assert notifier.ready_calls == ["c1"]
        assert metrics.named("delivery") == [("sent", 2.5)]

    async def test_due_alerts_lists_pending_rows_that_are_due(
        self, seeded: FakeDatabase, clock: FrozenClock
    ) -> None:
        later = outbox_row("o2", created=60)
        put_rows(seeded, outbox_row("o1"), later, outbox_row("o3", status=OutboxStatus.SENT))

        due = await due_alerts(uow_factory=seeded.uow_factory(), clock=clock)

        assert [i.id for i in due] == ["o1"]


class TestRetry:
    async def test_retry_after_from_the_channel_sets_the_next_attempt(
        self, seeded: FakeDatabase, notifier: FakeNotifier, clock: FrozenClock, metrics: FakeMetrics
    ) -> None:
        put_rows(seeded, row := outbox_row("o1"))
        notifier.script(retry("429 rate limited", retry_after=7.0))

        assert await deliver(seeded, row, notifier, clock, metrics) is DeliveryOutcome.RETRY

        after = seeded.outbox["o1"]
        assert after.status is OutboxStatus.PENDING
        assert after.attempts == 1
        assert after.next_attempt_at == clock.now() + timedelta(seconds=7)
        assert after.last_error == "429 rate limited"
        assert metrics.named("delivery") == [("retry", None)]

    @pytest.mark.parametrize(("attempts_before", "delay"), [(0, 1), (1, 2), (2, 4), (4, 16)])
    async def test_retry_without_retry_after_backs_off_exponentially(
        self,
        seeded: FakeDatabase,
        notifier: FakeNotifier,
        clock: FrozenClock,
        metrics: FakeMetrics,
        attempts_before: int,
        delay: int,
    ) -> None:
        put_rows(seeded, row := outbox_row("o1", attempts=attempts_before))
        notifier.script(retry())

        await deliver(seeded, row, notifier, clock, metrics)

        after = seeded.outbox["o1"]
        assert after.attempts == attempts_before + 1
        assert after.next_attempt_at == clock.now() + timedelta(seconds=delay)

    async def test_gives_up_after_max_attempts(
        self, seeded: FakeDatabase, notifier: FakeNotifier, clock: FrozenClock, metrics: FakeMetrics
    ) -> None:
        put_rows(seeded, row := outbox_row("o1", attempts=MAX_DELIVERY_ATTEMPTS - 1))
        notifier.script(retry("502 bad gateway"))

        assert await deliver(seeded, row, notifier, clock, metrics) is DeliveryOutcome.RETRY

        after = seeded.outbox["o1"]
        assert after.status is OutboxStatus.FAILED
        assert after.attempts == MAX_DELIVERY_ATTEMPTS
        assert after.last_error == f"gave up after {MAX_DELIVERY_ATTEMPTS} attempts: 502 bad gateway"
        assert metrics.named("delivery") == [("failed", None)]

    async def test_attempts_count_from_the_stored_row_not_a_stale_copy(
        self, seeded: FakeDatabase, notifier: FakeNotifier, clock: FrozenClock, metrics: FakeMetrics
    ) -> None:
        stale = outbox_row("o1", attempts=0)
        put_rows(seeded, outbox_row("o1", attempts=MAX_DELIVERY_ATTEMPTS - 1))  # retried since it was read
        notifier.script(retry())

        await deliver(seeded, stale, notifier, clock, metrics)

        assert seeded.outbox["o1"].status is OutboxStatus.FAILED
        assert seeded.outbox["o1"].attempts == MAX_DELIVERY_ATTEMPTS


class TestChannelGone:
    async def test_row_fails_channel_is_disabled_and_its_other_pending_rows_fail(
        self, seeded: FakeDatabase, notifier: FakeNotifier, clock: FrozenClock, metrics: FakeMetrics
    ) -> None:
        row = outbox_row("o1")
        put_rows(
            seeded,
            row,
            outbox_row("o2", event_id="e2"),
            outbox_row("o3", channel_id="c2"),
            outbox_row("o4", event_id="e2", status=OutboxStatus.SENT),
        )
        notifier.script(DeliveryResult(DeliveryOutcome.CHANNEL_GONE, "404 Unknown Webhook"))

        assert await deliver(seeded, row, notifier, clock, metrics) is DeliveryOutcome.CHANNEL_GONE

        rows = seeded.outbox
        assert (rows["o1"].status, rows["o1"].attempts, rows["o1"].last_error) == (
            OutboxStatus.FAILED,
            1,
            "404 Unknown Webhook",
        )
        assert rows["o2"].status is OutboxStatus.FAILED
        assert rows["o2"].last_error == "channel disabled: 404 Unknown Webhook"
        assert rows["o3"].status is OutboxStatus.PENDING  # another channel
        assert rows["o4"].status is OutboxStatus.SENT  # history untouched
        gone = seeded.channels["c1"]
        assert (gone.enabled, gone.disabled_reason) == (False, "404 Unknown Webhook")
        assert seeded.channels["c2"].enabled is True


class TestRejected:
    @pytest.mark.parametrize(
        ("detail", "error"), [("400 embed too long", "400 embed too long"), ("", "rejected")]
    )
    async def test_rejected_fails_the_row(
        self,
        seeded: FakeDatabase,
        notifier: FakeNotifier,
        clock: FrozenClock,
        metrics: FakeMetrics,
        detail: str,
        error: str,
    ) -> None:
        put_rows(seeded, row := outbox_row("o1"))
        notifier.script(DeliveryResult(DeliveryOutcome.REJECTED, detail))

        assert await deliver(seeded, row, notifier, clock, metrics) is DeliveryOutcome.REJECTED

        assert (seeded.outbox["o1"].status, seeded.outbox["o1"].last_error) == (OutboxStatus.FAILED, error)
        assert seeded.channels["c1"].enabled is True


class TestNotSendable:
    async def test_row_of_a_disabled_channel_fails_without_calling_the_notifier(
        self, seeded: FakeDatabase, notifier: FakeNotifier, clock: FrozenClock, metrics: FakeMetrics
    ) -> None:
        seeded.channels["c1"] = channel("c1", enabled=False, disabled_reason="401 Invalid Webhook Token")
        put_rows(seeded, row := outbox_row("o1"))

        assert await deliver(seeded, row, notifier, clock, metrics) is DeliveryOutcome.REJECTED

        assert seeded.outbox["o1"].status is OutboxStatus.FAILED
        assert seeded.outbox["o1"].last_error == "401 Invalid Webhook Token"
        assert notifier.sent == []
        assert notifier.ready_calls == []
        assert metrics.named("delivery") == [("failed", None)]

    async def test_channel_disabled_without_reason_gets_a_generic_one(
        self, seeded: FakeDatabase, notifier: FakeNotifier, clock: FrozenClock, metrics: FakeMetrics
    ) -> None:
        seeded.channels["c1"] = channel("c1", enabled=False)
        put_rows(seeded, row := outbox_row("o1"))

        await deliver(seeded, row, notifier, clock, metrics)

        assert seeded.outbox["o1"].last_error == "channel disabled or deleted"
        assert notifier.sent == []

    async def test_row_of_a_deleted_channel_is_not_sent(
        self, seeded: FakeDatabase, notifier: FakeNotifier, clock: FrozenClock, metrics: FakeMetrics
    ) -> None:
        put_rows(seeded, row := outbox_row("o1"))
        await seeded.uow().channels.delete("c1")  # cascades to its outbox rows

        assert await deliver(seeded, row, notifier, clock, metrics) is DeliveryOutcome.REJECTED

        assert notifier.sent == []
        assert "o1" not in seeded.outbox

    @pytest.mark.parametrize(
        ("status", "outcome"),
        [
            (OutboxStatus.SENT, DeliveryOutcome.SENT),
            (OutboxStatus.SENDING, DeliveryOutcome.REJECTED),
            (OutboxStatus.FAILED, DeliveryOutcome.REJECTED),
        ],
    )
    async def test_row_no_longer_pending_is_not_sent_again(
        self,
        seeded: FakeDatabase,
        notifier: FakeNotifier,
        clock: FrozenClock,
        metrics: FakeMetrics,
        status: OutboxStatus,
        outcome: DeliveryOutcome,
    ) -> None:
        row = outbox_row("o1")
        put_rows(seeded, outbox_row("o1", status=status))

        assert await deliver(seeded, row, notifier, clock, metrics) is outcome

        assert notifier.sent == []
        assert seeded.outbox["o1"].status is status
        assert metrics.calls == []

    async def test_row_claimed_elsewhere_while_waiting_for_the_rate_limit_is_not_sent(
        self, seeded: FakeDatabase, clock: FrozenClock, metrics: FakeMetrics
    ) -> None:
        put_rows(seeded, row := outbox_row("o1"))

        class OtherWorkerWins(FakeNotifier):
            async def wait_ready(self, channel: Channel) -> None:
                await super().wait_ready(channel)
                put_rows(seeded, outbox_row("o1", status=OutboxStatus.SENDING))  # another process claimed it

        notifier = OtherWorkerWins()

        await deliver(seeded, row, notifier, clock, metrics)

        assert notifier.sent == []
        assert seeded.outbox["o1"].status is OutboxStatus.SENDING


class TestClaim:
    async def test_row_is_committed_as_sending_while_the_notifier_sends(
        self, seeded: FakeDatabase, notifier: FakeNotifier, clock: FrozenClock, metrics: FakeMetrics
    ) -> None:
        put_rows(seeded, row := outbox_row("o1"))
        notifier.open = asyncio.Event()
        task = asyncio.create_task(deliver(seeded, row, notifier, clock, metrics))
        try:
            for _ in range(100):
                if status_of(seeded, "o1") is OutboxStatus.SENDING:
                    break
                await asyncio.sleep(0)
            assert status_of(seeded, "o1") is OutboxStatus.SENDING  # committed, not only in a transaction
            assert notifier.sent == []
        finally:
            notifier.open.set()
            outcome = await asyncio.wait_for(task, timeout=1)
        assert outcome is DeliveryOutcome.SENT
        assert status_of(seeded, "o1") is OutboxStatus.SENT

    async def test_notifier_that_raises_leaves_the_row_visibly_failed(
        self, seeded: FakeDatabase, notifier: FakeNotifier, clock: FrozenClock, metrics: FakeMetrics
    ) -> None:
        put_rows(seeded, row := outbox_row("o1"))
        notifier.script(RuntimeError("notifier bug"))

        with pytest.raises(RuntimeError, match="notifier bug"):
            await deliver(seeded, row, notifier, clock, metrics)

        after = seeded.outbox["o1"]
        assert after.status is OutboxStatus.FAILED  # outcome unknown: never re-sent, never stuck in SENDING
        assert after.attempts == 1
        assert after.last_error is not None
        assert "notifier bug" in after.last_error
        assert metrics.named("delivery") == [("failed", None)]


class TestRecoverInterrupted:
    async def test_sending_rows_fail_as_interrupted_and_pending_rows_are_untouched(
        self, seeded: FakeDatabase
    ) -> None:
        put_rows(
            seeded,
            outbox_row("o1", status=OutboxStatus.SENDING, attempts=2),
            outbox_row("o2"),
            outbox_row("o3", channel_id="c2", status=OutboxStatus.SENDING),
            outbox_row("o4", event_id="e2", status=OutboxStatus.SENT),
        )
        pending, sent = seeded.outbox["o2"], seeded.outbox["o4"]

        assert await recover_interrupted(uow_factory=seeded.uow_factory()) == 2

        for rid in ("o1", "o3"):
            assert (seeded.outbox[rid].status, seeded.outbox[rid].last_error) == (
                OutboxStatus.FAILED,
                INTERRUPTED,
            )
        assert seeded.outbox["o1"].attempts == 2
        assert seeded.outbox["o2"] is pending
        assert seeded.outbox["o4"] is sent

    async def test_nothing_interrupted_is_zero(self, seeded: FakeDatabase) -> None:
        assert await recover_interrupted(uow_factory=seeded.uow_factory()) == 0
