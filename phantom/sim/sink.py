"""A Discord-like webhook sink: rate-limit bucket, embed validation, fault modes, recorded messages."""

from __future__ import annotations

import hashlib
import math
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import orjson

from phantom.sim.errors import SimError

MODES = frozenset({"none", "429", "global429", "404", "401", "500", "slow"})
DISCORD_EPOCH_MS = 1_420_070_400_000
LIMITS = {
    "title": 256,
    "description": 4096,
    "fields": 25,
    "name": 256,
    "value": 1024,
    "footer": 2048,
    "author": 256,
}
MAX_EMBEDS, MAX_TOTAL, MAX_CONTENT, MAX_USERNAME = 10, 6000, 2000, 80
JSON_HEADERS = {"Content-Type": "application/json"}


@dataclass(frozen=True, slots=True)
class SinkReply:
    status: int
    body: bytes
    headers: dict[str, str]
    delay: float = 0.0


def _json(status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> SinkReply:
    return SinkReply(status, orjson.dumps(payload), {**JSON_HEADERS, **(headers or {})})


def _too_long(errors: list[tuple[str, str]], path: str, value: Any, limit: int) -> int:
    text = value if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        errors.append((path, "Must be a string."))
    elif len(text) > limit:
        errors.append((path, f"Must be {limit} or fewer in length."))
    return len(text)


def _check_embed(embed: Any, i: int, errors: list[tuple[str, str]]) -> int:
    """Validate one embed; returns the characters it counts toward the 6,000 total."""
    if not isinstance(embed, dict):
        errors.append((f"embeds.{i}", "Must be an object."))
        return 0
    total = _too_long(errors, f"embeds.{i}.title", embed.get("title"), LIMITS["title"])
    total += _too_long(errors, f"embeds.{i}.description", embed.get("description"), LIMITS["description"])
    footer, author = embed.get("footer") or {}, embed.get("author") or {}
    total += _too_long(errors, f"embeds.{i}.footer.text", footer.get("text"), LIMITS["footer"])
    total += _too_long(errors, f"embeds.{i}.author.name", author.get("name"), LIMITS["author"])
    fields = embed.get("fields") or []
    if not isinstance(fields, list) or len(fields) > LIMITS["fields"]:
        errors.append((f"embeds.{i}.fields", f"Must be {LIMITS['fields']} or fewer in length."))
        return total
    for j, fld in enumerate(fields):
        for key in ("name", "value"):
            value = fld.get(key) if isinstance(fld, dict) else None
            path = f"embeds.{i}.fields.{j}.{key}"
            if not value:
                errors.append((path, "This field is required"))
            total += _too_long(errors, path, value, LIMITS[key])
    return total


def validate_discord(body: Any) -> list[tuple[str, str]]:
    """Discord's limits for an execute-webhook body, as (path, message) pairs; empty when valid."""
    if not isinstance(body, dict):
        return [("_root", "Must be an object.")]
    errors: list[tuple[str, str]] = []
    _too_long(errors, "content", body.get("content"), MAX_CONTENT)
    _too_long(errors, "username", body.get("username"), MAX_USERNAME)
    embeds = body.get("embeds") or []
    if not isinstance(embeds, list) or len(embeds) > MAX_EMBEDS:
        return [*errors, ("embeds", f"Must be {MAX_EMBEDS} or fewer in length.")]
    total = sum(_check_embed(e, i, errors) for i, e in enumerate(embeds))
    if total > MAX_TOTAL:
        errors.append(("embeds", f"Embed size exceeds maximum size of {MAX_TOTAL}"))
    return errors


def _nest(errors: list[tuple[str, str]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for path, message in errors:
        node = root
        for part in path.split("."):
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": "BASE_TYPE_INVALID", "message": message})
    return root


@dataclass
class Sink:
    """One webhook sink: its bucket, its fault mode and what it recorded."""

    name: str
    limit: int
    window: float
    log_size: int = 5_000
    mode: str = "none"
    remaining_faults: int | None = None
    retry_after: float = 1.0
    delay: float = 1.0
    messages: list[dict[str, Any]] = field(default_factory=list)
    requests: deque[tuple[float, str, int]] = field(init=False)
    _window_start: float = 0.0
    _used: int = 0
    _seq: int = 0

    def __post_init__(self) -> None:
        self.requests = deque(maxlen=self.log_size)
        self.bucket = hashlib.blake2b(self.name.encode(), digest_size=16).hexdigest()

    def configure(self, body: dict[str, Any]) -> dict[str, Any]:
        mode = body.get("mode", self.mode)
        if mode not in MODES:
            raise SimError(400, f"unknown sink mode {mode!r}; one of {sorted(MODES)}")
        self.mode = mode
        self.remaining_faults = body.get("count")
        self.retry_after = float(body.get("retry_after", 1.0))
        self.delay = float(body.get("delay", 1.0))
        if "limit" in body:
            self.limit = int(body["limit"])
        if "window" in body:
            self.window = float(body["window"])
        return {"name": self.name, "mode": self.mode, "limit": self.limit, "window": self.window}

    def _take_fault(self) -> str:
        mode = self.mode
        if mode != "none" and self.remaining_faults is not None:
            self.remaining_faults -= 1
            if self.remaining_faults <= 0:
                self.mode, self.remaining_faults = "none", None
        return mode

    def _rate_headers(self, now: float) -> dict[str, str]:
        reset_after = max(0.0, self._window_start + self.window - now)
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(0, self.limit - self._used)),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": self.bucket,
        }

    def _limited(self, retry_after: float, is_global: bool, headers: dict[str, str]) -> SinkReply:
        extra = {
            "Retry-After": str(math.ceil(retry_after)),
            "X-RateLimit-Scope": "global" if is_global else "user",
        }
        if is_global:
            extra["X-RateLimit-Global"] = "true"
        body = {
            "message": "You are being rate limited.",
            "retry_after": round(retry_after, 3),
            "global": is_global,
        }
        return _json(429, body, {**headers, **extra})

    def _fault_reply(self, mode: str, headers: dict[str, str]) -> SinkReply | None:
        if mode in ("429", "global429"):
            return self._limited(self.retry_after, mode == "global429", headers)
        if mode == "404":
            return _json(404, {"message": "Unknown Webhook", "code": 10015}, headers)
        if mode == "401":
            return _json(401, {"message": "Invalid Webhook Token", "code": 50027}, headers)
        if mode == "500":
            return _json(500, {"message": "500: Internal Server Error", "code": 0}, headers)
        return None

    def post(self, raw: bytes, query: dict[str, str], path: str) -> SinkReply:
        """Handle one execute-webhook request (the caller sleeps `delay` for slow mode)."""
        now = time.monotonic()
        if now >= self._window_start + self.window:
            self._window_start, self._used = now, 0
        mode = self._take_fault()
        fault = self._fault_reply(mode, self._rate_headers(now))
        if fault is not None:
            return self._log(path, fault)
        if self._used >= self.limit:
            reply = self._limited(self._window_start + self.window - now, False, self._rate_headers(now))
            return self._log(path, reply)
        self._used += 1
        reply = self._accept(raw, query, self._rate_headers(now))
        if mode == "slow":
            reply = SinkReply(reply.status, reply.body, reply.headers, self.delay)
        return self._log(path, reply)

    def _accept(self, raw: bytes, query: dict[str, str], headers: dict[str, str]) -> SinkReply:
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return _json(400, {"code": 50109, "message": "The request body contains invalid JSON."}, headers)
        errors = validate_discord(body)
        if errors:
            return _json(
                400, {"code": 50035, "errors": _nest(errors), "message": "Invalid Form Body"}, headers
            )
        if not body.get("content") and not body.get("embeds"):
            return _json(400, {"code": 50006, "message": "Cannot send an empty message"}, headers)
        msg_id = self._record(body, query)
        if query.get("wait", "").lower() not in ("true", "1"):
            return SinkReply(204, b"", headers)
        message = {
            "id": msg_id,
            "type": 0,
            "content": body.get("content") or "",
            "channel_id": str(int(self.bucket[:12], 16)),
            "author": {
                "id": str(int(self.bucket[12:24], 16)),
                "username": body.get("username") or "Phantom",
                "bot": True,
            },
            "embeds": body.get("embeds") or [],
            "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
            "webhook_id": str(int(self.bucket[:14], 16)),
        }
        return _json(200, message, headers)

    def post_raw(self, raw: bytes, query: dict[str, str], path: str) -> SinkReply:
        """A generic JSON/text endpoint (for Apprise `json://`): fault modes apply, no Discord bucket."""
        mode = self._take_fault()
        fault = self._fault_reply(mode, {})
        if fault is not None:
            return self._log(path, fault)
        try:
            body: Any = orjson.loads(raw)
        except orjson.JSONDecodeError:
            body = raw.decode("utf-8", "replace")
        msg_id = self._record(body, query)
        reply = _json(200, {"ok": True, "id": msg_id})
        return self._log(
            path, SinkReply(reply.status, reply.body, reply.headers, self.delay if mode == "slow" else 0.0)
        )

    def _record(self, body: Any, query: dict[str, str]) -> str:
        self._seq += 1
        msg_id = str(((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | (self._seq & 0xFFF))
        self.messages.append({"id": msg_id, "received_at": time.time(), "body": body, "query": query})
        return msg_id

    def _log(self, path: str, reply: SinkReply) -> SinkReply:
        self.requests.append((time.time(), path, reply.status))
        return reply
