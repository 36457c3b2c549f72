"""Helpers for the task, rule and inbound-webhook end-to-end tests."""

from __future__ import annotations

import dataclasses
from typing import Any

import aiohttp

from phantom.core.engine import Engine
from phantom.core.settings import Settings
from phantom.services.context import ServiceContext
from tests.e2e.served import Served
from tests.fakes import FakeTaskControl


class RecordingEngine(Engine):
    """The real engine and database with a recording task runner: starting a task through the API puts it
    in WAITING and asks the runner to run it, and these tests check exactly that, with nothing carting in
    the background. `monitor` keeps the stores polled (the rules tests want real events)."""

    def __init__(self, settings: Settings, *, monitor: bool = False) -> None:
        super().__init__(settings)
        self.control = FakeTaskControl()
        self._monitor = monitor

    async def start(self, *, migrate: bool = True, monitor: bool = True) -> ServiceContext:
        del monitor
        services = await super().start(migrate=migrate, monitor=self._monitor)
        self.services = dataclasses.replace(services, tasks=self.control)
        return self.services


async def call(
    http: aiohttp.ClientSession, served: Served, method: str, path: str, body: Any = None, **params: Any
) -> tuple[int, Any]:
    """One request; (status, decoded JSON body or None for an empty one)."""
    query = {k: str(v) for k, v in params.items()}
    async with http.request(method, served.url + path, json=body, params=query) as r:
        text = await r.text()
        return r.status, (await r.json(content_type=None)) if text else None
