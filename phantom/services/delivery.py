"""Alert delivery use cases: take one outbox row to `sent` exactly once, or visibly to `failed`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from phantom.domain.events import StoredEvent
from phantom.domain.notifications import (
    MAX_DELIVERY_ATTEMPTS,
    Channel,
    DeliveryOutcome,
    DeliveryResult,
    OutboxItem,
    OutboxStatus,
    retry_delay,
)
from phantom.domain.ports import Clock, Metrics, Notifier, UnitOfWork, UnitOfWorkFactory

INTERRUPTED = "interrupted while sending (crash or kill); not re-sent, it may have been delivered"


async def recover_interrupted(*, uow_factory: UnitOfWorkFactory) -> int:
    """At start-up: rows a crash left mid-send have an unknown outcome. Re-sending could announce twice, so
    they become visibly failed instead."""
    async with uow_factory() as uow:
        count = await uow.outbox.fail_interrupted(INTERRUPTED)
        await uow.commit()
    return count


async def due_alerts(*, uow_factory: UnitOfWorkFactory, clock: Clock, limit: int = 200) -> list[OutboxItem]:
    async with uow_factory() as uow:
        return await uow.outbox.due(clock.now(), limit)


async def deliver_alert(
    item: OutboxItem,
    *,
    uow_factory: UnitOfWorkFactory,
    notifier: Notifier,
    clock: Clock,
    metrics: Metrics,
    event: StoredEvent | None = None,
    on_recorded: Callable[[OutboxItem], None] | None = None,
) -> DeliveryOutcome:
    """Claim, send and record one alert.

    The claim (PENDING -> SENDING) is committed before the request leaves, so a crash between sending and
    recording can never lead to a second send: recover_interrupted() fails such rows instead. `item` may be
    a stale copy: the stored row decides whether (and with which attempt count) it is sent. `event`, when
    the caller has it in memory (the monitor just wrote it), saves reading it back; `on_recorded` hears the
    row as recorded (sent, pending for a retry, or failed and why).
    """
    # Wait for the channel's rate limit before claiming, so a crash during a long wait cannot strand a
    # claimed row. Channels come from the cached list (usually no query), here and in the claim.
    async with uow_factory() as uow:
        known = await _channel_of(uow, item.channel_id)
    if known is not None and known.enabled:
        await notifier.wait_ready(known)
    async with uow_factory() as uow:
        fresh = await uow.outbox.get(item.id)
        if fresh is None or fresh.status is not OutboxStatus.PENDING:
            return _settled(fresh)
        channel = await _channel_of(uow, item.channel_id)
        if event is None or event.id != item.event_id:
            event = await uow.events.get(item.event_id)
        if channel is None or event is None or not channel.enabled:
            reason = (
                channel.disabled_reason
                if channel and channel.disabled_reason
                else "channel disabled or deleted"
            )
            await uow.outbox.mark_failed(item.id, attempts=fresh.attempts, error=reason)
            await uow.commit()
            metrics.delivery("failed", None)
            return DeliveryOutcome.REJECTED
        if not await uow.outbox.mark_sending(item.id):  # another worker claimed it first
            return _settled(await uow.outbox.get(item.id))
        await uow.commit()
    attempts = fresh.attempts + 1
    try:
        result = await notifier.send(channel, event)
    except Exception as exc:
        # The notifier broke its no-raise contract, so the outcome is unknown: fail visibly (as after a crash)
        # rather than leave the row SENDING until the next start or risk a second send. The loop logs it.
        result = DeliveryResult(
            DeliveryOutcome.REJECTED, f"notifier crashed while sending ({exc!r}); not re-sent"
        )
        recorded = await _record(
            fresh, channel, event, result, attempts, uow_factory=uow_factory, clock=clock, metrics=metrics
        )
        if on_recorded is not None:
            on_recorded(recorded)
        raise
    recorded = await _record(
        fresh, channel, event, result, attempts, uow_factory=uow_factory, clock=clock, metrics=metrics
    )
    if on_recorded is not None:
        on_recorded(recorded)
    return result.outcome


async def _channel_of(uow: UnitOfWork, channel_id: str) -> Channel | None:
    return next((c for c in await uow.channels.list() if c.id == channel_id), None)


def _settled(row: OutboxItem | None) -> DeliveryOutcome:
    return (
        DeliveryOutcome.SENT
        if row is not None and row.status is OutboxStatus.SENT
        else DeliveryOutcome.REJECTED
    )


async def _record(
    row: OutboxItem,
    channel: Channel,
    event: StoredEvent,
    result: DeliveryResult,
    attempts: int,
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    metrics: Metrics,
) -> OutboxItem:
    """Write the outcome of one attempt; returns the row as recorded (without reading it back)."""
    now = clock.now()
    async with uow_factory() as uow:
        outcome = result.outcome
        if outcome is DeliveryOutcome.SENT:
            await uow.outbox.mark_sent(row.id, now, attempts=attempts)
            metrics.delivery("sent", (now - event.detected_at).total_seconds())
            recorded = replace(row, status=OutboxStatus.SENT, attempts=attempts, sent_at=now)
        elif outcome is DeliveryOutcome.RETRY and attempts < MAX_DELIVERY_ATTEMPTS:
            due = now + timedelta(seconds=retry_delay(attempts, result.retry_after))
            await uow.outbox.mark_retry(row.id, attempts=attempts, next_attempt_at=due, error=result.detail)
            metrics.delivery("retry", None)
            recorded = replace(
                row,
                status=OutboxStatus.PENDING,
                attempts=attempts,
                next_attempt_at=due,
                last_error=result.detail,
            )
        else:
            detail = result.detail or outcome.value
            if outcome is DeliveryOutcome.RETRY:
                detail = f"gave up after {attempts} attempts: {detail}"
            await uow.outbox.mark_failed(row.id, attempts=attempts, error=detail)
            if outcome is DeliveryOutcome.CHANNEL_GONE:
                await uow.channels.update(replace(channel, enabled=False, disabled_reason=result.detail))
                await uow.outbox.fail_pending_for_channel(channel.id, f"channel disabled: {result.detail}")
            metrics.delivery("failed", None)
            recorded = replace(row, status=OutboxStatus.FAILED, attempts=attempts, last_error=detail)
        await uow.commit()
    return recorded
