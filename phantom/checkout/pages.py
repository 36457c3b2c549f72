"""What a Shopify checkout page is: a step, the thank-you page, stock problems, or a challenge to hand off.

One classifier for both the browser (URL, navigation status, DOM) and reconciliation (URL after redirects,
status, body). Challenge detection is `phantom.captcha.detect`'s, plus Shopify's challenge URLs; Phantom
only recognises these pages, it never works through them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qs, urlsplit

from phantom.captcha.detect import detect_challenge


class PageKind(StrEnum):
    CONTACT = "contact_information"
    SHIPPING = "shipping_method"
    PAYMENT = "payment_method"
    PROCESSING = "processing"
    THANK_YOU = "thank_you"
    STOCK_PROBLEMS = "stock_problems"
    CHALLENGE = "challenge"  # checkpoint, CAPTCHA, queue, 403/429: the person takes over
    ERROR = "error"
    OTHER = "other"


STEP_KINDS = frozenset({PageKind.CONTACT, PageKind.SHIPPING, PageKind.PAYMENT})
# Shopify's bot checkpoint, its checkout queue ("throttle"), and generic challenge paths.
CHALLENGE_PATH_PARTS = ("/checkpoint", "/challenge", "/queue", "/throttle")
CHALLENGE_STATUSES = frozenset({403, 429})
SCAN_CHARS = 32_768  # challenge markers sit near the top of a page

_DATA_STEP = re.compile(r"""data-step\s*=\s*["']([a-z_]+)["']""")
_ORDER_NAME = re.compile(r"""id\s*=\s*["']order-name["'][^>]*>\s*([^<\s][^<]*?)\s*<""")
_ORDER_TEXT = re.compile(r"\bOrder\s+(#[\w-]+)")
_SOLD_OUT = re.compile(r"already sold out|no longer available|is sold out", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PageInfo:
    kind: PageKind
    reason: str = ""
    order_name: str | None = None


def challenge_reason(url: str, status: int | None, body: str) -> str | None:
    """Why this page is a challenge (checkpoint/CAPTCHA/queue/block), or None."""
    path = urlsplit(url).path.lower()
    for part in CHALLENGE_PATH_PARTS:
        if part in path:
            detected = detect_challenge(status or 200, "text/html", body[:SCAN_CHARS].encode())
            return detected or part.strip("/")
    detected = detect_challenge(status or 200, "text/html", body[:SCAN_CHARS].encode())
    if detected is None and status in CHALLENGE_STATUSES:
        return f"HTTP {status}"
    return detected


def order_name(body: str) -> str | None:
    found = _ORDER_NAME.search(body) or _ORDER_TEXT.search(body)
    return found.group(1).strip() if found else None


def _step_of(url: str, body: str) -> PageKind | None:
    found = _DATA_STEP.search(body)
    named = found.group(1) if found else (parse_qs(urlsplit(url).query).get("step") or [""])[0]
    for kind in (*STEP_KINDS, PageKind.THANK_YOU, PageKind.STOCK_PROBLEMS, PageKind.PROCESSING):
        if named == kind.value:
            return kind
    return None


def classify(url: str, status: int | None, body: str) -> PageInfo:
    """The page's kind. Order matters: a challenge wins over everything, a thank-you over a step."""
    reason = challenge_reason(url, status, body)
    if reason is not None:
        return PageInfo(PageKind.CHALLENGE, reason=reason)
    path = urlsplit(url).path
    step = _step_of(url, body)
    if path.endswith("/thank_you") or "/orders/" in path or step is PageKind.THANK_YOU:
        return PageInfo(PageKind.THANK_YOU, order_name=order_name(body))
    if path.endswith("/stock_problems") or step is PageKind.STOCK_PROBLEMS:
        return PageInfo(PageKind.STOCK_PROBLEMS, reason="sold out")
    if status == 422 and _SOLD_OUT.search(body):  # the cart permalink of a sold-out variant
        return PageInfo(PageKind.STOCK_PROBLEMS, reason="sold out")
    if status is not None and status >= 400:
        return PageInfo(PageKind.ERROR, reason=f"HTTP {status}")
    if path.endswith("/processing") or step is PageKind.PROCESSING:
        return PageInfo(PageKind.PROCESSING)
    if step is not None and "/checkouts/" in path:
        return PageInfo(step)
    return PageInfo(PageKind.OTHER)
