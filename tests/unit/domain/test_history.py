"""Checkout statistics: tallies per store and mode, success rate, latency percentiles, the daily series."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from phantom.domain.checkout import AttemptStatus, CheckoutAttempt
from phantom.domain.history import (
    HistoryCursor,
    InvalidHistoryQuery,
    percentile,
    summarize,
)
from phantom.domain.tasks import TaskMode

DAY1 = datetime(2026, 11, 27, 23, 0, tzinfo=UTC)


def attempt(
    n: int,
    status: AttemptStatus,
    *,
    store: str = "s1",
    mode: TaskMode = TaskMode.ASSIST,
    created: datetime = DAY1,
    link_ms: float | None = None,
    submit_ms: float | None = None,
) -> CheckoutAttempt:
    detected = created - timedelta(seconds=1)
    return CheckoutAttempt(
        id=f"a{n}",
        task_id=f"t{n}",
        number=1,
        key=f"t{n}-1",
        status=status,
        mode=mode,
        store_id=store,
        created_at=created,
        detected_at=detected,
        link_at=detected + timedelta(milliseconds=link_ms) if link_ms is not None else None,
        submitted_at=detected + timedelta(milliseconds=submit_ms) if submit_ms is not None else None,
    )


class TestPercentile:
    def test_nearest_rank(self) -> None:
        values = [float(v) for v in range(1, 101)]
        assert percentile(values, 50) == 50.0
        assert percentile(values, 95) == 95.0
        assert percentile([7.0], 95) == 7.0
        assert percentile([], 50) is None


class TestSummarize:
    def test_groups_rates_latencies_and_days(self) -> None:
        attempts = [
            attempt(1, AttemptStatus.LINK_READY, link_ms=200),
            attempt(2, AttemptStatus.LINK_READY, link_ms=400, created=DAY1 + timedelta(hours=2)),
            attempt(3, AttemptStatus.FAILED),
            attempt(4, AttemptStatus.NEEDS_ACTION, link_ms=900),
            attempt(5, AttemptStatus.STARTED),
            attempt(6, AttemptStatus.SUCCEEDED, mode=TaskMode.BROWSER, submit_ms=3000),
            attempt(7, AttemptStatus.OUT_OF_STOCK, store="s0", mode=TaskMode.BROWSER),
        ]
        stats = summarize(attempts, first_day=date(2026, 11, 26), last_day=date(2026, 11, 29))

        assert [(g.store_id, g.mode) for g in stats.groups] == [
            ("s0", TaskMode.BROWSER),
            ("s1", TaskMode.ASSIST),
            ("s1", TaskMode.BROWSER),
        ]
        assist = stats.groups[1]
        t = assist.tally
        assert (t.attempts, t.link_ready, t.failed, t.needs_action, t.open) == (5, 2, 1, 1, 1)
        assert t.success_rate == 0.5, "2 of 4 finished (the open one does not count)"
        assert assist.detection_to_link.count == 3
        assert (assist.detection_to_link.p50_ms, assist.detection_to_link.p95_ms) == (400.0, 900.0)
        assert assist.detection_to_submission.count == 0 and assist.detection_to_submission.p50_ms is None
        browser = stats.groups[2]
        assert browser.tally.success_rate == 1.0 and browser.detection_to_submission.p50_ms == 3000.0
        assert stats.groups[0].tally.failed == 1 and stats.groups[0].tally.success_rate == 0.0

        assert [d.day for d in stats.daily] == [date(2026, 11, d) for d in (26, 27, 28, 29)]
        assert [d.tally.attempts for d in stats.daily] == [0, 6, 1, 0]
        assert stats.total.attempts == 7 and stats.total.succeeded == 1

    def test_nothing_finished_has_no_rate(self) -> None:
        stats = summarize([attempt(1, AttemptStatus.SUBMITTING)], first_day=DAY1.date(), last_day=DAY1.date())
        assert stats.groups[0].tally.success_rate is None and len(stats.daily) == 1


class TestHistoryCursor:
    def test_round_trip_and_garbage(self) -> None:
        cursor = HistoryCursor(DAY1, "a1|x")
        assert HistoryCursor.decode(cursor.encode()) == cursor
        for bad in ("", "nope", "2026-11-27T23:00:00|", "2026-11-27T23:00:00|a1"):
            with pytest.raises(InvalidHistoryQuery):
                HistoryCursor.decode(bad)
