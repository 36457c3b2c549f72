"""OutboxWorker's on_result: every delivery attempt is reported with the row as recorded (for the feed)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from phantom.domain.notifications import DeliveryOutcome, DeliveryResult, OutboxItem, OutboxStatus
from phantom.workers.outbox import OutboxWorker
from tests.fakes import EPOCH, FakeDatabase, FakeMetrics, FakeNotifier, FrozenClock, seed
from tests.unit.services.factories import channel, outbox_row, put_rows, store, stored_event
from tests.unit.workers.support import eventually


async def test_results_are_reported_as_recorded() -> None:
    db = seed(FakeDatabase(), stores=[store("s1")], channels=[channel("c1"), channel("c2")])
    db.events["e1"] = stored_event("e1")
    put_rows(db, outbox_row("o1", channel_id="c1"), outbox_row("o2", channel_id="c2"))
    notifier = FakeNotifier()
    notifier.script(DeliveryResult(DeliveryOutcome.REJECTED, "400 bad embed"), channel_id="c2")
    seen: list[OutboxItem] = []
    worker = OutboxWorker(
        uow_factory=db.uow_factory(),
        notifier=notifier,
        clock=FrozenClock(EPOCH + timedelta(minutes=1)),
        metrics=FakeMetrics(),
        on_result=seen.append,
    )
    task = asyncio.create_task(worker.run())
    try:
        await eventually(lambda: len(seen) == 2)
    finally:
        worker.stop()
        await asyncio.wait_for(task, timeout=2.0)
    by_id = {item.id: item for item in seen}
    assert by_id["o1"].status is OutboxStatus.SENT and by_id["o1"].sent_at is not None
    assert by_id["o2"].status is OutboxStatus.FAILED and by_id["o2"].last_error == "400 bad embed"
