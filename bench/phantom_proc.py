"""Phantom under test: its generated TOML config, its start command and its readiness checks."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import aiohttp

ALL_KINDS = (
    "new_product",
    "new_variant",
    "restock",
    "sold_out",
    "price_change",
    "password_up",
    "password_down",
)
_POLLS = re.compile(r"^phantom_polls_total\{[^}]*\}\s+([0-9.eE+]+)$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class PhantomConfig:
    stores: Sequence[tuple[str, str]]  # (name, base URL)
    sink_url: str
    db_path: Path
    data_dir: Path
    interval: float = 2.0
    events: Sequence[str] = ALL_KINDS
    keywords: str | None = None
    log_level: str = "info"
    extra_toml: str = ""  # appended as is (e.g. a `[checkout]` section)

    def toml(self) -> str:
        """The config file. Strings go through JSON quoting, which is valid TOML for these values."""
        q = json.dumps
        # Every store lives on one 127.0.0.1:port, so the per-host cap is the whole pool.
        pool = max(100, min(len(self.stores), 1000))
        lines = [
            f"log_level = {q(self.log_level)}",
            "log_json = true",
            f"data_dir = {q(str(self.data_dir))}",
            "",
            "[database]",
            f"url = {q('sqlite+aiosqlite:///' + str(self.db_path))}",
            "",
            "[monitor]",
            f"connection_limit = {pool}",
            f"limit_per_host = {pool}",
        ]
        for name, url in self.stores:
            lines += ["", "[[stores]]", f"url = {q(url)}", f"name = {q(name)}", f"interval = {self.interval}"]
        lines += [
            "",
            "[[notifications]]",
            'kind = "discord"',
            f"url = {q(self.sink_url)}",
            'name = "bench"',
            f"events = [{', '.join(q(e) for e in self.events)}]",
        ]
        if self.keywords:
            lines.append(f"keywords = {q(self.keywords)}")
        if self.extra_toml:
            lines += ["", self.extra_toml.rstrip("\n")]
        return "\n".join(lines) + "\n"


def serve_argv(config_path: Path, port: int) -> list[str]:
    return ["-m", "phantom.cli", "serve", "--config", str(config_path), "--port", str(port)]


_TOKEN = re.compile(r"access token\s+(phx_[A-Za-z0-9_-]+)")


def first_run_token(log_text: str) -> str | None:
    """The admin token Phantom prints once on its first start (the API needs it for /metrics)."""
    found = _TOKEN.search(log_text)
    return found.group(1) if found else None


def polls_total(metrics_text: str) -> float:
    """Sum of `phantom_polls_total` over every outcome."""
    return sum(float(v) for v in _POLLS.findall(metrics_text))


async def wait_ready(
    session: aiohttp.ClientSession,
    base_url: str,
    *,
    stores: int,
    max_wait: float,
    alive: Callable[[], bool] | None = None,
    token: Callable[[], str | None] | None = None,
) -> float:
    """Wait until /health answers and at least `stores` polls are counted (every store has its baseline).

    Returns the seconds it took; raises TimeoutError after `max_wait`.
    """
    loop = asyncio.get_running_loop()
    started = loop.time()
    while loop.time() - started < max_wait:
        if alive is not None and not alive():
            raise RuntimeError("phantom exited during start-up")
        bearer = token() if token is not None else None
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        try:
            async with session.get(f"{base_url}/metrics", headers=headers) as resp:
                if resp.status == 200 and polls_total(await resp.text()) >= stores:
                    return loop.time() - started
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.25)
    raise TimeoutError(f"phantom not ready after {max_wait:.0f}s")
