"""Outbox delivery loop: wakes when alerts are written (or come due) and sends them, one lane per channel.

One lane per channel keeps a channel's alerts in order and lets the notifier's rate-limit wait happen
before an alert is claimed; lanes for different channels run side by side.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable, Mapping, Sequence

import structlog

from phantom.domain.events import StoredEvent
from phantom.domain.notifications import OutboxItem
from phantom.domain.ports import Clock, Metrics, Notifier, UnitOfWorkFactory
from phantom.services.delivery import deliver_alert, due_alerts, recover_interrupted

log = structlog.get_logger()

IDLE_RECHECK = 1.0  # seconds; catches retries coming due and rows written by other processes


class OutboxWorker:
    def __init__(
        self,
        *,
        uow_factory: UnitOfWorkFactory,
        notifier: Notifier,
        clock: Clock,
        metrics: Metrics,
        on_result: Callable[[OutboxItem], None] | None = None,
    ) -> None:
        """`on_result` hears about every delivery attempt, with the row as it was recorded (sent, pending
        for a retry, or failed and why): the engine publishes it to the dashboard."""
        self._uow_factory = uow_factory
        self._on_result = on_result
        self._notifier = notifier
        self._clock = clock
        self._metrics = metrics
        self._wake = asyncio.Event()
        self._queued: set[str] = set()
        self._lanes: dict[str, deque[tuple[OutboxItem, StoredEvent | None]]] = {}
        self._lane_tasks: dict[str, asyncio.Task[None]] = {}
        self._stopped = False

    def wake(self) -> None:
        """Look for due rows now rather than at the next re-check."""
        self._wake.set()

    def enqueue(self, items: Sequence[OutboxItem], events: Mapping[str, StoredEvent]) -> None:
        """Alerts just committed by this process: deliver them at once, with their events in hand, instead
        of finding them again in the database. The periodic re-check still catches anything missed."""
        for item in items:
            self._add(item, events.get(item.event_id))

    def _add(self, item: OutboxItem, event: StoredEvent | None) -> None:
        if item.id in self._queued:
            return
        self._queued.add(item.id)
        self._lanes.setdefault(item.channel_id, deque()).append((item, event))
        self._ensure_lane(item.channel_id)

    async def run(self) -> None:
        interrupted = await recover_interrupted(uow_factory=self._uow_factory)
        if interrupted:
            log.warning("alerts_interrupted_marked_failed", count=interrupted)
        try:
            while not self._stopped:
                self._wake.clear()
                try:
                    items = await due_alerts(uow_factory=self._uow_factory, clock=self._clock)
                except Exception:  # loop boundary (e.g. database briefly locked)
                    log.exception("outbox_query_failed")
                    items = []
                for item in items:
                    self._add(item, None)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=IDLE_RECHECK)
        finally:
            for task in self._lane_tasks.values():
                task.cancel()
            await asyncio.gather(*self._lane_tasks.values(), return_exceptions=True)

    def stop(self) -> None:
        self._stopped = True
        self._wake.set()

    def _ensure_lane(self, channel_id: str) -> None:
        task = self._lane_tasks.get(channel_id)
        if task is None or task.done():
            self._lane_tasks[channel_id] = asyncio.create_task(self._drain(channel_id))

    async def _drain(self, channel_id: str) -> None:
        lane = self._lanes[channel_id]
        while lane:
            item, event = lane.popleft()
            try:
                await deliver_alert(
                    item,
                    uow_factory=self._uow_factory,
                    notifier=self._notifier,
                    clock=self._clock,
                    metrics=self._metrics,
                    event=event,
                    on_recorded=self._on_result,
                )
            except Exception:  # loop boundary: a row not yet claimed stays pending; one mid-send is failed
                log.exception("alert_delivery_crashed", outbox_id=item.id)
            finally:
                self._queued.discard(item.id)
