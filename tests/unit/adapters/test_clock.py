from __future__ import annotations

from datetime import UTC, datetime, timedelta

from phantom.adapters.clock import SystemClock


class TestSystemClock:
    def test_now_is_timezone_aware_utc(self) -> None:
        now = SystemClock().now()
        assert now.tzinfo is UTC
        assert abs(now - datetime.now(UTC)) < timedelta(seconds=5)

    def test_monotonic_never_goes_back(self) -> None:
        clock = SystemClock()
        readings = [clock.monotonic() for _ in range(1000)]
        assert readings == sorted(readings)
