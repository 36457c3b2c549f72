"""Where a drop's CPU goes, from a cProfile dump of `phantom serve` (`--profile FILE`).

A coroutine's cumulative time in cProfile counts only while its frame runs (each resume is a call): the
time that step held the event loop, including what it calls, not time it spent awaiting I/O. cProfile's
clock is wall time, so a step preempted by another process counts that too, and profiling inflates
Python-heavy code most (SQLAlchemy several times, C parsers little): read the shares, not the absolute ms.
"""

from __future__ import annotations

import pstats
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from phantom.adapters.db.tasks import SqlAttemptRepository, SqlTaskRepository
from phantom.services import checkout, delivery, monitoring, rules
from phantom.workers import store_monitor

# (label, the function, on the detection-to-link path?)
Target = tuple[str, Callable[..., Any] | tuple[str, str], bool]
TARGETS: tuple[Target, ...] = (
    ("monitor: diff + event transaction (record_snapshot)", monitoring.record_snapshot, True),
    ("rules: match + task insert (rules.on_event)", rules.on_event, True),
    ("attempt: reads, insert, 2 task moves (checkout._prepare)", checkout._prepare, True),
    ("link: attempt, task, link event (checkout._record)", checkout._record, True),
    ("  task move + transition row (SqlTaskRepository.update)", SqlTaskRepository.update, True),
    ("  attempt update (SqlAttemptRepository.update)", SqlAttemptRepository.update, True),
    ("/ws: message to JSON (pump)", ("phantom/api/routers/ws.py", "pump"), True),
    ("/ws: socket send (send)", ("phantom/api/routers/ws.py", "send"), True),
    ("Discord delivery, 2 per drop (deliver_alert)", delivery.deliver_alert, False),
    ("every poll, changed or not (poll_catalogue)", store_monitor.StoreMonitor.poll_catalogue, False),
)


def _matches(key: tuple[str, int, str], target: Callable[..., Any] | tuple[str, str]) -> bool:
    filename, line, name = key
    if isinstance(target, tuple):
        return filename.endswith(target[0]) and name == target[1]
    code = target.__code__
    return (filename, line, name) == (code.co_filename, code.co_firstlineno, code.co_name)


def breakdown(path: Path, drops: int, targets: Sequence[Target] = TARGETS) -> list[dict[str, Any]]:
    """Per target: calls and cumulative profiled ms per drop."""
    raw: dict[tuple[str, int, str], tuple[Any, ...]] = pstats.Stats(str(path)).stats  # type: ignore[attr-defined]
    rows = []
    for label, target, hot in targets:
        hits = [v for k, v in raw.items() if _matches(k, target)]
        calls = sum(int(v[1]) for v in hits)
        cumulative = sum(float(v[3]) for v in hits)
        rows.append(
            {"step": label, "hot_path": hot, "calls": calls, "ms_per_drop": cumulative * 1000 / drops}
        )
    return rows


def render(rows: list[dict[str, Any]]) -> str:
    lines = [f"  {'cProfile: loop time per drop (ms, inflated)':<66}{'calls':>7}{'ms':>8}"]
    for r in rows:
        mark = "" if r["hot_path"] else " (off the path)"
        lines.append(f"  {r['step'] + mark:<66}{r['calls']:>7}{r['ms_per_drop']:>8.2f}")
    return "\n".join(lines)
