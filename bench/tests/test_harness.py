"""The harness end to end without Phantom: sim and raw poller as pinned subprocesses, changes fired,
alerts matched, CPU and memory measured."""

from __future__ import annotations

import asyncio
import random

from bench import procs
from bench.alerts import raw_alerts
from bench.harness import fire, harness, wait_for_line
from bench.scenario import Planner, match_alerts, plan_changes, seed_products


async def test_raw_poller_subprocess_detects_every_planned_change_once() -> None:
    async with harness(products=20) as h:
        stores = await h.ensure_stores(3)
        assert len(stores) == 3 and await h.ensure_stores(2) == stores[:2]
        rng = random.Random(4)
        seeds = seed_products(stores, rng)
        await h.client.seed(seeds)
        await h.client.configure_sink("raw")
        raw = await h.start_raw("raw", stores, h.client.raw_sink_url("raw"), interval=0.5)
        await wait_for_line(raw, "baseline_done", max_wait=20)
        window = procs.Window([raw, h.sim])
        window.open()
        plan = plan_changes(Planner.from_seeds(rng, seeds), stores, 3, 5.0, 1.25)
        changes, errors = await fire(h.client, plan)
        await asyncio.sleep(1.5)
        window.close()
        raw.sample_memory()
        m = match_alerts(changes, raw_alerts(await h.client.messages("raw"))[0])
        assert errors == []
        assert (len(changes), m.detected, m.duplicates, m.startup_flood, m.unmatched) == (9, 9, 0, 0, 0)
        assert max(m.latencies) < 1.5
        assert window.cpu["raw"] > 0 and window.wall > 5.0
        assert raw.peak_memory > 10 * 2**20
        code = await h.stop(raw)
        assert code == 0 and '"event": "done"' in raw.log_text()
    assert not raw.alive and not h.sim.alive
