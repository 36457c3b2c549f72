"""In-process event bus: fan-out to bounded subscriber queues. A slow subscriber loses messages; the
publisher (the monitor loop) never waits."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BusMessage:
    topic: str
    payload: object


class InMemoryEventBus:
    def __init__(self, queue_size: int = 1000) -> None:
        self._queue_size = queue_size
        self._subscribers: set[asyncio.Queue[BusMessage]] = set()
        self.dropped = 0

    def publish(self, topic: str, payload: object) -> None:
        message = BusMessage(topic, payload)
        for queue in self._subscribers:
            try:
                queue.put_nowait(message)
            except asyncio.QueueFull:
                self.dropped += 1

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[BusMessage]]:
        queue: asyncio.Queue[BusMessage] = asyncio.Queue(self._queue_size)
        self._subscribers.add(queue)
        try:
            yield queue
        finally:
            self._subscribers.discard(queue)
