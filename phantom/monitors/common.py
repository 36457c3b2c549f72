"""What both store sources share: conditional requests, body hashing, status -> domain error mapping."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation

from phantom.adapters.http import NO_HEADERS, HttpResponse, retry_after_seconds
from phantom.captcha.detect import RATE_LIMIT_PAGE, detect_challenge
from phantom.domain.errors import StoreBlocked, StoreRateLimited, StoreUnavailable
from phantom.domain.ports import CachedPage

MAX_CENTS = 10**11  # a billion dollars: anything above is a broken feed, not a price
REDIRECTS = frozenset({301, 302, 303, 307, 308})


def body_hash(body: bytes) -> bytes:
    return hashlib.blake2b(body, digest_size=16).digest()


def conditional_headers(cached: CachedPage | None) -> Mapping[str, str]:
    """If-None-Match / If-Modified-Since from what we remember; a shared empty mapping otherwise."""
    if cached is None:
        return NO_HEADERS
    if cached.etag is not None:
        if cached.last_modified is not None:
            return {"If-None-Match": cached.etag, "If-Modified-Since": cached.last_modified}
        return {"If-None-Match": cached.etag}
    if cached.last_modified is not None:
        return {"If-Modified-Since": cached.last_modified}
    return NO_HEADERS


@dataclass(frozen=True, slots=True)
class Body:
    """A 200 answer whose bytes differ from the cached ones (or nothing was cached)."""

    data: bytes
    digest: bytes
    etag: str | None
    last_modified: str | None


def unchanged_or_body(resp: HttpResponse, cached: CachedPage | None) -> tuple[CachedPage | None, Body | None]:
    """For a 200 or 304 response: (cached page to reuse, None) or (None, new body). Hash before parse."""
    if resp.status == 304:
        if cached is None:
            raise StoreUnavailable("304 Not Modified to an unconditional request")
        return cached, None
    digest = body_hash(resp.body)
    etag, last_modified = resp.headers.get("etag"), resp.headers.get("last-modified")
    if cached is not None and cached.body_hash == digest and not cached.password_locked:
        if cached.etag == etag and cached.last_modified == last_modified:
            return cached, None
        return replace(cached, etag=etag, last_modified=last_modified), None  # keeps subclass fields
    return None, Body(resp.body, digest, etag, last_modified)


def is_json(resp: HttpResponse) -> bool:
    """JSON by content type, or (for text/plain, octet-stream, none) by its first byte; HTML never."""
    ct = (resp.content_type or "").lower()
    if "json" in ct or "javascript" in ct:
        return True
    if "html" in ct:
        return False
    return resp.body[:64].lstrip()[:1] in (b"{", b"[")


def raise_for_status(
    resp: HttpResponse, *, what: str, not_found: str, html_429_blocks: bool, default_retry_after: float
) -> None:
    """Map every non-200/304 status to a domain error (challenge pages become StoreBlocked).

    A 429 is a rate limit (honour Retry-After) unless it carries a challenge marker. With `html_429_blocks`
    (Footsites, whose bot wall answers 429 with HTML) an HTML 429 that names no Retry-After is a block page
    too; one that names a Retry-After is honoured as a rate limit: politeness first. A 429 naming no
    (valid) Retry-After waits `default_retry_after`.
    """
    status = resp.status
    if status in (200, 304):
        return
    if status == 407:  # the store's proxy refused us (plain-http store): a proxy fault, never a block
        raise StoreUnavailable("proxy authentication failed (407)")
    reason = detect_challenge(status, resp.content_type, resp.body)
    if status == 429 and (reason is None or reason == RATE_LIMIT_PAGE):
        plain = is_json(resp) or not resp.body.strip() or "retry-after" in resp.headers
        if plain or not html_429_blocks:
            raise StoreRateLimited(retry_after_seconds(resp.headers, default=default_retry_after))
    if reason is not None:
        # A block page that still says when to come back is honoured to the second.
        hold = retry_after_seconds(resp.headers, default=0.0) if "retry-after" in resp.headers else None
        raise StoreBlocked(reason, retry_after=hold or None)
    if status == 404:
        raise StoreUnavailable(not_found)
    if status >= 500:
        raise StoreUnavailable(f"server error ({status}) on {what}")
    raise StoreUnavailable(f"unexpected status {status} on {what}")


def raise_if_not_data(resp: HttpResponse, *, what: str) -> None:
    """A 200 that is not JSON is a challenge or queue page (StoreBlocked) or garbage (StoreUnavailable)."""
    if is_json(resp):
        return
    reason = detect_challenge(resp.status, resp.content_type, resp.body)
    if reason is not None:
        raise StoreBlocked(reason)
    raise StoreUnavailable(f"malformed {what}: not JSON ({resp.content_type or 'no content type'})")


def cents_from_text(value: str) -> int:
    """ "145.00" -> 14500. Raises ValueError for anything that is not a sane non-negative price."""
    whole, _, frac = value.strip().partition(".")
    if (
        whole.isascii()
        and whole.isdigit()
        and len(frac) <= 2
        and (not frac or (frac.isascii() and frac.isdigit()))
    ):
        cents = int(whole) * 100 + (int(frac.ljust(2, "0")) if frac else 0)
    else:
        try:
            exact = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"not a price: {value!r}") from None
        if not exact.is_finite() or exact.adjusted() > 12:
            raise ValueError(f"not a price: {value!r}")
        cents = int((exact * 100).to_integral_value())
    return check_cents(cents)


def cents_from_number(value: float) -> int:
    """Major units as a JSON number (90 or 89.99) -> cents."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"not a price: {value!r}")
    return check_cents(round(value * 100))


def check_cents(cents: int) -> int:
    if not 0 <= cents <= MAX_CENTS:
        raise ValueError(f"price out of range: {cents} cents")
    return cents


def parse_timestamp(value: str | None) -> datetime | None:
    """An ISO-8601 timestamp with offset; None when absent, invalid or naive."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def newest(current: datetime | None, candidate: datetime | None) -> datetime | None:
    if candidate is None:
        return current
    if current is None or candidate > current:
        return candidate
    return current


def short_error(exc: BaseException) -> str:
    """An exception as a one-line reason of bounded length (store health shows it)."""
    text = " ".join((str(exc) or type(exc).__name__).split())
    return text if len(text) <= 160 else text[:157] + "..."
