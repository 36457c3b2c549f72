"""Footsites assist mode: the product page and the size to pick. No automated submission: these sites sit
behind heavy bot protection, and Phantom does not work around it."""

from __future__ import annotations

from phantom.domain.checkout import (
    CheckoutAttempt,
    CheckoutOutcome,
    CheckoutRequest,
    OutcomeKind,
    ReconcileVerdict,
    Reconciliation,
)
from phantom.domain.ports import SubmitGuard


class FootsitesAssist:
    """CheckoutModule: LINK_READY with the product page URL; the chosen size is in the detail."""

    async def run(self, request: CheckoutRequest, guard: SubmitGuard) -> CheckoutOutcome:  # noqa: ARG002
        url = request.product_url or request.store_url
        if not request.variants:
            return CheckoutOutcome(OutcomeKind.LINK_READY, detail="pick a size on the product page", url=url)
        variant = request.variants[0]
        qty = f" x {request.quantity}" if request.quantity > 1 else ""
        return CheckoutOutcome(
            OutcomeKind.LINK_READY,
            detail=f"size {variant.size}{qty}: add to cart on the product page",
            url=url,
            variant=variant,
        )

    async def reconcile(self, attempt: CheckoutAttempt) -> Reconciliation:  # noqa: ARG002
        return Reconciliation(ReconcileVerdict.UNKNOWN, detail="assist mode: the person checks out")
