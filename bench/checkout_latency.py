"""`python -m bench.checkout_latency [--drops 60] [--stores 4]`

Detection-to-link latency of the Shopify assist checkout (target: p95 <= 50 ms). Starts the sim and a real
`phantom serve` (fresh SQLite, stores polled every 0.5 s, `checkout.open_browser = false`), creates a
profile and an assist rule over the API, listens on /ws with the admin token, drops products one by one
and pairs each with its new_product event, checkout_link message, checkout attempt and Discord embed,
while sampling how long Phantom's event-loop thread ran and waited for a CPU (other processes' work).
Prints a table and writes bench/results/<time>-checkout.json; exit status 1 when the target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from bench import checkout_profile, procs
from bench.checkout_timing import (
    TARGET_MS,
    Drop,
    Received,
    SchedSample,
    match_drops,
    measures,
    passed,
    summarise,
    table,
)
from bench.harness import SIM_CPU, Harness, cpus, harness
from bench.phantom_proc import PhantomConfig, first_run_token
from bench.report import RESULTS_DIR, machine

SINK = "checkout"
KEYWORDS = "latency probe"
CHECKOUT_TOML = "[checkout]\nopen_browser = false\n"
SAMPLE_PERIOD = 0.002
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=15)
PROFILE = {
    "name": "Bench",
    "email": "bench@example.com",
    "phone": "+15555550100",
    "shipping": {
        "first_name": "Ada",
        "last_name": "Bench",
        "address1": "1 Loop Street",
        "city": "Portland",
        "province": "OR",
        "zip": "97201",
        "country_code": "US",
    },
    "card": {
        "holder": "Ada Bench",
        "number": "4111111111111111",
        "exp_month": 12,
        "exp_year": 2031,
        "cvv": "123",
    },
}


class Api:
    """Phantom's API with the admin bearer token."""

    def __init__(self, session: aiohttp.ClientSession, base: str, token: str) -> None:
        self._session, self.base = session, base
        self.headers = {"Authorization": f"Bearer {token}"}

    async def call(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        async with self._session.request(
            method,
            f"{self.base}{path}",
            json=body,
            params=params or None,
            headers=self.headers,
            timeout=HTTP_TIMEOUT,
        ) as resp:
            payload = await resp.json(content_type=None)
            if resp.status >= 300:
                raise RuntimeError(f"{method} {path}: {resp.status} {payload}")
            return payload

    async def checkouts(self, max_pages: int) -> list[dict[str, Any]]:
        """Every checkout attempt, newest first (at most `max_pages` pages of 200)."""
        items: list[dict[str, Any]] = []
        cursor: str | None = None
        for _ in range(max_pages):
            params: dict[str, Any] = {"limit": 200, **({"cursor": cursor} if cursor else {})}
            page = await self.call("GET", "/api/checkouts", **params)
            items += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                break
        return items


def sched_ns(pid: int) -> tuple[int, int]:
    """(ns on a CPU, ns runnable but waiting for one) summed over the process's threads
    (/proc/<pid>/task/*/schedstat); (0, 0) when unreadable."""
    ran = waited = 0
    for stat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text(encoding="ascii").split()
            ran, waited = ran + int(fields[0]), waited + int(fields[1])
    return ran, waited


def thread_sched_ns(pid: int, tid: int) -> tuple[int, int] | None:
    try:
        fields = Path(f"/proc/{pid}/task/{tid}/schedstat").read_text(encoding="ascii").split()
        return int(fields[0]), int(fields[1])
    except (OSError, ValueError, IndexError):
        return None


async def sample_loop_thread(pid: int, into: list[SchedSample], period: float, max_samples: int) -> None:
    """Every `period` s, the cumulative CPU and run-queue wait of Phantom's main (event-loop) thread."""
    while len(into) < max_samples:
        found = thread_sched_ns(pid, pid)
        if found is None:
            return
        into.append((time.time(), *found))
        await asyncio.sleep(period)


class SchedWindow:
    """A process's CPU time and run-queue wait (time runnable but kept off a CPU by other work) between
    `__init__` and `close()`."""

    def __init__(self, pid: int) -> None:
        self._pid = pid
        self._ran, self._waited = sched_ns(pid)
        self._started = time.monotonic()

    def close(self) -> dict[str, float]:
        ran, waited = sched_ns(self._pid)
        seconds = time.monotonic() - self._started
        return {
            "seconds": round(seconds, 2),
            "cpu_ms": round((ran - self._ran) / 1e6, 1),
            "runqueue_wait_ms": round((waited - self._waited) / 1e6, 1),
        }


async def record(ws: aiohttp.ClientWebSocketResponse, into: list[Received]) -> None:
    """Keep every `event` message with the local receive time (taken first, before parsing)."""
    async for message in ws:
        at = time.time()
        if message.type is aiohttp.WSMsgType.TEXT:
            parsed = json.loads(message.data)
            if parsed.get("type") == "event":
                into.append(Received(at, parsed["data"]))
        elif message.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            break


async def make_drops(h: Harness, stores: Sequence[str], count: int, rng: random.Random) -> list[Drop]:
    """`count` drops round-robin over `stores`, 0.3-0.5 s apart, titles unique and matching the rule."""
    run = f"{rng.randrange(16**6):06x}"
    drops: list[Drop] = []
    for i in range(count):
        store = stores[i % len(stores)]
        title = f"Latency Probe {run} {i:04d}"
        body = {"title": title, "sizes": ["9", "10", "11"], "price": 150, "available": True}
        reply = await h.client.apply(store, "drop", body)
        variants = tuple(str(v["id"]) for v in reply["product"]["variants"])
        drops.append(Drop(store, title, float(reply["visible_at"]), variants))
        await asyncio.sleep(rng.uniform(0.3, 0.5))
    return drops


async def wait_links(received: list[Received], drops: int, max_wait: float) -> None:
    """Until `drops` checkout_link messages have arrived, or `max_wait` seconds."""
    deadline = time.monotonic() + max_wait
    while time.monotonic() < deadline:
        if sum(1 for r in received if r.data.get("kind") == "checkout_link") >= drops:
            return
        await asyncio.sleep(0.1)


async def run(args: argparse.Namespace) -> dict[str, Any]:
    procs.pin_self(cpus(SIM_CPU))  # keep the bench off Phantom's CPU
    load = [os.getloadavg()[0]]
    rng = random.Random(args.seed)
    async with harness(args.products) as h:
        stores = await h.ensure_stores(args.stores)
        await h.client.configure_sink(SINK)
        run_dir = h.tmp / "phantom"
        config = PhantomConfig(
            stores=[(s, h.client.shop_url(s)) for s in stores],
            sink_url=h.client.sink_url(SINK),
            db_path=run_dir / "phantom.db",
            data_dir=run_dir / "data",
            interval=args.interval,
            events=tuple(args.alerts),
            extra_toml=CHECKOUT_TOML,
        )
        profile_args: list[str] = []
        if args.profile:
            args.profile.unlink(missing_ok=True)  # a stale dump must not pass for this run's
            profile_args = ["-m", "cProfile", "-o", str(args.profile.resolve())]
        child, base = await h.start_phantom("phantom", config, ready_timeout=60, python_args=profile_args)
        token = first_run_token(child.log_text())
        if token is None:
            raise RuntimeError("no first-start token in phantom's output")
        api = Api(h.session, base, token)
        profile = await api.call("POST", "/api/profiles", PROFILE)
        rule = {
            "name": "bench assist",
            "keywords": KEYWORDS,
            "events": ["new_product"],
            "mode": "assist",
            "profile": profile["id"],
        }
        await api.call("POST", "/api/rules", rule)
        received: list[Received] = []
        samples: list[SchedSample] = []
        sched: dict[str, dict[str, float]] = {}
        ws_url = base.replace("http://", "ws://", 1) + "/ws"
        async with h.session.ws_connect(ws_url, headers=api.headers, heartbeat=None) as ws:
            recorder = asyncio.create_task(record(ws, received))
            # A sample every 2 ms, for at most the whole run's timeout.
            sampler = asyncio.create_task(
                sample_loop_thread(child.pid, samples, SAMPLE_PERIOD, int(args.timeout / SAMPLE_PERIOD))
            )
            try:
                await asyncio.sleep(args.interval * 3)  # every store past its baseline poll
                quiet = SchedWindow(child.pid)
                await asyncio.sleep(args.quiet)  # what polling alone costs, for the CPU per drop
                sched["quiet"] = quiet.close()
                print(f"{args.drops} drops over {len(stores)} stores ...", flush=True)
                busy = SchedWindow(child.pid)
                drops = await make_drops(h, stores, args.drops, rng)
                await wait_links(received, len(drops), max_wait=args.interval * 4 + 10)
                sched["drops"] = busy.close()
                await asyncio.sleep(1.0)  # late duplicates and Discord deliveries
            finally:
                for task in (recorder, sampler):
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
        attempts = await api.checkouts(max_pages=args.drops // 200 + 5)
        sink = await h.client.messages(SINK)
        # cProfile writes its file only when Phantom's main returns: SIGINT, which uvicorn turns into a
        # KeyboardInterrupt after its clean shutdown (SIGTERM would end the process by the signal).
        code = await h.stop(child, signal.SIGINT if args.profile else signal.SIGTERM)
        log_text = child.log_text()
    load.append(os.getloadavg()[0])
    timings = match_drops(drops, received, attempts, sink, log_text, samples)
    return {
        "started_at": datetime.now(UTC).isoformat(),
        "command": " ".join(["python -m bench.checkout_latency", *sys.argv[1:]]),
        "machine": machine(),
        "drops": args.drops,
        "stores": args.stores,
        "interval": args.interval,
        "target_ms": TARGET_MS,
        "load_average": load,  # 1-minute load before and after: the machine is shared
        "phantom_exit": code,
        "alert_kinds": args.alerts,
        # Phantom's CPU time and run-queue wait (runnable, but other work held the CPU): polling alone,
        # then over the drops; the difference per drop is what one drop costs Phantom in CPU.
        "phantom_sched": {**sched, "cpu_ms_per_drop": cpu_per_drop(sched, args.drops)},
        "summary": summarise(timings),
        "per_drop": [{"store": t.drop.store, "title": t.drop.title, **measures(t)} for t in timings],
    }


def cpu_per_drop(sched: dict[str, dict[str, float]], drops: int) -> float | None:
    quiet, busy = sched.get("quiet"), sched.get("drops")
    if not quiet or not busy or quiet["seconds"] <= 0:
        return None
    polling = quiet["cpu_ms"] / quiet["seconds"] * busy["seconds"]
    return round((busy["cpu_ms"] - polling) / drops, 2)


def save(result: dict[str, Any], directory: Path = RESULTS_DIR) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-checkout.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return path


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench.checkout_latency",
        description="Detection-to-link latency of the Shopify assist checkout.",
    )
    p.add_argument("--drops", type=int, default=60, help="products dropped (0.3-0.5 s apart)")
    p.add_argument("--stores", type=int, default=4, help="simulated Shopify stores the drops go round")
    p.add_argument("--interval", type=float, default=0.5, help="poll interval, seconds")
    p.add_argument("--products", type=int, default=60, help="catalogue size of each simulated store")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--profile", type=Path, help="run Phantom under cProfile, write the dump here")
    p.add_argument(
        "--quiet", type=float, default=4.0, help="seconds of polling only, measured before the drops"
    )
    p.add_argument(
        "--alerts",
        type=lambda text: [k for k in text.split(",") if k],
        default=["new_product", "checkout_link"],
        help="event kinds the Discord channel sends (comma-separated)",
    )
    p.add_argument("--timeout", type=float, default=300.0, help="the whole run, seconds")
    args = p.parse_args(argv)
    if not 1 <= args.drops <= 5000 or not 1 <= args.stores <= 500:
        p.error("--drops must be 1-5000 and --stores 1-500")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    result = asyncio.run(asyncio.wait_for(run(args), args.timeout))
    print()
    print(table(result["summary"]))
    before, after = result["load_average"]
    print(f"1-minute load average {before:.2f} before, {after:.2f} after (2 CPUs, shared)")
    sched = result["phantom_sched"]
    for name in ("quiet", "drops"):
        w = sched[name]
        print(
            f"Phantom, {name + ':':<7}{w['seconds']:5.1f} s, on CPU {w['cpu_ms']:6.0f} ms, "
            f"runnable but waiting for a CPU {w['runqueue_wait_ms']:6.0f} ms"
        )
    print(f"Phantom CPU per drop (beyond polling): {sched['cpu_ms_per_drop']} ms")
    if args.profile:
        if args.profile.exists():
            rows = checkout_profile.breakdown(args.profile, args.drops)
            result["profile"] = {"file": str(args.profile), "steps": rows}
            print(checkout_profile.render(rows))
        else:
            print(f"no profile written to {args.profile}")
    print(f"\nresults written to {save(result)}")
    return 0 if passed(result["summary"]) else 1


if __name__ == "__main__":
    sys.exit(main())
