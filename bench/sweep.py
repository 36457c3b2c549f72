"""Capacity sweep: how many stores one Phantom process (one core) watches at a 2 s interval before
p95 detection latency passes interval + 1 s, for quiet stores and for busy ones.

Quiet: nothing changes but ~40 probe drops per step. Busy: the sim's churn mode flips a variant on
every products.json page-1 request, so every poll finds a change; Phantom records those events but its
channel routes only the probes (keywords "probe", new_product only), so the sink sees probe alerts alone.
Each step starts a fresh Phantom (new SQLite file) on N stores, waits for every store's baseline, warms
up, then measures for `measure` seconds. The sweep stops at the first failing step or when the time budget
would be exceeded; every loop is bounded.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bench import procs
from bench.alerts import phantom_alerts
from bench.harness import Harness, fire
from bench.phantom_proc import ALL_KINDS, PhantomConfig
from bench.scenario import match_alerts, percentile, plan_probes

QUIET_STEPS = (250, 500, 1000, 1500, 2000, 3000, 4000)
BUSY_STEPS = (100, 200, 250, 300, 400, 600, 800)
SIM_SATURATED = 0.9  # sim CPU share above which a failing step says more about the sim than Phantom


@dataclass(frozen=True, slots=True)
class SweepOptions:
    interval: float = 2.0
    probes: int = 40  # p95 of 40 probes: two slow ones fail a step, not one
    warmup: float = 6.0
    measure: float = 30.0
    budget: float = 14 * 60.0  # seconds for the whole sweep (both modes)
    quiet_steps: Sequence[int] = QUIET_STEPS
    busy_steps: Sequence[int] = BUSY_STEPS
    seed: int = 2

    @property
    def settle(self) -> float:
        return 3 * self.interval + 2

    @property
    def threshold(self) -> float:
        return self.interval + 1.0


def _estimate(n: int, opts: SweepOptions) -> float:
    """Rough seconds a step takes: start-up grows with N, the rest is fixed."""
    return 10 + n * 0.02 + opts.warmup + opts.measure + opts.settle


async def run_step(h: Harness, mode: str, n: int, opts: SweepOptions, rng: random.Random) -> dict[str, Any]:
    stores = await h.ensure_stores(n)
    busy = mode == "busy"
    await h.set_churn(stores, busy)
    sink = f"sweep-{mode}-{n}"
    await h.client.configure_sink(sink)
    name = f"phantom-{mode}-{n}"
    config = PhantomConfig(
        stores=[(s, h.client.shop_url(s)) for s in stores],
        sink_url=h.client.sink_url(sink),
        db_path=h.tmp / name / "phantom.db",
        data_dir=h.tmp / name / "data",
        interval=opts.interval,
        events=("new_product",) if busy else ALL_KINDS,
        keywords="probe" if busy else None,
    )
    started = time.monotonic()
    phantom, _ = await h.start_phantom(name, config, ready_timeout=30 + n * 0.04)
    ready_seconds = time.monotonic() - started
    stop = asyncio.Event()
    sampler = asyncio.create_task(procs.sample_memory([phantom], stop, opts.measure * 4))
    try:
        await asyncio.sleep(opts.warmup)
        window = procs.Window([phantom, h.sim])
        window.open()
        plan = plan_probes(rng, stores, opts.probes, opts.measure, tag=f"{mode}{n}")
        changes, errors = await fire(h.client, plan)
        await asyncio.sleep(max(0.0, opts.measure - max((c.at for c in plan), default=0.0)) + opts.settle)
        window.close()
        alerts, unreadable = phantom_alerts(await h.client.messages(sink))
    finally:
        stop.set()
        await sampler
        await h.stop(phantom)
    m = match_alerts(changes, alerts)
    p95 = percentile(m.latencies, 95)
    cpu = window.cpu[phantom.name]
    sim_util = window.cpu["sim"] / window.wall if window.wall else 0.0
    passed = bool(changes) and not m.missed and not errors and p95 is not None and p95 <= opts.threshold
    return {
        "mode": mode,
        "stores": n,
        "passed": passed,
        "ready_seconds": ready_seconds,
        "probes": len(changes),
        "probe_errors": errors[:5],
        "detected": m.detected,
        "missed": len(m.missed),
        "duplicates": m.duplicates,
        "startup_flood": m.startup_flood,
        "unmatched": m.unmatched,
        "unreadable": unreadable,
        "latency_p50": percentile(m.latencies, 50),
        "latency_p95": p95,
        "latency_max": max(m.latencies, default=None),
        "latencies": sorted(round(x, 3) for x in m.latencies),
        "phantom_cpu_utilisation": cpu / window.wall if window.wall else None,
        "cpu_per_store_hour": cpu / n / (window.wall / 3600) if window.wall else None,
        "peak_rss_mb": phantom.peak_memory / 2**20,
        "sim_cpu_utilisation": sim_util,
        "sim_saturated": sim_util >= SIM_SATURATED,
    }


async def run_mode(
    h: Harness, mode: str, steps: Sequence[int], opts: SweepOptions, deadline: float, rng: random.Random
) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    stopped = "all steps passed"
    for n in steps:
        if time.monotonic() + _estimate(n, opts) > deadline:
            stopped = f"time budget: step {n} would not finish in time"
            break
        try:
            step = await run_step(h, mode, n, opts, rng)
        except RuntimeError as exc:  # Phantom did not come up for this N: that is a failing step
            step = {"mode": mode, "stores": n, "passed": False, "error": str(exc)[-1500:]}
        results.append(step)
        _print_step(step)
        if not step["passed"]:
            stopped = f"failed at {n} stores"
            break
    best = max((s["stores"] for s in results if s["passed"]), default=0)
    # Without a failing step the true capacity is only known to be at least `best`.
    return {
        "steps": results,
        "stores_per_core": best,
        "at_least": not stopped.startswith("failed"),
        "stopped": stopped,
    }


def _print_step(step: dict[str, Any]) -> None:
    def f(v: Any) -> str:
        return "-" if v is None else f"{v:.2f}" if isinstance(v, float) else str(v)

    print(
        f"  {step['mode']:>5} {step['stores']:>5} stores: {'pass' if step['passed'] else 'FAIL'}"
        f"  p50 {f(step.get('latency_p50'))}s p95 {f(step.get('latency_p95'))}s"
        f"  missed {f(step.get('missed'))}  phantom cpu {f(step.get('phantom_cpu_utilisation'))}"
        f"  sim cpu {f(step.get('sim_cpu_utilisation'))}",
        flush=True,
    )


async def run_sweep(h: Harness, opts: SweepOptions) -> dict[str, Any]:
    rng = random.Random(opts.seed)
    deadline = time.monotonic() + opts.budget
    # Quiet gets at most about half the budget so the busy sweep always runs.
    quiet_deadline = time.monotonic() + opts.budget / 2
    quiet = await run_mode(h, "quiet", opts.quiet_steps, opts, quiet_deadline, rng)
    busy = await run_mode(h, "busy", opts.busy_steps, opts, deadline, rng)
    return {
        "interval": opts.interval,
        "threshold_p95": opts.threshold,
        "probes_per_step": opts.probes,
        "measure_seconds": opts.measure,
        "quiet": quiet,
        "busy": busy,
    }
