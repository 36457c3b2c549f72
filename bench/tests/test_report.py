"""The printed table and target verdicts, and the saved JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench.report import render, save


def _side(cpu: float, p95: float, missed: int = 0) -> dict[str, Any]:
    return {
        "changes": 480, "alerts": 480 - missed, "detected": 480 - missed, "missed": missed, "duplicates": 0,
        "startup_flood": 0, "unmatched": 0, "latency_p50": 1.0, "latency_p95": p95, "latency_max": 2.1,
        "cpu_per_store_hour": cpu, "cpu_utilisation": 0.05, "peak_rss_mb": 100.0,
    }  # fmt: skip


def _result(phantom: dict[str, Any]) -> dict[str, Any]:
    step = {
        "mode": "quiet", "stores": 1000, "passed": True, "latency_p50": 1.0, "latency_p95": 1.9, "missed": 0,
        "startup_flood": 0, "phantom_cpu_utilisation": 0.2, "sim_cpu_utilisation": 0.1, "peak_rss_mb": 350.0,
    }  # fmt: skip
    return {
        "compare": {
            "stores": 20, "events_per_store": 24, "interval": 2.0, "window_seconds": 152.0,
            "sim_cpu_utilisation": 0.02, "change_errors": [], "phantom": phantom, "raw": _side(4.0, 1.9),
        },
        "sweep": {
            "interval": 2.0, "threshold_p95": 3.0,
            "quiet": {"steps": [step], "stores_per_core": 1000, "at_least": True, "stopped": "all steps passed"},
            "busy": {"steps": [{"mode": "busy", "stores": 100, "passed": False, "error": "phantom not ready\nlog"}],
                     "stores_per_core": 0, "at_least": False, "stopped": "failed at 100 stores"},
        },
    }  # fmt: skip


def test_table_and_verdicts() -> None:
    text = render(_result(_side(5.0, 2.0)))
    assert "latency p95 (s)" in text and "2.000" in text
    assert "[PASS] every change detected" in text
    assert "[PASS] Phantom p95 <= interval + 0.15 s" in text
    assert "[PASS] Phantom CPU <= 1.3 x raw poller: ratio 1.25" in text
    assert "quiet: >= 1000 stores per core" in text
    assert "[PASS] quiet stores per core >= 1000" in text
    assert "ERROR" in text and "[FAIL] busy stores per core >= 300: 0" in text


def test_failures_are_named() -> None:
    text = render(_result(_side(8.0, 2.5, missed=3)))
    assert "[FAIL] every change detected" in text and "missed 3" in text
    assert "[FAIL] Phantom p95" in text and "[FAIL] Phantom CPU" in text


def test_save_writes_json(tmp_path: Path) -> None:
    path = save({"a": 1}, tmp_path)
    assert path.parent == tmp_path and json.loads(path.read_text()) == {"a": 1}
