"""`python -m bench.run [--stores 20 --events 24 --interval 2] [--sweep] [--no-compare]`

Starts the sim (CPU 1), then Phantom and the raw poller (CPU 0) on the same simulated stores, makes
scheduled changes, and reports detection latency, missed/duplicate alerts, CPU per store-hour and peak
RSS side by side; `--sweep` adds the capacity sweep. Prints a table and writes bench/results/<time>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from bench import procs
from bench.compare import CompareOptions, run_compare
from bench.harness import SIM_CPU, cpus, harness
from bench.report import machine, render, save
from bench.sweep import BUSY_STEPS, QUIET_STEPS, SweepOptions, run_sweep


def _steps(text: str) -> tuple[int, ...]:
    return tuple(int(x) for x in text.split(",") if x.strip())


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.split("\n")[0] if __doc__ else None
    )
    p.add_argument("--stores", type=int, default=20, help="stores in the comparison run")
    p.add_argument("--events", type=int, default=24, help="changes per store in the comparison run")
    p.add_argument("--interval", type=float, default=2.0, help="poll interval, seconds")
    p.add_argument("--window", type=float, default=None, help="seconds the changes are spread over")
    p.add_argument("--products", type=int, default=60, help="catalogue size of each simulated store")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--sweep", action="store_true", help="also run the capacity sweep (< 15 min)")
    p.add_argument("--no-compare", action="store_true", help="skip the comparison run")
    p.add_argument("--quiet-steps", type=_steps, default=QUIET_STEPS, help="e.g. 250,500,1000")
    p.add_argument("--busy-steps", type=_steps, default=BUSY_STEPS, help="e.g. 100,200,300")
    p.add_argument("--measure", type=float, default=30.0, help="measured seconds per sweep step")
    p.add_argument("--budget", type=float, default=14 * 60.0, help="time budget of the whole sweep, seconds")
    return p.parse_args(argv)


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(),
        "command": " ".join(["python -m bench.run", *sys.argv[1:]]),
        "machine": machine(),
        "products_per_store": args.products,
    }
    started = time.monotonic()
    procs.pin_self(cpus(SIM_CPU))  # keep the orchestrator off the monitor's CPU
    async with harness(args.products) as h:
        if not args.no_compare:
            opts = CompareOptions(args.stores, args.events, args.interval, args.window, args.seed)
            print(
                f"comparison: {opts.stores} stores x {opts.events} events, changes over {opts.spread:.0f} s ...",
                flush=True,
            )
            result["compare"] = await run_compare(h, opts)
        if args.sweep:
            sweep = SweepOptions(
                interval=args.interval,
                measure=args.measure,
                budget=args.budget,
                quiet_steps=args.quiet_steps,
                busy_steps=args.busy_steps,
            )
            print(f"capacity sweep (budget {sweep.budget:.0f} s) ...", flush=True)
            result["sweep"] = await run_sweep(h, sweep)
    result["duration_seconds"] = time.monotonic() - started
    return result


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    result = asyncio.run(main_async(args))
    print()
    print(render(result))
    print(f"\nresults written to {save(result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
