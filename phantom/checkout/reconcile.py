"""Reconciliation: after a crash (or an unclear end) did a submitted Shopify checkout become an order?

A completed checkout's URL leads to its thank-you page (Shopify redirects every step of a completed
checkout there), so one GET that follows redirects answers it. Read-only: it never posts anything.
"""

from __future__ import annotations

import aiohttp
import structlog

from phantom.checkout.pages import STEP_KINDS, PageInfo, PageKind, classify
from phantom.domain.checkout import CheckoutAttempt, ReconcileVerdict, Reconciliation

log = structlog.get_logger()

MAX_BODY = 512 * 1024  # a checkout page is a few KB; a hostile one must not fill memory


class ShopifyReconciler:
    """GET `attempt.checkout_url`: thank-you → ORDER_PLACED, open step or stock problems → NOT_PLACED,
    anything else (challenge, error, time-out, unclear) → UNKNOWN."""

    def __init__(self, session: aiohttp.ClientSession, *, timeout: float = 15.0) -> None:
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def reconcile(self, attempt: CheckoutAttempt) -> Reconciliation:
        url = attempt.checkout_url
        if not url:
            return Reconciliation(ReconcileVerdict.UNKNOWN, detail="no checkout URL was recorded")
        try:
            async with self._session.get(url, allow_redirects=True, timeout=self._timeout) as resp:
                status, final_url = resp.status, str(resp.url)
                body = (await resp.content.read(MAX_BODY)).decode("utf-8", "replace")
        except (aiohttp.ClientError, TimeoutError) as exc:
            log.warning("reconcile_failed", attempt=attempt.key, error=type(exc).__name__)
            return Reconciliation(ReconcileVerdict.UNKNOWN, detail=f"store unreachable: {type(exc).__name__}")
        return self._verdict(classify(final_url, status, body), status)

    @staticmethod
    def _verdict(info: PageInfo, status: int) -> Reconciliation:
        if info.kind is PageKind.THANK_YOU:
            return Reconciliation(
                ReconcileVerdict.ORDER_PLACED, order_name=info.order_name, detail="order page"
            )
        if info.kind in STEP_KINDS:
            return Reconciliation(ReconcileVerdict.NOT_PLACED, detail=f"checkout still open at {info.kind}")
        if info.kind is PageKind.STOCK_PROBLEMS:
            return Reconciliation(ReconcileVerdict.NOT_PLACED, detail="stock problems: not placed")
        if info.kind is PageKind.CHALLENGE:
            return Reconciliation(ReconcileVerdict.UNKNOWN, detail=f"challenge: {info.reason}")
        return Reconciliation(ReconcileVerdict.UNKNOWN, detail=f"unclear page ({info.kind}, HTTP {status})")
