"""Best-effort desktop notifications through `notify-send` (libnotify).

Headless machines have no notification server, and libraries that pretend otherwise report success for
nothing (FIELD-NOTES). So this says plainly when it is unavailable; the dashboard's browser notifications
cover the rest.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from typing import Final

import structlog

from phantom.domain.events import StoredEvent
from phantom.domain.notifications import DeliveryOutcome, DeliveryResult
from phantom.notifications.embeds import render_text, truncate

log = structlog.get_logger()

APP_NAME: Final = "Phantom"
_BODY_LIMIT: Final = 1000


class DesktopNotifier:
    def __init__(self, *, which: Callable[[str], str | None] = shutil.which, timeout: float = 2.0) -> None:
        self._binary = which("notify-send")
        self._timeout = timeout

    @property
    def available(self) -> bool:
        return self._binary is not None

    def command(self, title: str, body: str) -> list[str]:
        """argv for one notification; `--` so a title starting with "-" is not read as an option."""
        binary = self._binary or "notify-send"
        return [binary, f"--app-name={APP_NAME}", "--", truncate(title, 200), truncate(body, _BODY_LIMIT)]

    async def notify_event(self, event: StoredEvent) -> DeliveryResult:
        title, body = render_text(event)
        return await self.notify(title, body)

    async def notify(self, title: str, body: str) -> DeliveryResult:
        if self._binary is None:
            return DeliveryResult(
                DeliveryOutcome.REJECTED, "desktop notifications unavailable: no notify-send"
            )
        try:
            proc = await asyncio.create_subprocess_exec(
                *self.command(title, body),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
        except OSError as exc:
            return DeliveryResult(DeliveryOutcome.REJECTED, f"notify-send could not start: {exc}")
        try:
            _, err = await asyncio.wait_for(proc.communicate(), timeout=self._timeout)
        except TimeoutError:
            proc.kill()
            await proc.wait()
            return DeliveryResult(DeliveryOutcome.RETRY, "notify-send timed out (no notification server?)")
        if proc.returncode != 0:
            detail = err.decode(errors="replace").strip()[:200]
            log.info("desktop_notification_failed", returncode=proc.returncode)
            return DeliveryResult(DeliveryOutcome.REJECTED, f"notify-send failed: {detail}")
        return DeliveryResult.sent()
