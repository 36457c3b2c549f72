"""Challenge DETECTION: recognise CAPTCHA, bot-wall, queue and block pages. Phantom never solves them.

A detected challenge becomes `StoreBlocked(reason)` in the store sources (never a false event, never a
retry loop against it) and `needs_action` on a checkout task.
"""

from __future__ import annotations

RATE_LIMIT_PAGE = "rate limit page (429)"
SCAN_BYTES = 16 * 1024  # markers sit in the head or the first screen of a challenge page

# Order matters: the most specific vendor markers first, generic words last.
_MARKERS: tuple[tuple[bytes, str], ...] = (
    (b"captcha-delivery.com", "datadome"),
    (b"datadome", "datadome"),
    (b"px-captcha", "perimeterx"),
    (b"perimeterx", "perimeterx"),
    (b"_pxhd", "perimeterx"),
    (b"cf-chl", "cloudflare challenge"),
    (b"cf_chl", "cloudflare challenge"),
    (b"challenge-platform", "cloudflare challenge"),
    (b"queue-it", "queue"),
    (b"you are now in line", "queue"),
    (b"/throttle/queue", "queue"),
    (b"checkpoint-queue", "queue"),
    (b"g-recaptcha", "captcha"),
    (b"recaptcha/api", "captcha"),
    (b"h-captcha", "captcha"),
    (b"hcaptcha", "captcha"),
    (b"/checkpoint", "captcha"),  # Shopify's bot checkpoint
    (b"verify you are a human", "captcha"),
    (b"access denied", "access denied"),
)


def _is_json(content_type: str | None) -> bool:
    return content_type is not None and "json" in content_type.lower()


def _is_html(content_type: str | None, head: bytes) -> bool:
    if content_type is not None and "html" in content_type.lower():
        return True
    return head.lstrip()[:1] == b"<"


def detect_challenge(status: int, content_type: str | None, body: bytes) -> str | None:
    """A short reason when the response is a challenge, queue or block page; None when it is not.

    Fast path: a successful JSON answer is data, not a challenge, and is not scanned.
    """
    if _is_json(content_type) and status < 400:
        return None
    head = body[:SCAN_BYTES].lower()
    for marker, reason in _MARKERS:
        if marker in head:
            return "access denied (403)" if reason == "access denied" and status == 403 else reason
    if status == 403:
        return "access denied (403)"
    if status == 429 and _is_html(content_type, head):
        return RATE_LIMIT_PAGE
    return None
