import asyncio
import signal
import sys
from pathlib import Path

import aiohttp

from tests.integration.sim.client import get_json

ROOT = Path(__file__).parents[3]


async def test_python_m_phantom_sim_serves_and_stops_on_sigterm(http: aiohttp.ClientSession) -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "phantom.sim", "--port", "0", "--stores", "2", "--products", "12",
        cwd=ROOT, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None
    try:
        first = (await asyncio.wait_for(proc.stdout.readline(), 10)).decode()
        base = first.split()[-1]
        assert base.startswith("http://127.0.0.1:")
        lines = [(await asyncio.wait_for(proc.stdout.readline(), 5)).decode() for _ in range(3)]
        assert f"{base}/shop/store-1/products.json" in lines[2]
        status, body = await get_json(http, f"{base}/shop/store-1/products.json")
        assert status == 200
        assert len(body["products"]) == 12
    finally:
        proc.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(proc.wait(), 10) == 0
