"""The profile breakdown finds its steps in a real cProfile dump: by code object, or by file and name."""

from __future__ import annotations

import cProfile
from pathlib import Path

from bench.checkout_profile import TARGETS, Target, breakdown, render


def busy(n: int) -> int:
    return sum(i * i for i in range(n))


def idle() -> None:
    pass


def test_breakdown_reads_calls_and_time_per_drop(tmp_path: Path) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(3):
        busy(20_000)
    profiler.disable()
    dump = tmp_path / "p.prof"
    profiler.dump_stats(dump)
    targets: list[Target] = [
        ("busy", busy, True),
        ("busy by name", ("bench/tests/test_checkout_profile.py", "busy"), True),
        ("never called", idle, False),
    ]
    rows = breakdown(dump, drops=3, targets=targets)
    assert [(r["step"], r["calls"]) for r in rows] == [("busy", 3), ("busy by name", 3), ("never called", 0)]
    assert rows[0]["ms_per_drop"] > 0 and rows[0]["ms_per_drop"] == rows[1]["ms_per_drop"]
    assert rows[2]["ms_per_drop"] == 0
    text = render(rows)
    assert "never called (off the path)" in text and "busy by name" in text
    assert len(TARGETS) == len(breakdown(dump, drops=1))  # Phantom's own targets resolve without error
