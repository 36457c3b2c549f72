"""InMemoryLoginThrottle: five failures in five minutes lock a client out, growing to 15 minutes."""

from __future__ import annotations

from phantom.auth.throttle import InMemoryLoginThrottle


def fail(throttle: InMemoryLoginThrottle, client: str, at: float, times: int = 1) -> None:
    for _ in range(times):
        throttle.failed(client, at)


class TestLoginThrottle:
    def test_four_failures_do_not_lock_the_fifth_does(self) -> None:
        t = InMemoryLoginThrottle()
        fail(t, "1.2.3.4", 0.0, 4)
        assert t.retry_after("1.2.3.4", 0.0) is None
        fail(t, "1.2.3.4", 1.0)
        assert t.retry_after("1.2.3.4", 1.0) == 60.0
        assert t.retry_after("1.2.3.4", 31.0) == 30.0
        assert t.retry_after("1.2.3.4", 61.0) is None

    def test_failures_older_than_the_window_are_forgotten(self) -> None:
        t = InMemoryLoginThrottle()
        fail(t, "c", 0.0, 4)
        fail(t, "c", 301.0)
        assert t.retry_after("c", 301.0) is None

    def test_lockouts_in_a_row_double(self) -> None:
        t = InMemoryLoginThrottle()
        waits = []
        now = 0.0
        for _ in range(6):
            fail(t, "c", now, 5)
            wait = t.retry_after("c", now)
            assert wait is not None
            waits.append(wait)
            now += wait
        assert waits == [60, 120, 240, 480, 900, 900]

    def test_a_long_quiet_spell_starts_short_again(self) -> None:
        t = InMemoryLoginThrottle()
        fail(t, "c", 0.0, 5)
        fail(t, "c", 60.0, 5)  # second lockout: 120 s, until 180
        fail(t, "c", 180.0 + 901, 5)
        assert t.retry_after("c", 1081.0) == 60.0

    def test_success_resets_and_clients_are_separate(self) -> None:
        t = InMemoryLoginThrottle()
        fail(t, "a", 0.0, 4)
        fail(t, "b", 0.0, 5)
        t.succeeded("a")
        fail(t, "a", 0.0, 4)
        assert t.retry_after("a", 0.0) is None
        assert t.retry_after("b", 0.0) == 60.0

    def test_memory_is_bounded(self) -> None:
        t = InMemoryLoginThrottle(max_clients=3)
        for n in range(10):
            fail(t, f"c{n}", 0.0, 5)
        assert t.retry_after("c0", 0.0) is None, "the least recently seen client was forgotten"
        assert t.retry_after("c9", 0.0) == 60.0
