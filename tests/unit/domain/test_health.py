"""Store health: one log line when a spell starts, one when it ends, and honest counters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from phantom.domain.health import HealthStatus, StoreHealth

T0 = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)


def ok(
    health: StoreHealth, *, not_modified: bool = False, hash_skip: bool = False, at: datetime = T0
) -> bool:
    return health.record_success(at=at, latency_ms=12.5, not_modified=not_modified, hash_skip=hash_skip)


class TestDegraded:
    def test_new_store_is_healthy(self) -> None:
        health = StoreHealth()
        assert health.status is HealthStatus.HEALTHY
        assert health.not_modified_ratio == 0.0

    def test_first_failure_starts_a_spell_once(self) -> None:
        health = StoreHealth()
        assert health.record_failure(error="timeout") is True
        assert health.status is HealthStatus.DEGRADED
        assert health.record_failure(error="timeout") is False
        assert health.record_failure(error="502") is False
        assert health.status is HealthStatus.DEGRADED
        assert (health.errors, health.total_errors, health.last_error) == (3, 3, "502")

    def test_failure_keeps_retry_after(self) -> None:
        health = StoreHealth()
        until = T0 + timedelta(seconds=30)
        health.record_failure(error="429", retry_after_until=until)
        assert health.retry_after_until == until


class TestBlocked:
    def test_block_starts_a_spell_and_keeps_the_reason(self) -> None:
        health = StoreHealth()
        assert health.record_failure(error="captcha page", blocked=True) is True
        assert health.status is HealthStatus.BLOCKED
        assert health.blocked_reason == "captcha page"

    def test_block_during_a_degraded_spell_is_not_a_new_spell(self) -> None:
        health = StoreHealth()
        health.record_failure(error="timeout")
        assert health.record_failure(error="403", blocked=True) is False
        assert health.status is HealthStatus.BLOCKED

    def test_plain_failure_after_a_block_drops_the_stale_block_reason(self) -> None:
        health = StoreHealth()
        health.record_failure(error="403", blocked=True)
        assert health.record_failure(error="timeout") is False
        assert health.status is HealthStatus.DEGRADED
        assert health.blocked_reason is None


class TestRecovery:
    def test_success_after_failure_reports_recovery_once(self) -> None:
        health = StoreHealth()
        health.record_failure(error="timeout", retry_after_until=T0)
        assert ok(health) is True
        assert health.status is HealthStatus.HEALTHY
        assert health.errors == 0
        assert health.total_errors == 1
        assert health.retry_after_until is None
        assert ok(health) is False

    def test_recovery_from_a_block_clears_the_reason(self) -> None:
        health = StoreHealth()
        health.record_failure(error="403", blocked=True)
        assert ok(health) is True
        assert health.blocked_reason is None

    def test_success_on_a_healthy_store_is_no_recovery(self) -> None:
        assert ok(StoreHealth()) is False

    def test_a_second_spell_is_reported_again(self) -> None:
        health = StoreHealth()
        assert health.record_failure(error="a") is True
        assert ok(health) is True
        assert health.record_failure(error="b") is True
        assert ok(health) is True


class TestCounters:
    def test_success_records_time_and_latency(self) -> None:
        health = StoreHealth()
        later = T0 + timedelta(seconds=2)
        ok(health, at=later)
        assert health.last_success_at == later
        assert health.last_latency_ms == 12.5

    def test_every_poll_counts_and_the_ratio_includes_hash_skips(self) -> None:
        health = StoreHealth()
        ok(health, not_modified=True)
        ok(health, not_modified=True)
        ok(health, hash_skip=True)
        ok(health)
        health.record_failure(error="timeout")
        assert (health.polls, health.not_modified, health.hash_skips) == (5, 2, 1)
        assert health.not_modified_ratio == 3 / 5
