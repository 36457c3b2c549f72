"""The command line as a person uses it: quick start, config errors, notify test, PHANTOM_PORT."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from phantom.sim.server import SimConfig, SimServer
from tests.e2e.support import embeds, free_port, wait_for

pytestmark = pytest.mark.asyncio
PHANTOM = [sys.executable, "-m", "phantom.cli"]


async def _run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        *PHANTOM,
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), timeout=60)
    return proc.returncode or 0, out.decode()


async def _healthy(port: int) -> bool:
    try:
        async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/health") as r:
            return r.status == 200
    except aiohttp.ClientError:
        return False


class TestConfigErrors:
    async def test_bad_field_is_named_with_its_line_and_nothing_starts(self, tmp_path: Path) -> None:
        config = tmp_path / "bad.toml"
        config.write_text(
            '[database]\nurl = "sqlite+aiosqlite:///./x.db"\n\n[[stores]]\nurl = "https://kith.com"\n'
            'interval = 0.1\n\n[[notifications]]\nkind = "discord"\nurl = "https://discord.com/api/webhooks/1/SECRET"\n'
            'events = ["restock", "teleport"]\n'
        )
        code, out = await _run("serve", "--config", str(config), "--port", str(free_port()), cwd=tmp_path)
        assert code == 2
        assert "stores[0].interval (line 6)" in out
        assert "notifications[0].events[1] (line 11)" in out
        assert "SECRET" not in out
        assert not (tmp_path / "x.db").exists(), "Phantom must not start half-configured"

    async def test_toml_syntax_error(self, tmp_path: Path) -> None:
        config = tmp_path / "broken.toml"
        config.write_text('[[stores]]\nurl = "https://kith.com\n')
        code, out = await _run("serve", "--config", str(config))
        assert code == 2 and "line 2" in out


class TestQuickStart:
    async def test_stores_file_and_webhook(self, tmp_path: Path) -> None:
        async with SimServer(SimConfig(shopify_stores=2, footsites_stores=0, products_per_store=20)) as sim:
            stores = tmp_path / "stores.txt"
            stores.write_text(f"# my stores\n{sim.shop_url('store-0')}\n\n{sim.shop_url('store-1')}/\n")
            port = free_port()
            proc = await asyncio.create_subprocess_exec(
                *PHANTOM,
                "serve",
                "--stores",
                str(stores),
                "--webhook",
                sim.sink_url("quick"),
                "--interval",
                "0.5",
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
                env={
                    **os.environ,
                    "PHANTOM_PORT": str(port),
                    "PHANTOM_DATABASE__URL": f"sqlite+aiosqlite:///{tmp_path / 'q.db'}",
                },
            )
            try:
                for _ in range(300):
                    if await _healthy(port):
                        break
                    await asyncio.sleep(0.1)
                assert await _healthy(port), "PHANTOM_PORT chooses the API port"
                await asyncio.sleep(1.5)  # baseline
                drop = sim.state.shop_drop("store-1", title="Asics Gel-Kayano 14 - Cream")
                await wait_for(lambda: len(embeds(sim, "quick")) == 1, timeout=10, what="quick-start alert")
                assert drop["product"]["handle"] in embeds(sim, "quick")[0]["url"]
                sim.state.shop_sold_out("store-1", drop["product"]["handle"])
                await asyncio.sleep(1.5)
                assert len(embeds(sim, "quick")) == 1, "the quick start does not send sold_out"
            finally:
                proc.send_signal(signal.SIGINT)
                await asyncio.wait_for(proc.wait(), timeout=15)


class TestNotifyTest:
    async def test_sample_reaches_the_sink(self, tmp_path: Path) -> None:
        async with SimServer(SimConfig(shopify_stores=0, footsites_stores=0)) as sim:
            code, out = await _run("notify", "test", "--webhook", sim.sink_url("test"), cwd=tmp_path)
            assert code == 0, out
            assert "sent" in out
            assert len(embeds(sim, "test")) == 1
            assert "Phantom test alert" in embeds(sim, "test")[0]["title"]
