"""What every benchmark run shares: a temp dir, the sim process, its stores, and the children to stop."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import tempfile
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench import procs
from bench.phantom_proc import PhantomConfig, first_run_token, serve_argv, wait_ready
from bench.scenario import Change, PlannedChange
from bench.sim_client import SimClient, SimError

SIM_CPU = 1
MONITOR_CPU = 0


def cpus(which: int) -> set[int] | None:
    """The CPU set for a role, or None (no pinning) on a one-CPU machine."""
    return {which} if procs.cpu_count() > 1 else None


@dataclass(slots=True)
class Harness:
    tmp: Path
    session: aiohttp.ClientSession
    sim: procs.Child
    client: SimClient
    products: int
    stores: list[str] = field(default_factory=list)
    children: list[procs.Child] = field(default_factory=list)
    churning: set[str] = field(default_factory=set)

    async def ensure_stores(self, count: int) -> list[str]:
        """The first `count` bench stores, creating the missing ones in the sim."""
        if count > len(self.stores):
            self.stores += await self.client.create_stores(count - len(self.stores), self.products)
        return self.stores[:count]

    async def set_churn(self, stores: Sequence[str], enabled: bool) -> None:
        """Busy mode on exactly `stores` (when enabled) or on none of them; only toggles what differs."""
        wanted = set(stores) if enabled else set()
        await self.client.set_churn(sorted(self.churning - wanted), False)
        await self.client.set_churn(sorted(wanted - self.churning), True)
        self.churning = wanted

    async def start_phantom(
        self, name: str, config: PhantomConfig, *, ready_timeout: float, python_args: Sequence[str] = ()
    ) -> tuple[procs.Child, str]:
        """Start Phantom pinned to the monitor CPU; returns it and its base URL once every store polled once.
        `python_args` go before Phantom's own (e.g. `-m cProfile -o FILE`)."""
        run_dir = self.tmp / name
        run_dir.mkdir(parents=True, exist_ok=True)
        config_path = run_dir / "phantom.toml"
        config_path.write_text(config.toml(), encoding="utf-8")
        port = procs.free_port()
        child = await procs.start(
            name,
            [*python_args, *serve_argv(config_path, port)],
            log_dir=run_dir,
            cpus=cpus(MONITOR_CPU),
            cwd=run_dir,
        )
        self.children.append(child)
        base = f"http://127.0.0.1:{port}"
        try:
            await wait_ready(
                self.session,
                base,
                stores=len(config.stores),
                max_wait=ready_timeout,
                alive=lambda: child.alive,
                token=lambda: first_run_token(child.log_text()),
            )
        except (TimeoutError, RuntimeError) as exc:
            tail = child.log_text()[-3000:]
            raise RuntimeError(f"{exc}; last log lines of {name}:\n{tail}") from None
        return child, base

    async def start_raw(
        self, name: str, stores: Sequence[str], sink_url: str, interval: float
    ) -> procs.Child:
        run_dir = self.tmp / name
        run_dir.mkdir(parents=True, exist_ok=True)
        stores_file = run_dir / "stores.txt"
        stores_file.write_text("".join(f"{self.client.shop_url(s)}\n" for s in stores), encoding="utf-8")
        argv = ["-m", "bench.raw_poller", "--stores-file", str(stores_file), "--sink", sink_url]
        argv += ["--interval", str(interval), "--duration", "3600"]
        child = await procs.start(name, argv, log_dir=run_dir, cpus=cpus(MONITOR_CPU))
        self.children.append(child)
        return child

    async def stop(self, child: procs.Child, sig: int = signal.SIGTERM) -> int:
        code = await child.stop(sig=sig)
        if child in self.children:
            self.children.remove(child)
        return code


async def wait_for_line(child: procs.Child, marker: str, max_wait: float) -> None:
    """Wait until the child's log contains `marker` (bounded by `max_wait`)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max_wait
    while marker not in child.log_text():
        if not child.alive:
            raise RuntimeError(f"{child.name} exited: {child.log_text()[-2000:]}")
        if loop.time() > deadline:
            raise TimeoutError(f"{child.name}: no {marker!r} after {max_wait:.0f}s")
        await asyncio.sleep(0.25)


async def fire(client: SimClient, plan: Sequence[PlannedChange]) -> tuple[list[Change], list[str]]:
    """Make each planned change at its time (`at` seconds from now); returns what happened and errors."""
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    done: list[Change] = []
    errors: list[str] = []
    for change in sorted(plan, key=lambda c: c.at):
        delay = t0 + change.at - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        try:
            done.append(Change(change, await client.make_change(change)))
        except (SimError, aiohttp.ClientError) as exc:
            errors.append(f"{change.store}/{change.op}/{change.handle}: {exc}")
    return done, errors


@contextlib.asynccontextmanager
async def harness(products: int) -> AsyncIterator[Harness]:
    """Start the sim (pinned to its CPU) in a fresh temp dir; stop every child and clean up on exit."""
    with tempfile.TemporaryDirectory(prefix="phantom-bench-") as raw_tmp:
        tmp = Path(raw_tmp)
        port = procs.free_port()
        argv = ["-m", "phantom.sim", "--port", str(port), "--stores", "0", "--footsites", "0"]
        sim = await procs.start("sim", [*argv, "--products", str(products)], log_dir=tmp, cpus=cpus(SIM_CPU))
        connector = aiohttp.TCPConnector(limit=64)
        h: Harness | None = None
        try:
            async with aiohttp.ClientSession(connector=connector) as session:
                client = SimClient(session, f"http://127.0.0.1:{port}")
                await client.ready()
                h = Harness(tmp, session, sim, client, products)
                try:
                    yield h
                finally:
                    for child in list(h.children):
                        await h.stop(child)
        finally:
            await sim.stop()
