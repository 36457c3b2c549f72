"""Shopify assist mode: the prefilled cart permalink, put in front of the person. Never submits.

This sits on the detection-to-link path (≤ 50 ms budget): it builds a string and returns, with no
network and no await that yields to I/O.
"""

from __future__ import annotations

from phantom.domain.checkout import (
    CheckoutAttempt,
    CheckoutOutcome,
    CheckoutRequest,
    OutcomeKind,
    ReconcileVerdict,
    Reconciliation,
    shopify_cart_permalink,
)
from phantom.domain.ports import SubmitGuard


class ShopifyAssist:
    """CheckoutModule: LINK_READY with `<store>/cart/<variant>:<qty>?checkout[…]=…&attributes[…]=…`."""

    async def run(self, request: CheckoutRequest, guard: SubmitGuard) -> CheckoutOutcome:  # noqa: ARG002
        if not request.variants:
            return CheckoutOutcome(OutcomeKind.FAILED, detail="no variant to cart")
        variant = request.variants[0]
        url = shopify_cart_permalink(
            request.store_url.rstrip("/"),
            [(variant, max(request.quantity, 1))],
            request.prefill,
            request.attributes,
        )
        return CheckoutOutcome(
            OutcomeKind.LINK_READY, detail=f"size {variant.size}", url=url, variant=variant
        )

    async def reconcile(self, attempt: CheckoutAttempt) -> Reconciliation:  # noqa: ARG002
        # Assist never submits: whether the person finished the checkout is theirs to say.
        return Reconciliation(ReconcileVerdict.UNKNOWN, detail="assist mode: the person checks out")
