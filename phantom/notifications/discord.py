"""Discord webhook delivery that follows Discord's rate-limit contract.

- Per webhook: `X-RateLimit-Remaining` / `X-RateLimit-Reset-After` on every reply. When a bucket is empty,
  the next send to that webhook waits for the reset (inside `send`, up to `max_wait`; beyond that it
  returns RETRY with `retry_after` and the outbox schedules the attempt).
- `429`: `retry_after` from the JSON body (else the `Retry-After` header) comes back as RETRY; with
  `"global": true` every webhook pauses until it expires.
- `401`/`404`: the webhook is gone. Keep sending and Discord counts it toward its invalid-request ban.

Sends to one webhook are serialised (one lock per bucket), so each request sees the headers of the one
before it. The webhook URL carries its token: logs only ever show `redact_webhook_url(url)`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import aiohttp
import orjson
import structlog
from yarl import URL

from phantom.domain.events import StoredEvent
from phantom.domain.notifications import Channel, DeliveryOutcome, DeliveryResult
from phantom.notifications.embeds import build_discord_payload

log = structlog.get_logger()

RESET_MARGIN: Final = 0.02  # seconds added to Discord's reset: its figure is rounded to the millisecond
_READY_ROUNDS: Final = 20  # wait_ready re-checks this often at most (limits can be extended meanwhile)
_DETAIL_LIMIT: Final = 300


def redact_webhook_url(url: str) -> str:
    """`https://discord.com/api/webhooks/123/abc` -> `https://discord.com/api/webhooks/123/***`.

    Keeps what identifies the webhook (host and id) and masks the token; anything unrecognised keeps only
    the scheme and host.
    """
    try:
        parsed = URL(url)
    except (ValueError, TypeError):
        return "***"
    origin = f"{parsed.scheme}://{parsed.raw_host or ''}{f':{parsed.port}' if parsed.explicit_port else ''}"
    parts = parsed.raw_path.split("/")
    if "webhooks" in parts:
        at = parts.index("webhooks")
        if at + 1 < len(parts):
            return f"{origin}{'/'.join(parts[: at + 2])}/***"
    return f"{origin}/***"


@dataclass(slots=True)
class _Bucket:
    remaining: int | None = None
    reset_at: float = 0.0  # monotonic time the bucket refills


class DiscordNotifier:
    """`Notifier` for `ChannelKind.DISCORD` channels; one per process, sharing the process's HTTP session."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        clock_monotonic: Callable[[], float] = time.monotonic,
        max_wait: float = 30.0,
        timeout: float = 10.0,
        dashboard_url: str | None = None,
    ) -> None:
        self._session = session
        self._dashboard_url = dashboard_url  # for the quick-task links in embeds
        self._now = clock_monotonic
        self._max_wait = max_wait
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._buckets: dict[str, _Bucket] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._global_until = 0.0

    def delay_for(self, channel: Channel) -> float:
        """Seconds until known limits (this webhook's bucket, a global pause) allow a send; 0 when now."""
        now = self._now()
        wait = self._global_until - now
        bucket = self._buckets.get(_bucket_key(channel.url))
        if bucket is not None and bucket.remaining == 0:
            wait = max(wait, bucket.reset_at - now)
        return max(wait, 0.0)

    async def wait_ready(self, channel: Channel) -> None:
        for _ in range(_READY_ROUNDS):
            delay = self.delay_for(channel)
            if delay <= 0:
                return
            await asyncio.sleep(delay)

    async def send(self, channel: Channel, event: StoredEvent) -> DeliveryResult:
        key = _bucket_key(channel.url)
        lock = self._locks.setdefault(key, asyncio.Lock())
        async with lock:
            for _ in range(_READY_ROUNDS):
                delay = self.delay_for(channel)
                if delay <= 0:
                    break
                if delay > self._max_wait:
                    return DeliveryResult(
                        DeliveryOutcome.RETRY, f"rate limited for {delay:.1f}s more", retry_after=delay
                    )
                await asyncio.sleep(delay)
            return await self._post(channel, event)

    async def _post(self, channel: Channel, event: StoredEvent) -> DeliveryResult:
        webhook = redact_webhook_url(channel.url)
        try:
            body = orjson.dumps(build_discord_payload(event, dashboard_url=self._dashboard_url))
        except TypeError as exc:  # orjson.JSONEncodeError: a string it cannot encode
            return DeliveryResult(DeliveryOutcome.REJECTED, f"could not encode the message: {exc}")
        started = self._now()
        try:
            async with self._session.post(
                webhook_send_url(channel.url),
                data=body,
                headers={"Content-Type": "application/json"},
                timeout=self._timeout,
                allow_redirects=False,
            ) as resp:
                raw = await resp.read()
                status, headers = resp.status, resp.headers
        except TimeoutError:
            log.warning("discord_send_timeout", webhook=webhook, event_id=event.id)
            return DeliveryResult(DeliveryOutcome.RETRY, "Discord did not answer in time")
        except aiohttp.ClientError as exc:
            log.warning("discord_send_failed", webhook=webhook, event_id=event.id, error=type(exc).__name__)
            return DeliveryResult(DeliveryOutcome.RETRY, f"connection error: {type(exc).__name__}")
        key = _bucket_key(channel.url)
        self._track(key, headers)
        result = self._interpret(key, status, headers, raw)
        fields = {"webhook": webhook, "event_id": event.id, "status": status, "outcome": result.outcome.value}
        if result.outcome is DeliveryOutcome.SENT:
            log.info("discord_sent", **fields, seconds=round(self._now() - started, 3))
        else:
            log.warning("discord_not_sent", **fields, detail=result.detail, retry_after=result.retry_after)
        return result

    def _track(self, key: str, headers: Mapping[str, str]) -> None:
        remaining = _float(headers.get("X-RateLimit-Remaining"))
        reset_after = _float(headers.get("X-RateLimit-Reset-After"))
        if remaining is None or reset_after is None:
            return
        self._buckets[key] = _Bucket(int(remaining), self._now() + reset_after + RESET_MARGIN)

    def _interpret(self, key: str, status: int, headers: Mapping[str, str], raw: bytes) -> DeliveryResult:
        if status in (200, 204):
            message_id = _json(raw).get("id")
            return DeliveryResult(DeliveryOutcome.SENT, f"message {message_id}" if message_id else "")
        if status == 429:
            return self._rate_limited(key, headers, _json(raw))
        if status in (401, 404):
            return DeliveryResult(
                DeliveryOutcome.CHANNEL_GONE, f"webhook deleted or token invalid ({status})"
            )
        if status >= 500:
            return DeliveryResult(DeliveryOutcome.RETRY, f"Discord server error ({status})")
        return DeliveryResult(DeliveryOutcome.REJECTED, _rejection(status, _json(raw)))

    def _rate_limited(self, key: str, headers: Mapping[str, str], body: dict[str, Any]) -> DeliveryResult:
        retry_after = _float(body.get("retry_after"))
        if retry_after is None:
            retry_after = _float(headers.get("Retry-After"))
        is_global = body.get("global") is True or headers.get("X-RateLimit-Global", "").lower() == "true"
        if retry_after is not None:
            until = self._now() + retry_after + RESET_MARGIN
            if is_global:
                self._global_until = max(self._global_until, until)
            else:
                bucket = self._buckets.setdefault(key, _Bucket())
                # An empty bucket's own reset may be later; a non-empty one's reset is beside the point.
                bucket.reset_at = max(bucket.reset_at, until) if bucket.remaining == 0 else until
                bucket.remaining = 0
        scope = "global" if is_global else "webhook"
        return DeliveryResult(
            DeliveryOutcome.RETRY, f"rate limited by Discord ({scope})", retry_after=retry_after
        )


def _bucket_key(url: str) -> str:
    """One bucket per webhook: the URL without its query (`?thread_id=` posts share the webhook's bucket)."""
    return url.split("?", 1)[0].split("#", 1)[0].rstrip("/")


def webhook_send_url(url: str) -> URL:
    """The webhook URL with `wait=true` (Discord then answers with the message), keeping its query."""
    return URL(url, encoded=True).update_query(wait="true")


def _float(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if number >= 0 and number != float("inf") else None


def _json(raw: bytes) -> dict[str, Any]:
    try:
        data = orjson.loads(raw) if raw else {}
    except orjson.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def _rejection(status: int, body: dict[str, Any]) -> str:
    message = str(body.get("message") or "no message")
    code = body.get("code")
    detail = f"Discord rejected the message ({status}): {message}"
    if code is not None:
        detail += f" (code {code})"
    errors = body.get("errors")
    if errors:
        detail += f" {orjson.dumps(errors).decode()}"
    return detail[:_DETAIL_LIMIT]
