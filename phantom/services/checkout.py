"""Checkout orchestration: one task's attempt from carting to a recorded outcome, and crash recovery.

Never twice. The attempt row is committed (STARTED) before the checkout module runs; the module calls the
SubmitGuard right before the final submission, which commits SUBMITTING with the checkout's URL. A crash
after that leaves an attempt whose outcome is unknown: `recover` asks the store (the module's reconcile)
and never submits again blindly. A crash before it leaves a STARTED attempt: nothing was submitted, so the
task simply runs again with a new attempt number.

Every outcome is also written as a checkout event (kinds in domain.events.CHECKOUT_KINDS) with its outbox
rows, so it reaches Discord, Apprise, the desktop and the dashboard the same way a drop does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

import structlog

from phantom.domain.checkout import (
    OUTCOME_ATTEMPT_STATUS,
    AttemptStatus,
    CardInput,
    CheckoutAttempt,
    CheckoutOutcome,
    CheckoutRequest,
    OutcomeKind,
    Prefill,
    ReconcileVerdict,
    attempt_key,
)
from phantom.domain.errors import CardUnreadable, DomainError
from phantom.domain.events import EventKind, ProductEvent, StoredEvent
from phantom.domain.filters import KeywordFilter
from phantom.domain.inbound import has_placeholder_variants, is_inbound
from phantom.domain.models import Platform, Product, Variant
from phantom.domain.ports import (
    CheckoutModule,
    Clock,
    EventSink,
    IdFactory,
    LinkOpener,
    TaskQuery,
    UnitOfWork,
    UnitOfWorkFactory,
)
from phantom.domain.products import ProductRecord, ProductSearch, title_prefilter
from phantom.domain.stores import Store
from phantom.domain.tasks import (
    TRANSITIONS,
    Task,
    TaskMode,
    TaskStatus,
    choose_variants,
    transition,
)
from phantom.services.monitoring import write_events

log = structlog.get_logger()

# Statuses a task may be (re)started from by the runner.
RUNNABLE = frozenset({TaskStatus.IDLE, TaskStatus.WAITING, TaskStatus.FAILED, TaskStatus.NEEDS_ACTION})
ATTEMPT_ATTRIBUTE = "_phantom_attempt"  # cart attribute carrying the attempt key (Shopify hides `_` keys)
INTERRUPTED_BEFORE_SUBMIT = "interrupted before submission (crash or restart); nothing was submitted"
PRODUCT_LOOKUP_WINDOW = 2_000

ProxyResolver = Callable[[str | None, str], Awaitable[str | None]]
# (store, handle) -> the product as the store serves it now (Shopify `/products/<handle>.js`), for a task
# whose product the monitors have not seen (a store that is not watched, a quick task from elsewhere).
ProductLookup = Callable[[Store, str], Awaitable[Product | None]]


@dataclass(frozen=True, slots=True)
class CheckoutDeps:
    uow_factory: UnitOfWorkFactory
    clock: Clock
    ids: IdFactory
    modules: Mapping[tuple[Platform, TaskMode], CheckoutModule]
    events: EventSink
    opener: LinkOpener | None = None
    proxies: ProxyResolver | None = None  # (proxy_list_id, task id) -> proxy URL
    lookup: ProductLookup | None = None
    tag_orders: bool = True  # send the attempt key as a cart attribute
    # Test-only fault injection (core/crashpoints.py): called at named points of an attempt so a test
    # can kill -9 the process exactly there. None in normal runs.
    crash_point: Callable[[str], None] | None = None
    on_task: Callable[[Task], None] | None = None  # hears every committed status change (live dashboard)
    # Browser checkouts at once (each is a Chromium context for up to minutes); assist never waits for one.
    browser_slots: asyncio.Semaphore | None = None


@dataclass(frozen=True, slots=True)
class RunResult:
    task: Task
    attempt: CheckoutAttempt | None = None
    outcome: CheckoutOutcome | None = None


@dataclass(frozen=True, slots=True)
class _NeedsLookup:
    store: Store
    handle: str


@dataclass(slots=True)
class _Prepared:
    task: Task
    store: Store
    attempt: CheckoutAttempt
    request: CheckoutRequest
    product: Product
    failure: str | None = None  # found after the attempt was committed: recorded as the attempt's outcome


async def run_task(
    task_id: str,
    event: StoredEvent | None,
    deps: CheckoutDeps,
    *,
    runnable: frozenset[TaskStatus] = RUNNABLE,
) -> RunResult | None:
    """Cart and check out `task_id` once. None when the task is gone or not runnable (already running,
    finished, cancelled). Returns with the task WAITING when nothing wanted is in stock yet."""
    prepared = await _prepare(task_id, event, deps, runnable, lookup=deps.lookup is not None)
    if isinstance(prepared, _NeedsLookup):  # fetched outside any transaction (it is network I/O)
        fetched = await _look_up(deps, prepared.store, prepared.handle)
        prepared = await _prepare(task_id, event, deps, runnable, fetched=fetched)
    if not isinstance(prepared, _Prepared):
        return prepared if isinstance(prepared, RunResult) else None
    module = deps.modules[(prepared.store.platform, prepared.task.mode)]
    guard = _Guard(prepared, deps)
    try:
        if prepared.failure is not None:
            outcome = CheckoutOutcome(OutcomeKind.FAILED, prepared.failure)
        elif prepared.task.mode is TaskMode.BROWSER and deps.browser_slots is not None:
            async with deps.browser_slots:
                outcome = await module.run(prepared.request, guard)
        else:
            outcome = await module.run(prepared.request, guard)
    except asyncio.CancelledError:  # stopped by the person (or shutdown): record it, then stop
        detail = "stopped" + (" after submission: outcome unknown" if guard.called else " before submission")
        stopped = CheckoutOutcome(OutcomeKind.FAILED, detail)
        await asyncio.shield(_record(prepared, stopped, guard.called, deps))
        raise
    except Exception as exc:  # a module bug must not strand the attempt
        log.exception("checkout_module_crashed", task=task_id)
        detail = "checkout module crashed" + (" after submission: outcome unknown" if guard.called else "")
        outcome = CheckoutOutcome(OutcomeKind.FAILED, f"{detail} ({type(exc).__name__})")
    if guard.called:
        _crash(deps, "after_submit")
    return await _record(prepared, outcome, guard.called, deps)


async def announce_task(task_id: str, deps: CheckoutDeps) -> None:
    """Tell `on_task` about a task as it is stored now (a change made outside the runner: start, stop)."""
    if deps.on_task is None:
        return
    async with deps.uow_factory() as uow:
        task = await uow.tasks.get(task_id)
    if task is not None:
        deps.on_task(task)


def _announce(deps: CheckoutDeps, task: Task) -> None:
    if deps.on_task is not None:
        deps.on_task(task)


def _crash(deps: CheckoutDeps, point: str) -> None:
    if deps.crash_point is not None:
        deps.crash_point(point)


async def _look_up(deps: CheckoutDeps, store: Store, handle: str) -> Product | None:
    assert deps.lookup is not None
    try:
        return await deps.lookup(store, handle)
    except DomainError as exc:  # the store said no (404, blocked, down): the task waits for an event
        log.info("product_lookup_failed", store=store.name, handle=handle, error=str(exc))
        return None


async def _prepare(
    task_id: str,
    event: StoredEvent | None,
    deps: CheckoutDeps,
    runnable: frozenset[TaskStatus],
    *,
    lookup: bool = False,
    fetched: Product | None = None,
) -> _Prepared | _NeedsLookup | RunResult | None:
    now = deps.clock.now()
    async with deps.uow_factory() as uow:
        task = await uow.tasks.get(task_id)
        if task is None or task.status not in runnable:
            return None
        store = await uow.stores.get(task.store_id)
        if store is None:
            return None
        product = fetched or await _resolve_product(uow, task, store, event)
        handle = task.target.handle_hint()
        if product is None and lookup and handle and store.platform is Platform.SHOPIFY:
            return _NeedsLookup(store, handle)
        variants = (
            choose_variants(product, task.sizes, task.max_price, task.target.variant_id)
            if product is not None
            else ()
        )
        if product is None or not variants:
            reason = (
                "waiting for the product to appear"
                if product is None
                else "waiting: no wanted size in stock within the price limit"
            )
            if task.status is not TaskStatus.WAITING:
                task, moved = transition(task, TaskStatus.WAITING, now, reason)
                await uow.tasks.update(task, moved)
                await uow.commit()
                _announce(deps, task)
            return RunResult(task)
        prefill, card = await _profile(uow, task)
        if task.mode is TaskMode.BROWSER and card is None:
            task, moved = transition(task, TaskStatus.CARTING, now, "carting")
            await uow.tasks.update(task, moved)
            reason = "the profile's card cannot be read (no card, or the key file changed)"
            task, moved = transition(task, TaskStatus.FAILED, now, reason)
            await uow.tasks.update(task, moved)
            await uow.commit()
            _announce(deps, task)
            return RunResult(task)
        number = task.attempts + 1
        variant = variants[0]
        attempt = CheckoutAttempt(
            id=deps.ids(),
            task_id=task.id,
            number=number,
            key=attempt_key(task.id, number),
            status=AttemptStatus.STARTED,
            mode=task.mode,
            store_id=store.id,
            created_at=now,
            profile_id=task.profile_id,
            product_title=product.title,
            product_id=product.id,
            variant_id=variant.id,
            size=variant.size,
            price=variant.price,
            quantity=task.quantity,
            test_mode=task.test_mode,
            detected_at=event.detected_at if event is not None else None,
        )
        if not await uow.attempts.add(attempt):  # another handler started this attempt first
            return None
        carting, t1 = transition(task, TaskStatus.CARTING, now, f"carting size {variant.size}")
        checking, t2 = transition(carting, TaskStatus.CHECKING_OUT, now, f"attempt {number}")
        task = checking.updated(attempts=number, event_id=event.id if event else task.event_id)
        await uow.tasks.update(carting, t1)
        await uow.tasks.update(task, t2)
        _crash(deps, "before_attempt_commit")
        await uow.commit()  # the attempt exists before anything can be submitted
    _crash(deps, "after_attempt_commit")
    _announce(deps, task)
    proxy_url, failure = None, None
    if deps.proxies is not None and task.proxy_list_id is not None:
        try:
            proxy_url = await deps.proxies(task.proxy_list_id, task.id)
        except DomainError as exc:  # the list was deleted meanwhile: never fall back to a direct route
            failure = f"its proxy list cannot be used: {exc}"
    request = CheckoutRequest(
        attempt=attempt,
        store_url=store.url,
        product_url=product.url or f"{store.url}/products/{product.handle}",
        variants=variants,
        quantity=task.quantity,
        prefill=prefill,
        test_mode=task.test_mode,
        card=card if task.mode is TaskMode.BROWSER else None,
        proxy_url=proxy_url,
        attributes={ATTEMPT_ATTRIBUTE: attempt.key} if deps.tag_orders else {},
    )
    return _Prepared(task, store, attempt, request, product, failure)


class _Guard:
    """Commits SUBMITTING (attempt) and SUBMITTED (task) right before the module submits."""

    def __init__(self, prepared: _Prepared, deps: CheckoutDeps) -> None:
        self._prepared = prepared
        self._deps = deps
        self.called = False

    async def before_submit(self, checkout_url: str) -> None:
        if self.called:
            raise RuntimeError("before_submit called twice for one attempt")
        p, now = self._prepared, self._deps.clock.now()
        attempt = p.attempt.updated(
            status=AttemptStatus.SUBMITTING, submitted_at=now, checkout_url=checkout_url
        )
        task, moved = transition(p.task, TaskStatus.SUBMITTED, now, "order submitted")
        async with self._deps.uow_factory() as uow:
            current = await uow.tasks.get(task.id)
            if current is None or current.status is TaskStatus.CANCELLED:
                raise asyncio.CancelledError  # stopped by the person just now: do not submit
            await uow.attempts.update(attempt)
            await uow.tasks.update(task.updated(checkout_url=checkout_url), moved)
            await uow.commit()
        p.attempt, p.task = attempt, task.updated(checkout_url=checkout_url)
        self.called = True
        _announce(self._deps, p.task)


_TASK_STATUS: dict[OutcomeKind, TaskStatus] = {
    OutcomeKind.LINK_READY: TaskStatus.NEEDS_ACTION,
    OutcomeKind.TEST_PASSED: TaskStatus.SUCCESS,
    OutcomeKind.ORDER_PLACED: TaskStatus.SUCCESS,
    OutcomeKind.NEEDS_ACTION: TaskStatus.NEEDS_ACTION,
    OutcomeKind.OUT_OF_STOCK: TaskStatus.FAILED,
    OutcomeKind.FAILED: TaskStatus.FAILED,
}
_EVENT_KIND: dict[OutcomeKind, EventKind] = {
    OutcomeKind.LINK_READY: EventKind.CHECKOUT_LINK,
    OutcomeKind.TEST_PASSED: EventKind.CHECKOUT_SUCCESS,
    OutcomeKind.ORDER_PLACED: EventKind.CHECKOUT_SUCCESS,
    OutcomeKind.NEEDS_ACTION: EventKind.NEEDS_ACTION,
    OutcomeKind.OUT_OF_STOCK: EventKind.CHECKOUT_FAILED,
    OutcomeKind.FAILED: EventKind.CHECKOUT_FAILED,
}


def _reason(outcome: CheckoutOutcome, test_mode: bool) -> str:
    words = {
        OutcomeKind.LINK_READY: "checkout link ready: finish in your browser",
        OutcomeKind.TEST_PASSED: "test mode: everything but the submission went through",
        OutcomeKind.ORDER_PLACED: f"order placed{f' ({outcome.order_name})' if outcome.order_name else ''}",
        OutcomeKind.NEEDS_ACTION: "needs you",
        OutcomeKind.OUT_OF_STOCK: "out of stock at checkout",
        OutcomeKind.FAILED: "failed",
    }[outcome.kind]
    if test_mode and outcome.kind is not OutcomeKind.TEST_PASSED:
        words = f"[test] {words}"
    return f"{words}: {outcome.detail}" if outcome.detail else words


async def _record(p: _Prepared, outcome: CheckoutOutcome, submitted: bool, deps: CheckoutDeps) -> RunResult:
    now = deps.clock.now()
    kind = outcome.kind
    status = OUTCOME_ATTEMPT_STATUS[kind]
    if submitted and kind is OutcomeKind.FAILED:
        status = AttemptStatus.UNKNOWN  # submitted, then something broke: the person must check
        outcome = replace(outcome, kind=OutcomeKind.NEEDS_ACTION, detail=outcome.detail or "outcome unknown")
        kind = outcome.kind
    link_at = now if kind is OutcomeKind.LINK_READY else None
    if link_at is not None and deps.opener is not None and outcome.url:
        deps.opener.open(outcome.url)
    variant = outcome.variant or p.request.variants[0]
    attempt = p.attempt.updated(
        status=status,
        finished_at=now,
        link_at=link_at,
        checkout_url=outcome.url or p.attempt.checkout_url,
        order_name=outcome.order_name,
        detail=outcome.detail or None,
        variant_id=variant.id,
        size=variant.size,
        price=variant.price,
    )
    reason = _reason(outcome, p.task.test_mode)
    task, moved = transition(p.task, _TASK_STATUS[kind], now, reason)
    task = task.updated(checkout_url=outcome.url or task.checkout_url)
    event = _checkout_event(p, attempt, outcome, variant, reason, now, deps.ids())
    # A link is for a person who is racing a sell-out: it goes to the dashboard and the desktop before it
    # is written (one write transaction less on the detection-to-link path); Discord and Apprise get it
    # from the outbox once the write has committed. A crash in between leaves a STARTED attempt, which
    # simply runs again.
    early = kind is OutcomeKind.LINK_READY
    if early:
        deps.events.publish(p.store, [event], ())
    async with deps.uow_factory() as uow:
        await uow.attempts.update(attempt)
        current = await uow.tasks.get(task.id)
        if current is None or current.status is not p.task.status:
            # Stopped (and maybe started again, or deleted) meanwhile: the attempt's outcome is kept; the
            # task stays as the person left it.
            task = current or task
        else:
            await uow.tasks.update(task, moved)
        written, alerts = await write_events(uow, p.store.id, [event], now=now, ids=deps.ids)
        await uow.commit()
    deps.events.publish(p.store, [] if early else written, alerts)
    _announce(deps, task)
    log.info(
        "checkout_finished",
        task=task.id,
        attempt=attempt.number,
        outcome=kind.value,
        status=task.status.value,
        test_mode=task.test_mode,
    )
    return RunResult(task, attempt, outcome)


def _checkout_event(
    p: _Prepared,
    attempt: CheckoutAttempt,
    outcome: CheckoutOutcome,
    variant: Variant,
    reason: str,
    now: datetime,
    event_id: str,
) -> StoredEvent:
    product = replace(p.product, variants=(variant,))
    kind = _EVENT_KIND[outcome.kind]
    return StoredEvent(
        id=event_id,
        store_id=p.store.id,
        store_name=p.store.name,
        store_url=p.store.url,
        dedup_key=f"checkout:{attempt.key}:{kind.value}",
        detected_at=now,
        event=ProductEvent(
            kind=kind,
            product=product,
            variants=(variant,),
            link=outcome.url,
            detail=reason,
            task_id=p.task.id,
        ),
    )


async def _resolve_product(
    uow: UnitOfWork, task: Task, store: Store, event: StoredEvent | None
) -> Product | None:
    """The event's product when it is the target (freshest); else the read model's latest copy. An external
    monitor's message that named sizes but no variant ids is not enough to cart: then the store is asked."""
    given = event.event.product if event is not None else None
    placeholder = (
        event is not None and given is not None and is_inbound(event) and has_placeholder_variants(given)
    )
    if given is not None and task.target.matches(given) and not placeholder:
        return given
    target = task.target
    terms = title_prefilter(KeywordFilter.parse(target.keywords)) if target.keywords else ()
    query = ProductSearch(
        store_id=store.id,
        style_code=target.sku if target.sku and store.platform is Platform.FOOTSITES else None,
        title_terms=terms,
        limit=50,
        window=PRODUCT_LOOKUP_WINDOW,
    )
    found = await uow.products.search(query)
    for item in found.items:
        if target.variant_id is None and not target.matches(_as_product(item)):
            continue
        record = await uow.products.get(store.id, item.product_id)
        if record is not None and target.matches(_as_product(record)):
            return _as_product(record)
    return None


def _as_product(record: ProductRecord) -> Product:
    return Product(
        id=record.product_id,
        handle=record.handle,
        title=record.title,
        variants=record.variants,
        vendor=record.vendor,
        image=record.image,
        url=record.url if "/products/" not in record.url else None,
        style_code=record.style_code,
    )


async def _profile(uow: UnitOfWork, task: Task) -> tuple[Prefill, CardInput | None]:
    if task.profile_id is None:
        return Prefill(), None
    profile = await uow.profiles.get(task.profile_id)
    if profile is None:
        return Prefill(), None
    a = profile.shipping
    prefill = Prefill(
        email=profile.email,
        first_name=a.first_name,
        last_name=a.last_name,
        address1=a.address1,
        address2=a.address2 or "",
        city=a.city,
        province=a.province or "",
        zip=a.zip,
        country=a.country_code,
        phone=a.phone or profile.phone or "",
    )
    card = None
    if task.mode is TaskMode.BROWSER:
        try:
            c = await uow.profiles.card(task.profile_id)
        except CardUnreadable:  # a lost or swapped key file: the task fails saying so, nothing is sent
            log.error("card_unreadable", task=task.id, profile=profile.name)
            return prefill, None
        if c is not None:
            card = CardInput(c.holder, c.number, c.exp_month, c.exp_year, c.cvv)
    return prefill, card


# ---- crash recovery ------------------------------------------------------------------------------


async def recover(deps: CheckoutDeps) -> list[str]:
    """At start-up: settle attempts a crash left open. Returns the ids of tasks to run again.

    STARTED: nothing was submitted — the attempt fails and the task runs again. SUBMITTING: the module
    reconciles with the store; an order → success; the checkout still open → nothing landed, run again;
    anything else → UNKNOWN and the task needs the person (never a blind second submission).
    """
    async with deps.uow_factory() as uow:
        open_attempts = await uow.attempts.open()
    rerun: list[str] = []
    for attempt in open_attempts:
        async with deps.uow_factory() as uow:
            task = await uow.tasks.get(attempt.task_id)
            store = await uow.stores.get(attempt.store_id)
        if task is None or store is None:
            continue
        now = deps.clock.now()
        if attempt.status is AttemptStatus.STARTED:
            verdict, order, detail = ReconcileVerdict.NOT_PLACED, None, INTERRUPTED_BEFORE_SUBMIT
        else:
            module = deps.modules[(store.platform, attempt.mode)]
            try:
                found = await module.reconcile(attempt)
                verdict, order, detail = found.verdict, found.order_name, found.detail
            except Exception as exc:
                log.exception("reconcile_crashed", attempt=attempt.key)
                verdict, order, detail = (
                    ReconcileVerdict.UNKNOWN,
                    None,
                    f"reconcile failed ({type(exc).__name__})",
                )
        if verdict is ReconcileVerdict.ORDER_PLACED:
            settled = attempt.updated(status=AttemptStatus.SUCCEEDED, finished_at=now, order_name=order)
            target, reason = TaskStatus.SUCCESS, f"order found after restart{f' ({order})' if order else ''}"
        elif verdict is ReconcileVerdict.NOT_PLACED:
            text = detail or "interrupted; the store holds no order for it"
            settled = attempt.updated(status=AttemptStatus.FAILED, finished_at=now, detail=text)
            target, reason = TaskStatus.FAILED, f"interrupted: {text}"
        else:
            text = detail or "could not tell whether the order was placed"
            settled = attempt.updated(status=AttemptStatus.UNKNOWN, finished_at=now, detail=text)
            target, reason = TaskStatus.NEEDS_ACTION, f"check your orders: {text}"
        async with deps.uow_factory() as uow:
            await uow.attempts.update(settled)
            current = await uow.tasks.get(task.id)
            if current is not None and target in TRANSITIONS[current.status]:
                moved_task, moved = transition(current, target, now, reason)
                await uow.tasks.update(moved_task, moved)
                if verdict is ReconcileVerdict.NOT_PLACED:  # nothing landed: it runs again
                    again, moved = transition(
                        moved_task, TaskStatus.WAITING, now, "runs again after the interruption"
                    )
                    await uow.tasks.update(again, moved)
            await uow.commit()
        log.warning("checkout_recovered", attempt=attempt.key, verdict=verdict.value, detail=detail)
        if verdict is ReconcileVerdict.NOT_PLACED:
            rerun.append(task.id)
    rerun.extend(await _stranded(deps))
    return list(dict.fromkeys(rerun))


async def _stranded(deps: CheckoutDeps) -> list[str]:
    """Tasks left CARTING/CHECKING_OUT without an open attempt (a crash between two commits): back to
    WAITING to run again; and every WAITING task (stock may have changed while Phantom was down)."""
    now = deps.clock.now()
    ids: list[str] = []
    async with deps.uow_factory() as uow:
        stuck = await uow.tasks.list(
            TaskQuery(statuses=frozenset({TaskStatus.CARTING, TaskStatus.CHECKING_OUT}), limit=10_000)
        )
        for task in stuck:
            moved_task, moved = (
                transition(task, TaskStatus.WAITING, now, "interrupted before submission; runs again")
                if TaskStatus.WAITING in TRANSITIONS[task.status]
                else transition(task, TaskStatus.FAILED, now, INTERRUPTED_BEFORE_SUBMIT)
            )
            await uow.tasks.update(moved_task, moved)
            ids.append(task.id)
        waiting = await uow.tasks.list(TaskQuery(statuses=frozenset({TaskStatus.WAITING}), limit=10_000))
        await uow.commit()
    return ids + [t.id for t in waiting]
