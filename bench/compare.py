"""The comparison run: Phantom and the raw poller watch the same stores through the same changes."""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import dataclass
from typing import Any

from bench import procs
from bench.alerts import phantom_alerts, raw_alerts
from bench.harness import Harness, fire, wait_for_line
from bench.phantom_proc import PhantomConfig
from bench.scenario import (
    Alert,
    Change,
    Match,
    Planner,
    match_alerts,
    percentile,
    plan_changes,
    seed_products,
)

GAP_FACTOR = 2.5  # changes to one store are at least this many intervals apart


@dataclass(frozen=True, slots=True)
class CompareOptions:
    stores: int = 20
    events: int = 24
    interval: float = 2.0
    window: float | None = None  # seconds the changes are spread over; default events * gap * 1.2
    seed: int = 1

    @property
    def gap(self) -> float:
        return GAP_FACTOR * self.interval

    @property
    def spread(self) -> float:
        return self.window if self.window is not None else self.events * self.gap * 1.2


def contender(
    name: str,
    alerts: list[Alert],
    unreadable: int,
    changes: list[Change],
    window: procs.Window,
    child: procs.Child,
    stores: int,
) -> dict[str, Any]:
    """One column of the comparison table."""
    m: Match = match_alerts(changes, alerts)
    cpu = window.cpu[child.name]
    return {
        "name": name,
        "changes": m.changes,
        "alerts": len(alerts),
        "detected": m.detected,
        "missed": len(m.missed),
        "duplicates": m.duplicates,
        "unmatched": m.unmatched,
        "startup_flood": m.startup_flood,
        "unreadable": unreadable,
        "latency_p50": percentile(m.latencies, 50),
        "latency_p95": percentile(m.latencies, 95),
        "latency_max": max(m.latencies, default=None),
        "latencies": sorted(round(x, 3) for x in m.latencies),
        "cpu_seconds": cpu,
        "cpu_per_store_hour": cpu / stores / (window.wall / 3600) if window.wall else None,
        "cpu_utilisation": cpu / window.wall if window.wall else None,
        "peak_rss_mb": child.peak_memory / 2**20,
        "missed_examples": [
            {
                "store": c.planned.store,
                "op": c.planned.op,
                "handle": c.planned.handle,
                "visible_at": c.visible_at,
            }
            for c in m.missed[:10]
        ],
    }


async def run_compare(h: Harness, opts: CompareOptions) -> dict[str, Any]:
    rng = random.Random(opts.seed)
    stores = await h.ensure_stores(opts.stores)
    seeds = seed_products(stores, rng)
    await h.client.seed(seeds)
    await h.client.configure_sink("phantom")
    await h.client.configure_sink("raw")
    config = PhantomConfig(
        stores=[(s, h.client.shop_url(s)) for s in stores],
        sink_url=h.client.sink_url("phantom"),
        db_path=h.tmp / "phantom" / "phantom.db",
        data_dir=h.tmp / "phantom" / "data",
        interval=opts.interval,
    )
    stop_sampling = asyncio.Event()
    sampler: asyncio.Task[None] | None = None
    raw = await h.start_raw("raw", stores, h.client.raw_sink_url("raw"), opts.interval)
    try:
        phantom, _ = await h.start_phantom("phantom", config, ready_timeout=60)
        sampler = asyncio.create_task(procs.sample_memory([phantom, raw, h.sim], stop_sampling, 3600))
        await wait_for_line(raw, "baseline_done", max_wait=60)
        await asyncio.sleep(opts.interval + 1)  # every store of both has its baseline; let the burst settle
        window = procs.Window([phantom, raw, h.sim])
        window.open()
        plan = plan_changes(Planner.from_seeds(rng, seeds), stores, opts.events, opts.spread, opts.gap)
        changes, errors = await fire(h.client, plan)
        await asyncio.sleep(3 * opts.interval + 2)  # the last change gets its chance to arrive
        window.close()
        p_alerts, p_bad = phantom_alerts(await h.client.messages("phantom"))
        r_alerts, r_bad = raw_alerts(await h.client.messages("raw"))
    finally:
        stop_sampling.set()
        if sampler is not None:
            await sampler
    phantom_exit = await h.stop(phantom)
    raw_exit = await h.stop(raw)
    return {
        "stores": opts.stores,
        "events_per_store": opts.events,
        "interval": opts.interval,
        "window_seconds": window.wall,
        "changes_made": len(changes),
        "change_errors": errors[:20],
        "ops": {
            op: sum(1 for c in changes if c.planned.op == op)
            for op in ("drop", "restock", "sold_out", "price")
        },
        "sim_cpu_utilisation": window.cpu["sim"] / window.wall if window.wall else None,
        "phantom": {
            **contender("phantom", p_alerts, p_bad, changes, window, phantom, opts.stores),
            "exit": phantom_exit,
        },
        "raw": {
            **contender("raw", r_alerts, r_bad, changes, window, raw, opts.stores),
            "exit": raw_exit,
            "counters": _counters(raw),
        },
    }


def _counters(raw: procs.Child) -> dict[str, Any]:
    for line in reversed(raw.log_text().splitlines()):
        if line.startswith('{"event": "done"'):
            return dict(json.loads(line))
    return {}
