"""Pure auth rules: CSRF methods, lockout lengths, WebSocket origins, session expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest

from phantom.domain.auth import Session, TooManyAttempts, lockout_seconds, needs_csrf, origin_allowed
from tests.fakes import EPOCH


class TestNeedsCsrf:
    @pytest.mark.parametrize("method", ["POST", "put", "PATCH", "DELETE"])
    def test_state_changing_methods_need_it(self, method: str) -> None:
        assert needs_csrf(method)

    @pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS"])
    def test_safe_methods_do_not(self, method: str) -> None:
        assert not needs_csrf(method)


class TestLockoutSeconds:
    def test_doubles_from_a_minute_up_to_fifteen(self) -> None:
        assert [lockout_seconds(n) for n in range(1, 7)] == [60, 120, 240, 480, 900, 900]

    def test_huge_counts_stay_capped(self) -> None:
        assert lockout_seconds(10_000) == 900


class TestOriginAllowed:
    own = "http://127.0.0.1:8000"

    def test_no_origin_is_not_a_browser(self) -> None:
        assert origin_allowed(None, self.own, frozenset())

    def test_own_origin_whatever_the_case_or_slash(self) -> None:
        assert origin_allowed("HTTP://127.0.0.1:8000/", self.own, frozenset())

    def test_foreign_origin_is_refused_unless_configured(self) -> None:
        assert not origin_allowed("https://evil.example", self.own, frozenset())
        assert not origin_allowed("http://127.0.0.1:8001", self.own, frozenset())
        assert origin_allowed("http://127.0.0.1:5173", self.own, frozenset({"http://127.0.0.1:5173/"}))


def test_session_expires_at_its_deadline() -> None:
    s = Session("k", "c", EPOCH, EPOCH + timedelta(days=7), EPOCH)
    assert not s.expired(EPOCH + timedelta(days=7) - timedelta(microseconds=1))
    assert s.expired(EPOCH + timedelta(days=7))


def test_too_many_attempts_carries_the_wait() -> None:
    exc = TooManyAttempts(59.6)
    assert exc.retry_after == 59.6 and "60 s" in str(exc)
