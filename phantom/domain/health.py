"""Per-store health, kept by the monitor loop and exposed by the API and /metrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

# Consecutive failures before a store counts as degraded rather than having a blip.
DEGRADED_AFTER = 1


class HealthStatus(StrEnum):
    HEALTHY = "healthy"
    DEGRADED = "degraded"
    BLOCKED = "blocked"


@dataclass(slots=True)
class StoreHealth:
    status: HealthStatus = HealthStatus.HEALTHY
    polls: int = 0
    not_modified: int = 0  # 304 answers
    hash_skips: int = 0  # 200 answers whose bytes were unchanged
    errors: int = 0  # consecutive failures
    total_errors: int = 0
    last_success_at: datetime | None = None
    last_latency_ms: float | None = None
    last_error: str | None = None
    blocked_reason: str | None = None
    retry_after_until: datetime | None = None

    @property
    def not_modified_ratio(self) -> float:
        return (self.not_modified + self.hash_skips) / self.polls if self.polls else 0.0

    def record_success(self, *, at: datetime, latency_ms: float, not_modified: bool, hash_skip: bool) -> bool:
        """Returns True when this success ends an unhealthy spell (the caller logs recovery once)."""
        recovered = self.status is not HealthStatus.HEALTHY
        self.polls += 1
        self.not_modified += not_modified
        self.hash_skips += hash_skip
        self.errors = 0
        self.status = HealthStatus.HEALTHY
        self.last_success_at = at
        self.last_latency_ms = latency_ms
        self.blocked_reason = None
        self.retry_after_until = None
        return recovered

    def record_failure(
        self, *, error: str, blocked: bool = False, retry_after_until: datetime | None = None
    ) -> bool:
        """Returns True when this failure starts an unhealthy spell (the caller logs it once)."""
        was_healthy = self.status is HealthStatus.HEALTHY
        self.polls += 1
        self.errors += 1
        self.total_errors += 1
        self.last_error = error
        self.retry_after_until = retry_after_until
        if blocked:
            self.status = HealthStatus.BLOCKED
            self.blocked_reason = error
        elif self.errors >= DEGRADED_AFTER:
            self.status = HealthStatus.DEGRADED
            self.blocked_reason = None  # no longer blocked: a stale reason would contradict the status
        return was_healthy and self.status is not HealthStatus.HEALTHY
