"""Delivery to every service Apprise knows (Telegram, Slack, e-mail, ntfy, JSON webhooks, …).

Apprise is blocking (it uses `requests`), so each notification runs in a worker thread with a deadline.
Apprise itself is imported on first use: it loads its plugins at import, which start-up does not need.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import warnings
from dataclasses import dataclass
from types import ModuleType
from typing import Final

import structlog

from phantom.domain.events import StoredEvent
from phantom.domain.notifications import Channel, DeliveryOutcome, DeliveryResult
from phantom.notifications.embeds import render_text

log = structlog.get_logger()

UNSUPPORTED: Final = "unsupported Apprise URL"
_DETAIL_LIMIT: Final = 300


@dataclass(frozen=True, slots=True)
class _Attempt:
    ok: bool
    supported: bool = True
    detail: str = ""


class AppriseNotifier:
    """`Notifier` for `ChannelKind.APPRISE` channels. Apprise reports success or failure, no rate limits."""

    def __init__(self, executor: concurrent.futures.Executor | None = None, *, timeout: float = 30.0) -> None:
        self._executor = executor
        self._timeout = timeout

    async def wait_ready(self, channel: Channel) -> None:
        del channel  # Apprise exposes no rate limits to wait for

    async def send(self, channel: Channel, event: StoredEvent) -> DeliveryResult:
        title, body = render_text(event)
        loop = asyncio.get_running_loop()
        job = loop.run_in_executor(self._executor, self._notify, channel.url, title, body)
        try:
            # Apprise also gets the deadline, so the thread gives up too; the extra second lets it say so.
            attempt = await asyncio.wait_for(job, timeout=self._timeout + 1.0)
        except TimeoutError:
            log.warning("apprise_timeout", channel_id=channel.id, event_id=event.id)
            return DeliveryResult(
                DeliveryOutcome.RETRY, f"Apprise did not finish within {self._timeout:.0f}s"
            )
        if not attempt.supported:
            return DeliveryResult(DeliveryOutcome.REJECTED, UNSUPPORTED)
        log.info("apprise_send_done", channel_id=channel.id, event_id=event.id, ok=attempt.ok)
        if attempt.ok:
            return DeliveryResult.sent()
        return DeliveryResult(DeliveryOutcome.RETRY, attempt.detail or "Apprise reported a failed delivery")

    def _notify(self, url: str, title: str, body: str) -> _Attempt:
        """Runs in a worker thread."""
        apprise = _load_apprise()
        apobj = apprise.Apprise()
        try:
            if not apobj.add(url):
                return _Attempt(ok=False, supported=False)
            result = apobj.notify(title=title, body=body, timeout=self._timeout)
        except Exception as exc:  # thread boundary: a plugin bug must become a result, not a stuck row
            log.exception("apprise_crashed", error=type(exc).__name__)
            return _Attempt(ok=False, detail=f"Apprise failed: {type(exc).__name__}")
        finally:
            apobj.clear()
        if result:
            return _Attempt(ok=True)
        return _Attempt(ok=False, detail=_failure_detail(result))


_load_lock = threading.Lock()


def _load_apprise() -> ModuleType:
    """Import Apprise and its plugins once.

    Its e-mail plugin imports the deprecated `imghdr` module, whose DeprecationWarning would be an error
    wherever warnings are errors (our test suite). It is muted for the import only; the lock keeps two
    threads from loading at once.
    """
    with _load_lock, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import apprise
        from apprise.manager_plugins import NotificationManager

        NotificationManager().load_modules()  # type: ignore[no-untyped-call]  # no-op once loaded
    return apprise


def _failure_detail(result: object) -> str:
    """The messages Apprise logged for this call (URLs in them are in Apprise's privacy form)."""
    logs = getattr(result, "logs", None)
    messages = [str(entry.message) for entry in logs()] if callable(logs) else []
    status = getattr(getattr(result, "status", None), "name", "FAILURE")
    detail = f"Apprise: {status.lower()}"
    if messages:
        detail += ": " + "; ".join(messages[-3:])
    return detail[:_DETAIL_LIMIT]
