"""Readable tables and target checks for a benchmark result, and the JSON file it is saved to."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"

TARGET_CPU_RATIO = 1.3
TARGET_P95_MARGIN = 0.15
TARGET_QUIET = 1000
TARGET_BUSY = 300

ROWS = (
    ("changes made", "changes", "{}"),
    ("alerts received", "alerts", "{}"),
    ("detected", "detected", "{}"),
    ("missed", "missed", "{}"),
    ("duplicates", "duplicates", "{}"),
    ("start-up flood", "startup_flood", "{}"),
    ("unmatched alerts", "unmatched", "{}"),
    ("latency p50 (s)", "latency_p50", "{:.3f}"),
    ("latency p95 (s)", "latency_p95", "{:.3f}"),
    ("latency max (s)", "latency_max", "{:.3f}"),
    ("CPU s / store-hour", "cpu_per_store_hour", "{:.2f}"),
    ("CPU share of a core", "cpu_utilisation", "{:.1%}"),
    ("peak RSS (MB)", "peak_rss_mb", "{:.1f}"),
)


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


def _cell(value: Any, fmt: str) -> str:
    return "-" if value is None else fmt.format(value)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def compare_table(r: dict[str, Any]) -> list[str]:
    p, raw = r["phantom"], r["raw"]
    lines = [
        f"Comparison: {r['stores']} stores x {r['events_per_store']} events at {r['interval']:g} s "
        f"(measured window {r['window_seconds']:.0f} s; sim CPU {r['sim_cpu_utilisation']:.0%} of a core)",
        f"  {'':<22}{'Phantom':>12}{'raw poller':>14}",
    ]
    for label, key, fmt in ROWS:
        lines.append(f"  {label:<22}{_cell(p.get(key), fmt):>12}{_cell(raw.get(key), fmt):>14}")
    if r["change_errors"]:
        lines.append(f"  change errors: {len(r['change_errors'])} (first: {r['change_errors'][0]})")
    return lines


def compare_targets(r: dict[str, Any]) -> list[tuple[str, bool, str]]:
    p, raw = r["phantom"], r["raw"]
    limit = r["interval"] + TARGET_P95_MARGIN
    clean = p["missed"] == 0 and p["duplicates"] == 0 and p["startup_flood"] == 0 and p["changes"] > 0
    big_enough = r["stores"] >= 20 and r["events_per_store"] >= 24 and r["interval"] == 2.0
    ratio = p["cpu_per_store_hour"] / raw["cpu_per_store_hour"] if raw.get("cpu_per_store_hour") else None
    p95 = p["latency_p95"]
    return [
        (
            "every change detected, 0 duplicates, 0 start-up flood",
            clean,
            f"missed {p['missed']}, duplicates {p['duplicates']}, flood {p['startup_flood']}"
            + ("" if big_enough else " (run smaller than the 20 x 24 at 2 s target run)"),
        ),
        (
            f"Phantom p95 <= interval + {TARGET_P95_MARGIN} s",
            p95 is not None and p95 <= limit,
            f"{_cell(p95, '{:.3f}')} <= {limit:.2f}",
        ),
        (
            f"Phantom CPU <= {TARGET_CPU_RATIO} x raw poller",
            ratio is not None and ratio <= TARGET_CPU_RATIO,
            f"ratio {_cell(ratio, '{:.2f}')}",
        ),
    ]


def sweep_table(s: dict[str, Any]) -> list[str]:
    lines = [f"Capacity at {s['interval']:g} s (pass: no probe missed and p95 <= {s['threshold_p95']:.2f} s)"]
    head = f"  {'mode':<6}{'stores':>7}{'result':>8}{'p50':>8}{'p95':>8}{'missed':>8}{'flood':>7}{'Ph cpu':>8}{'sim cpu':>9}{'RSS MB':>8}"
    lines.append(head)
    for mode in ("quiet", "busy"):
        for step in s[mode]["steps"]:
            if "error" in step:
                lines.append(
                    f"  {mode:<6}{step['stores']:>7}{'ERROR':>8}  {step['error'].splitlines()[0][:80]}"
                )
                continue
            lines.append(
                f"  {mode:<6}{step['stores']:>7}{verdict(step['passed']):>8}"
                f"{_cell(step['latency_p50'], '{:.2f}'):>8}{_cell(step['latency_p95'], '{:.2f}'):>8}"
                f"{step['missed']:>8}{step['startup_flood']:>7}"
                f"{_cell(step['phantom_cpu_utilisation'], '{:.0%}'):>8}{_cell(step['sim_cpu_utilisation'], '{:.0%}'):>9}"
                f"{_cell(step['peak_rss_mb'], '{:.0f}'):>8}"
            )
        at_least = ">= " if s[mode].get("at_least") else ""
        lines.append(
            f"  {mode}: {at_least}{s[mode]['stores_per_core']} stores per core ({s[mode]['stopped']})"
        )
    return lines


def sweep_targets(s: dict[str, Any]) -> list[tuple[str, bool, str]]:
    q, b = s["quiet"]["stores_per_core"], s["busy"]["stores_per_core"]
    return [
        (f"quiet stores per core >= {TARGET_QUIET}", q >= TARGET_QUIET, str(q)),
        (f"busy stores per core >= {TARGET_BUSY}", b >= TARGET_BUSY, str(b)),
    ]


def render(result: dict[str, Any]) -> str:
    lines: list[str] = []
    targets: list[tuple[str, bool, str]] = []
    if "compare" in result:
        lines += compare_table(result["compare"])
        targets += compare_targets(result["compare"])
    if "sweep" in result:
        lines += ["", *sweep_table(result["sweep"])]
        targets += sweep_targets(result["sweep"])
    if targets:
        lines += ["", "Targets:"]
        lines += [f"  [{verdict(ok)}] {name}: {detail}" for name, ok, detail in targets]
    return "\n".join(lines)


def save(result: dict[str, Any], directory: Path = RESULTS_DIR) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = directory / f"{stamp}.json"
    path.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    return path
