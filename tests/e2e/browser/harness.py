"""What the browser tests run against: the sim in a thread of this process, `phantom serve` as a subprocess,
and the built dashboard it serves.

The sim gets its own event loop in a daemon thread so it keeps answering the backend's polls while the test
thread blocks in Playwright's sync API; every change to its state runs on that loop (`SimThread.call`).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from phantom.sim.server import SimConfig, SimServer

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[3]
FRONTEND = REPO / "frontend"
DIST_INDEX = FRONTEND / "dist" / "index.html"
ARTIFACTS = FRONTEND / "e2e-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
# FIELD-NOTES "Browser tests": without the background-networking flags Chromium keeps calling outside hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TOKEN_LINE = re.compile(r"First start: access token\s+(phx_\S+)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(predicate: Callable[[], bool], *, timeout: float, what: str, every: float = 0.1) -> None:
    """Poll `predicate` until it holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(every)


# -- the dashboard build ---------------------------------------------------------------------------


def _dashboard_sources() -> list[Path]:
    sources = [p for p in (FRONTEND / "src").rglob("*") if p.is_file() and ".test." not in p.name]
    extra = ["index.html", "vite.config.ts", "tsconfig.json", "package-lock.json"]
    return sources + [FRONTEND / name for name in extra if (FRONTEND / name).is_file()]


def dashboard_is_current() -> bool:
    """`frontend/dist` exists and is newer than every source the build reads (as `make frontend-build`)."""
    if not DIST_INDEX.is_file():
        return False
    built = DIST_INDEX.stat().st_mtime
    return all(p.stat().st_mtime <= built for p in _dashboard_sources())


def build_dashboard() -> None:
    """Build `frontend/dist` the way `make frontend-build` does; fail with the output when that is not possible."""
    npm = shutil.which("npm")
    if npm is None:
        raise AssertionError(
            "frontend/dist is missing or stale and npm is not installed: run `make frontend-build`"
        )
    steps = [] if (FRONTEND / "node_modules").is_dir() else [[npm, "ci", "--no-audit", "--no-fund"]]
    steps.append([npm, "run", "--silent", "build"])
    for cmd in steps:
        done = subprocess.run(cmd, cwd=FRONTEND, capture_output=True, text=True, timeout=300, check=False)
        if done.returncode != 0:
            raise AssertionError(
                f"`{' '.join(cmd[1:])}` in frontend/ failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"
            )
    if not DIST_INDEX.is_file():
        raise AssertionError("the dashboard build finished without frontend/dist/index.html")


# -- the simulated store ---------------------------------------------------------------------------


class SimThread:
    """A `SimServer` on its own event loop in a daemon thread."""

    def __init__(self, config: SimConfig) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="sim", daemon=True)
        self.server = SimServer(config)

    def start(self) -> SimThread:
        self._thread.start()
        self._run(self.server.__aenter__())
        return self

    def stop(self) -> None:
        try:
            self._run(self.server.__aexit__(None, None, None))
            self._run(self._loop.shutdown_asyncgens())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop.close()

    def _run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=15)

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn` on the sim's loop (where its state lives) and return what it returns."""

        async def run() -> T:
            return fn(*args, **kwargs)

        return self._run(run())

    def shop_url(self, name: str) -> str:
        return self.server.shop_url(name)

    def sink_url(self, name: str) -> str:
        return self.server.sink_url(name)

    def sink_messages(self, name: str) -> list[dict[str, Any]]:
        return self.call(lambda: list(self.server.state.sink(name).messages))


# -- the backend -----------------------------------------------------------------------------------


@dataclass
class Backend:
    """`phantom serve` in a subprocess, with the access token it printed on first start."""

    url: str
    token: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def stop(self) -> int:
        """SIGINT (as Ctrl-C), then kill after 15 s; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        return int(self.process.returncode)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=1) as r:
            return bool(r.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def start_backend(workdir: Path, log: Path) -> Backend:
    """Run `python -m phantom.cli serve` on a free port with SQLite in `workdir`; wait until it answers."""
    config = workdir / "phantom.toml"
    config.write_text(
        f'log_level = "info"\nlog_json = true\n\n[database]\nurl = "sqlite+aiosqlite:///{workdir / "phantom.db"}"\n\n'
        "[monitor]\njitter = 0.0\n",
        encoding="utf-8",
    )
    port = free_port()
    # Only this test's configuration: no PHANTOM_* variable of the caller leaks in.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PHANTOM_")}
    cmd = [sys.executable, "-m", "phantom.cli", "serve", "--config", str(config), "--port", str(port)]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=workdir, env=env)
    backend = Backend(url=f"http://127.0.0.1:{port}", token="", process=process, log=log)
    try:
        wait_until(
            lambda: process.poll() is not None or _healthy(backend.url), timeout=30, what="phantom serve"
        )
        if process.poll() is not None:
            raise AssertionError(f"phantom serve exited with {process.returncode}:\n{backend.log_tail()}")
        found = TOKEN_LINE.search(backend.log_tail(1_000_000))
        if found is None:
            raise AssertionError(f"phantom serve printed no first-run access token:\n{backend.log_tail()}")
        backend.token = found.group(1)
    except BaseException:
        backend.stop()
        raise
    return backend
