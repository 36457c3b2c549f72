"""`phantom serve` shows the URL and the first-run token once; `phantom token rotate` replaces it."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from phantom.adapters.clock import SystemClock
from phantom.adapters.db.engine import create_db_engine, create_session_factory
from phantom.auth.authenticator import TokenAuthenticator
from phantom.auth.store import SqlAuthStore
from tests.e2e.served import free_port

pytestmark = pytest.mark.asyncio
PHANTOM = [sys.executable, "-m", "phantom.cli"]
TOKEN = re.compile(r"phx_[A-Za-z0-9_-]{43}")


def env_for(db: Path, port: int) -> dict[str, str]:
    return {**os.environ, "PHANTOM_DATABASE__URL": f"sqlite+aiosqlite:///{db}", "PHANTOM_PORT": str(port)}


async def serve_once(db: Path, cwd: Path) -> str:
    """Start `phantom serve`, wait until it answers, stop it with SIGINT; everything it printed."""
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        *PHANTOM,
        "serve",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        env=env_for(db, port),
        cwd=cwd,
    )
    healthy = False

    async def poll() -> None:
        nonlocal healthy
        try:
            async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/health") as r:
                healthy = r.status == 200
        except aiohttp.ClientError:
            pass

    try:
        for _ in range(300):
            await poll()
            if healthy:
                break
            await asyncio.sleep(0.1)
        assert healthy, "phantom serve did not come up"
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = await asyncio.wait_for(proc.communicate(), timeout=30)
    return out.decode()


async def valid(db: Path, token: str) -> bool:
    engine = create_db_engine(f"sqlite+aiosqlite:///{db}")
    try:
        auth = TokenAuthenticator(SqlAuthStore(create_session_factory(engine)), SystemClock())
        return await auth.authenticate_bearer(token) is not None
    finally:
        await engine.dispose()


class TestTokenCli:
    async def test_first_start_prints_the_token_once_and_rotate_replaces_it(self, tmp_path: Path) -> None:
        db = tmp_path / "cli.db"
        first = await serve_once(db, tmp_path)
        assert "Phantom serving on http://127.0.0.1:" in first
        tokens = TOKEN.findall(first)
        assert len(tokens) == 1, first
        again = await serve_once(db, tmp_path)
        assert TOKEN.findall(again) == [], "the token is shown only on the first start"

        proc = await asyncio.create_subprocess_exec(
            *PHANTOM,
            "token",
            "rotate",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env_for(db, free_port()),
            cwd=tmp_path,
        )
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
        assert proc.returncode == 0, err.decode()
        new = out.decode().strip()
        assert TOKEN.fullmatch(new) and new != tokens[0]
        assert "every dashboard session has ended" in err.decode()
        assert await valid(db, new) and not await valid(db, tokens[0])
