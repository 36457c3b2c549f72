"""Test-only fault injection: kill -9 this process at a named point of a checkout attempt.

`PHANTOM_CRASH_AT=<point>` arms it and `PHANTOM_CRASH_MARKER=<file>` makes it fire once per arming: it
fires only while the marker file is absent, creating it first, so the restarted process (which recovers
the attempt) runs on, and a test re-arms by deleting the file. Points: before_attempt_commit,
after_attempt_commit, after_submit (see services/checkout.py). Never set in normal runs.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

POINTS = frozenset({"before_attempt_commit", "after_attempt_commit", "after_submit"})


def crash_point_from_env(env: dict[str, str] | None = None) -> Callable[[str], None] | None:
    env = dict(os.environ) if env is None else env
    point = env.get("PHANTOM_CRASH_AT")
    marker = env.get("PHANTOM_CRASH_MARKER")
    if not point or not marker:
        return None
    if point not in POINTS:
        raise ValueError(f"PHANTOM_CRASH_AT must be one of {sorted(POINTS)}, got {point!r}")
    path = Path(marker)

    def crash(name: str) -> None:
        if name != point or path.exists():
            return
        path.write_text(name)
        os.kill(os.getpid(), signal.SIGKILL)

    return crash
