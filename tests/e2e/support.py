"""Helpers for end-to-end tests: run the real engine against the simulated store on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from phantom.core.settings import DatabaseSettings, MonitorSettings, NotificationConfig, Settings, StoreConfig
from phantom.sim.server import SimServer


def engine_settings(
    sim: SimServer,
    db: Path,
    *,
    shops: list[str],
    interval: float = 0.5,
    sink: str = "alerts",
    events: list[str] | None = None,
    footsites: dict[str, list[str]] | None = None,
    **notification: Any,
) -> Settings:
    stores = [StoreConfig(url=sim.shop_url(name), interval=interval) for name in shops]
    for name, skus in (footsites or {}).items():
        stores.append(
            StoreConfig(url=sim.footsites_url(name), platform="footsites", skus=skus, interval=interval)
        )  # type: ignore[arg-type]
    channel: dict[str, Any] = {"kind": "discord", "url": sim.sink_url(sink), **notification}
    if events is not None:
        channel["events"] = events
    return Settings(
        database=DatabaseSettings(url=f"sqlite+aiosqlite:///{db}"),
        monitor=MonitorSettings(limit_per_host=32, jitter=0.0),
        stores=stores,
        notifications=[NotificationConfig.model_validate(channel)],
    )


async def wait_for(predicate: Callable[[], bool], *, timeout: float = 10.0, what: str = "condition") -> float:
    """Poll a condition every 20 ms; returns the seconds it took, fails the test on time-out."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.02)
    return time.monotonic() - start


def embeds(sim: SimServer, sink: str = "alerts") -> list[dict[str, Any]]:
    """Every embed the sink recorded, in arrival order."""
    out: list[dict[str, Any]] = []
    for message in sim.state.sink(sink).messages:
        out.extend(message["body"].get("embeds", []))
    return out


def embed_text(embed: dict[str, Any]) -> str:
    parts = [embed.get("title", ""), embed.get("description", ""), embed.get("url", "")]
    parts += [f"{f.get('name', '')} {f.get('value', '')}" for f in embed.get("fields", [])]
    parts.append(embed.get("footer", {}).get("text", ""))
    return "\n".join(str(p) for p in parts)


def free_port() -> int:
    """A port on 127.0.0.1 that was free a moment ago (for servers the test starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
