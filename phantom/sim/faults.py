"""Per-store fault modes: what a hostile or broken store answers instead of the catalogue."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from phantom.sim import pages
from phantom.sim.errors import SimError

MODES = frozenset({"none", "429", "500", "slow", "garbage", "captcha", "truncated", "queue", "403"})
HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"
GARBAGE_INVALID = b'{"products":[{"id":7000000000001,"title":"Nike Dunk Low" "variants":[}]]<html>'
GARBAGE_SHAPES = {
    "shopify": b'{"products":"unavailable","errors":{"shop":["is temporarily unavailable"]},"variants":7}',
    "footsites": b'{"sellableUnits":"none","variantAttributes":{"code":null},"sizes":"n/a","price":"free"}',
}


@dataclass(frozen=True, slots=True)
class FaultHit:
    """One request's share of a fault: the mode and its parameters, plus how many came before."""

    mode: str
    retry_after: float | None
    delay: float
    status: int | None
    nth: int


@dataclass(slots=True)
class Fault:
    mode: str = "none"
    retry_after: float | None = None
    delay: float = 1.0
    remaining: int | None = None
    status: int | None = None
    served: int = 0

    def configure(
        self,
        mode: str,
        *,
        retry_after: float | None = None,
        delay: float | None = None,
        count: int | None = None,
        status: int | None = None,
    ) -> None:
        if mode not in MODES:
            raise SimError(400, f"unknown fault mode {mode!r}; one of {sorted(MODES)}")
        if count is not None and count < 1:
            raise SimError(400, "count must be >= 1")
        self.mode, self.retry_after, self.remaining, self.status = mode, retry_after, count, status
        self.delay = 1.0 if delay is None else delay
        self.served = 0

    def take(self) -> FaultHit | None:
        """The fault this request gets (None when healthy); counts down and reverts to none at zero."""
        if self.mode == "none":
            return None
        hit = FaultHit(self.mode, self.retry_after, self.delay, self.status, self.served)
        self.served += 1
        if self.remaining is not None:
            self.remaining -= 1
            if self.remaining <= 0:
                self.configure("none")
        return hit


def _html(status: int, text: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(status=status, body=text.encode(), headers={"Content-Type": HTML, **(headers or {})})


async def _truncated(request: web.Request, hit: FaultHit, body: bytes) -> web.StreamResponse:
    cut = body[: max(1, len(body) // 2)]
    if hit.nth % 2:
        # Honest Content-Length, but the JSON stops mid-way.
        return web.Response(body=cut, headers={"Content-Type": JSON})
    # Content-Length promises the whole body; the connection closes after half of it.
    resp = web.StreamResponse(status=200, headers={"Content-Type": JSON})
    resp.content_length = len(body)
    resp.force_close()
    await resp.prepare(request)
    await resp.write(cut)
    return resp


async def fault_response(
    request: web.Request, hit: FaultHit, platform: str, store: str, body: Callable[[], bytes]
) -> web.StreamResponse:
    """Build the answer for a fault hit (every mode but `slow`, which the caller sleeps for)."""
    mode = hit.mode
    if mode == "429":
        headers = {} if hit.retry_after is None else {"Retry-After": _seconds(hit.retry_after)}
        if platform == "shopify":
            return web.Response(
                status=hit.status or 429,
                body=b'{"errors":"Too Many Requests"}',
                headers={"Content-Type": JSON, **headers},
            )
        return _html(
            hit.status or 429,
            pages.access_denied(request.path).replace("Access Denied", "Too Many Requests"),
            headers,
        )
    if mode == "500":
        return _html(hit.status or 500, pages.server_error())
    if mode == "403":
        return _html(hit.status or 403, pages.access_denied(request.path))
    if mode == "captcha":
        if platform == "shopify":
            return _html(hit.status or 200, pages.captcha(store))
        return _html(hit.status or 403, pages.fl_captcha(store))
    if mode == "queue":
        if platform == "shopify":
            return _html(hit.status or 200, pages.shop_queue(store))
        return _html(hit.status or 529, pages.fl_queue(store))
    if mode == "garbage":
        raw = GARBAGE_INVALID if hit.nth % 2 == 0 else GARBAGE_SHAPES[platform]
        return web.Response(status=hit.status or 200, body=raw, headers={"Content-Type": JSON})
    if mode == "truncated":
        return await _truncated(request, hit, body())
    raise SimError(500, f"fault mode {mode!r} has no response")  # pragma: no cover - MODES is closed


def _seconds(value: float) -> str:
    return str(max(0, math.ceil(value)))  # delta-seconds are whole numbers
