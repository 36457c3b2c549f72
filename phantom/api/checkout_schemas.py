"""Schemas of the checkout history and statistics routes. Prices in minor units (cents), times in ms."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from phantom.domain.checkout import AttemptStatus
from phantom.domain.history import (
    GroupStats,
    Latency,
    Tally,
    detection_to_link_ms,
    detection_to_submission_ms,
)
from phantom.domain.tasks import TaskMode
from phantom.services.history import CheckoutRow, StatsReport


class CheckoutRead(BaseModel):
    id: str
    task_id: str
    number: int
    store_id: str
    store_name: str | None
    product_title: str | None
    product_id: str | None
    variant_id: str | None
    size: str | None
    price: int | None = Field(description="per item, minor units (cents)")
    quantity: int
    profile_id: str | None
    mode: TaskMode
    status: AttemptStatus
    test_mode: bool
    created_at: datetime
    detected_at: datetime | None = Field(
        description="when the triggering event was seen (null: started by hand)"
    )
    link_at: datetime | None
    submitted_at: datetime | None
    finished_at: datetime | None
    detection_to_link_ms: float | None
    detection_to_submission_ms: float | None
    checkout_url: str | None
    order_name: str | None
    detail: str | None

    @classmethod
    def of(cls, row: CheckoutRow) -> CheckoutRead:
        a = row.attempt
        return cls(
            id=a.id,
            task_id=a.task_id,
            number=a.number,
            store_id=a.store_id,
            store_name=row.store_name,
            product_title=a.product_title,
            product_id=a.product_id,
            variant_id=a.variant_id,
            size=a.size,
            price=a.price,
            quantity=a.quantity,
            profile_id=a.profile_id,
            mode=a.mode,
            status=a.status,
            test_mode=a.test_mode,
            created_at=a.created_at,
            detected_at=a.detected_at,
            link_at=a.link_at,
            submitted_at=a.submitted_at,
            finished_at=a.finished_at,
            detection_to_link_ms=detection_to_link_ms(a),
            detection_to_submission_ms=detection_to_submission_ms(a),
            checkout_url=a.checkout_url,
            order_name=a.order_name,
            detail=a.detail,
        )


class CheckoutPage(BaseModel):
    items: list[CheckoutRead]
    next_cursor: str | None


class TallyRead(BaseModel):
    attempts: int
    succeeded: int = Field(description="an order was placed")
    link_ready: int = Field(description="assist: the prefilled checkout reached the person")
    test_passed: int
    needs_action: int = Field(description="challenge, queue, block or unknown outcome: handed to the person")
    failed: int = Field(description="failed or out of stock")
    open: int = Field(description="still running")
    success_rate: float | None = Field(
        description="(succeeded + link_ready + test_passed) / finished attempts; null before any finished"
    )

    @classmethod
    def of(cls, t: Tally) -> TallyRead:
        return cls(
            attempts=t.attempts,
            succeeded=t.succeeded,
            link_ready=t.link_ready,
            test_passed=t.test_passed,
            needs_action=t.needs_action,
            failed=t.failed,
            open=t.open,
            success_rate=t.success_rate,
        )


class LatencyRead(BaseModel):
    count: int
    p50_ms: float | None
    p95_ms: float | None

    @classmethod
    def of(cls, latency: Latency) -> LatencyRead:
        return cls(count=latency.count, p50_ms=latency.p50_ms, p95_ms=latency.p95_ms)


class GroupStatsRead(TallyRead):
    store_id: str
    store_name: str | None
    mode: TaskMode
    detection_to_link: LatencyRead
    detection_to_submission: LatencyRead

    @classmethod
    def of_group(cls, g: GroupStats, store_name: str | None) -> GroupStatsRead:
        return cls(
            **TallyRead.of(g.tally).model_dump(),
            store_id=g.store_id,
            store_name=store_name,
            mode=g.mode,
            detection_to_link=LatencyRead.of(g.detection_to_link),
            detection_to_submission=LatencyRead.of(g.detection_to_submission),
        )


class DayRead(TallyRead):
    day: date = Field(description="UTC")


class StatsRead(BaseModel):
    since: datetime
    until: datetime
    truncated: bool = Field(description="true: more attempts than the stats read; the oldest were left out")
    total: TallyRead
    groups: list[GroupStatsRead] = Field(description="per store and mode")
    daily: list[DayRead] = Field(description="every UTC day of the range, oldest first")

    @classmethod
    def of(cls, r: StatsReport) -> StatsRead:
        return cls(
            since=r.since,
            until=r.until,
            truncated=r.truncated,
            total=TallyRead.of(r.stats.total),
            groups=[GroupStatsRead.of_group(g, r.store_names.get(g.store_id)) for g in r.stats.groups],
            daily=[DayRead(day=d.day, **TallyRead.of(d.tally).model_dump()) for d in r.stats.daily],
        )
