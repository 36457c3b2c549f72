"""`/ws`: the live feed. Authenticated and origin-checked before the handshake is accepted; then events,
store health changes and delivery results as small typed JSON messages (api/live_schemas.py), and a ping.

A client that cannot keep up is dropped (close code 1013) once `ws_queue` messages wait for it: the engine
publishes without ever waiting for a socket.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

import structlog
from fastapi import APIRouter, FastAPI, WebSocket

from phantom.api.deps import WebConfig, credentials_of
from phantom.api.live_schemas import PING, message_of
from phantom.domain.auth import origin_allowed
from phantom.domain.errors import DomainError
from phantom.domain.ports import FeedQueue
from phantom.services import auth as auth_service
from phantom.services.context import ServiceContext

log = structlog.get_logger()

router = APIRouter(tags=["live"])

TRY_AGAIN_LATER = 1013
POLICY_VIOLATION = 1008


@dataclass(slots=True)
class LiveStats:
    connected: int = 0
    accepted: int = 0
    refused: int = 0
    dropped: int = 0  # too slow: their queue filled up


def live_stats(app: FastAPI) -> LiveStats:
    stats: LiveStats | None = getattr(app.state, "live_stats", None)
    if stats is None:
        stats = app.state.live_stats = LiveStats()
    return stats


@router.websocket("/ws", name="live")
async def live(websocket: WebSocket) -> None:
    services: ServiceContext = websocket.app.state.services
    config: WebConfig = getattr(websocket.app.state, "web", None) or WebConfig()
    stats = live_stats(websocket.app)
    if not await _allowed(websocket, services, config):
        stats.refused += 1
        await websocket.close(code=POLICY_VIOLATION)  # before accept: the server answers HTTP 403
        return
    async with services.feed.subscribe() as feed:
        await websocket.accept()
        stats.accepted += 1
        stats.connected += 1
        try:
            too_slow = await _serve(websocket, feed, config)
        finally:
            stats.connected -= 1
    if too_slow:  # unsubscribed above: nothing more piles up for it while we say goodbye
        stats.dropped += 1
        log.warning("ws_client_dropped", reason="too slow", queue=config.ws_queue)
        # A client that reads nothing may never take the close frame either: give up after a while.
        with contextlib.suppress(Exception):
            await asyncio.wait_for(websocket.close(code=TRY_AGAIN_LATER), config.ws_close_timeout)


async def _allowed(websocket: WebSocket, services: ServiceContext, config: WebConfig) -> bool:
    scheme = "https" if websocket.url.scheme == "wss" else "http"
    own = f"{scheme}://{websocket.headers.get('host', '')}"
    if not origin_allowed(websocket.headers.get("origin"), own, config.allowed_origins):
        return False
    creds = credentials_of(websocket.headers, websocket.cookies)
    try:
        await auth_service.authenticate(creds, "GET", authenticator=services.auth)
    except DomainError:
        return False
    return True


async def _serve(websocket: WebSocket, feed: FeedQueue, config: WebConfig) -> bool:
    """Pump the feed to one client until it leaves (False) or falls `ws_queue` messages behind (True)."""
    outbox: asyncio.Queue[str] = asyncio.Queue(config.ws_queue)
    overflow = asyncio.Event()

    def offer(text: str) -> None:
        try:
            outbox.put_nowait(text)
        except asyncio.QueueFull:
            overflow.set()

    async def pump() -> None:
        while not overflow.is_set():
            message = await feed.get()
            text = message_of(message.topic, message.payload)
            if text is not None:
                offer(text)

    async def heartbeat() -> None:
        while not overflow.is_set():
            await asyncio.sleep(config.ws_heartbeat)
            offer(PING)

    async def send() -> None:
        while True:
            await websocket.send_text(await outbox.get())

    async def receive() -> None:
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass  # the client has nothing to say; reading notices when it leaves

    tasks = [asyncio.create_task(c) for c in (pump(), heartbeat(), send(), receive())]
    dropped = asyncio.create_task(overflow.wait())
    try:
        await asyncio.wait([*tasks, dropped], return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in [*tasks, dropped]:
            task.cancel()
        await asyncio.gather(*tasks, dropped, return_exceptions=True)
    return overflow.is_set()
