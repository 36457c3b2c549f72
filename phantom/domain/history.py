"""Checkout history and its statistics: how many attempts per store and mode worked, and how fast.

"Detection → link" is how long after Phantom saw the drop the person had a prefilled checkout in front of
them; "detection → submission" how long until the order was submitted. Both need an attempt started by an
event (`detected_at`); attempts started by hand have neither.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from phantom.domain.checkout import OPEN_ATTEMPT_STATUSES, AttemptStatus, CheckoutAttempt
from phantom.domain.errors import DomainError
from phantom.domain.tasks import TaskMode

# What counts as "it worked" for the success rate: an order, the assist link in front of the person, or a
# test-mode run that got up to the submission.
SUCCESS_STATUSES = frozenset({AttemptStatus.SUCCEEDED, AttemptStatus.LINK_READY, AttemptStatus.TEST_PASSED})
FAILED_STATUSES = frozenset({AttemptStatus.FAILED, AttemptStatus.OUT_OF_STOCK})
ACTION_STATUSES = frozenset({AttemptStatus.NEEDS_ACTION, AttemptStatus.UNKNOWN})


class AttemptNotFound(DomainError):
    pass


class InvalidHistoryQuery(DomainError):
    """A history query the API cannot run (a malformed cursor, an empty time range)."""


@dataclass(frozen=True, slots=True)
class HistoryCursor:
    """Position in the newest-first order: the last attempt of the previous page."""

    created_at: datetime
    attempt_id: str

    def encode(self) -> str:
        return f"{self.created_at.isoformat()}|{self.attempt_id}"

    @classmethod
    def decode(cls, text: str) -> HistoryCursor:
        at_text, _, attempt_id = text.partition("|")
        try:
            at = datetime.fromisoformat(at_text)
        except ValueError:
            raise InvalidHistoryQuery("cursor: not a history cursor") from None
        if not attempt_id or at.tzinfo is None or at.utcoffset() is None:
            raise InvalidHistoryQuery("cursor: not a history cursor")
        return cls(at, attempt_id)


def millis(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() * 1000, 1)


def detection_to_link_ms(a: CheckoutAttempt) -> float | None:
    return millis(a.detected_at, a.link_at)


def detection_to_submission_ms(a: CheckoutAttempt) -> float | None:
    return millis(a.detected_at, a.submitted_at)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of the values; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class Latency:
    count: int
    p50_ms: float | None
    p95_ms: float | None

    @classmethod
    def of(cls, values: Sequence[float]) -> Latency:
        return cls(len(values), percentile(values, 50), percentile(values, 95))


@dataclass(slots=True)
class Tally:
    attempts: int = 0
    succeeded: int = 0
    link_ready: int = 0
    test_passed: int = 0
    needs_action: int = 0
    failed: int = 0
    open: int = 0

    def add(self, status: AttemptStatus) -> None:
        self.attempts += 1
        if status is AttemptStatus.SUCCEEDED:
            self.succeeded += 1
        elif status is AttemptStatus.LINK_READY:
            self.link_ready += 1
        elif status is AttemptStatus.TEST_PASSED:
            self.test_passed += 1
        elif status in ACTION_STATUSES:
            self.needs_action += 1
        elif status in FAILED_STATUSES:
            self.failed += 1
        elif status in OPEN_ATTEMPT_STATUSES:
            self.open += 1

    @property
    def success_rate(self) -> float | None:
        """Share of finished attempts (not still open) that worked; None before any finished."""
        finished = self.attempts - self.open
        if finished == 0:
            return None
        return round((self.succeeded + self.link_ready + self.test_passed) / finished, 4)


@dataclass(frozen=True, slots=True)
class GroupStats:
    store_id: str
    mode: TaskMode
    tally: Tally
    detection_to_link: Latency
    detection_to_submission: Latency


@dataclass(frozen=True, slots=True)
class DayStats:
    day: date
    tally: Tally


@dataclass(frozen=True, slots=True)
class AttemptStats:
    groups: list[GroupStats]  # by store id, then mode
    daily: list[DayStats]  # every UTC day of the range, oldest first, empty days included
    total: Tally = field(default_factory=Tally)


def summarize(attempts: Iterable[CheckoutAttempt], *, first_day: date, last_day: date) -> AttemptStats:
    """Counts and latency percentiles per (store, mode), the whole range's tally, and a daily series from
    `first_day` to `last_day` (UTC days of `created_at`)."""
    tallies: dict[tuple[str, TaskMode], Tally] = {}
    links: dict[tuple[str, TaskMode], list[float]] = {}
    submits: dict[tuple[str, TaskMode], list[float]] = {}
    days: dict[date, Tally] = {}
    total = Tally()
    for a in attempts:
        key = (a.store_id, a.mode)
        tallies.setdefault(key, Tally()).add(a.status)
        total.add(a.status)
        days.setdefault(a.created_at.date(), Tally()).add(a.status)
        if (ms := detection_to_link_ms(a)) is not None:
            links.setdefault(key, []).append(ms)
        if (ms := detection_to_submission_ms(a)) is not None:
            submits.setdefault(key, []).append(ms)
    groups = [
        GroupStats(
            store_id=key[0],
            mode=key[1],
            tally=tally,
            detection_to_link=Latency.of(links.get(key, [])),
            detection_to_submission=Latency.of(submits.get(key, [])),
        )
        for key, tally in sorted(tallies.items(), key=lambda kv: (kv[0][0], kv[0][1].value))
    ]
    span = max(0, (last_day - first_day).days)
    daily = [
        DayStats(d, days.get(d, Tally())) for d in (first_day + timedelta(days=i) for i in range(span + 1))
    ]
    return AttemptStats(groups=groups, daily=daily, total=total)
