"""Delivery retry policy and the errors store sources raise."""

from __future__ import annotations

import pytest

from phantom.domain.errors import StoreBlocked, StoreError, StoreRateLimited, StoreUnavailable
from phantom.domain.notifications import (
    MAX_DELIVERY_ATTEMPTS,
    DeliveryOutcome,
    DeliveryResult,
    retry_delay,
)


class TestRetryDelay:
    @pytest.mark.parametrize(
        ("attempts", "expected"), [(0, 1.0), (1, 1.0), (2, 2.0), (3, 4.0), (6, 32.0), (7, 60.0), (50, 60.0)]
    )
    def test_exponential_back_off_capped_at_a_minute(self, attempts: int, expected: float) -> None:
        assert retry_delay(attempts, None) == expected

    def test_channel_retry_after_wins(self) -> None:
        assert retry_delay(5, 0.75) == 0.75
        assert retry_delay(1, 120.0) == 120.0

    def test_negative_retry_after_means_now(self) -> None:
        assert retry_delay(3, -2.0) == 0.0

    def test_attempt_budget_is_bounded(self) -> None:
        total = sum(retry_delay(n, None) for n in range(1, MAX_DELIVERY_ATTEMPTS + 1))
        assert total < 120


class TestDeliveryResult:
    def test_sent(self) -> None:
        assert DeliveryResult.sent() == DeliveryResult(DeliveryOutcome.SENT, "", None)


class TestStoreErrors:
    def test_rate_limited_carries_retry_after(self) -> None:
        error = StoreRateLimited(2.5)
        assert error.retry_after == 2.5
        assert str(error) == "rate limited (retry after 2.5s)"
        assert isinstance(error, StoreError)

    def test_blocked_carries_its_reason(self) -> None:
        error = StoreBlocked("captcha challenge")
        assert (error.reason, str(error)) == ("captcha challenge", "captcha challenge")

    def test_unavailable_is_a_store_error(self) -> None:
        assert issubclass(StoreUnavailable, StoreError)
