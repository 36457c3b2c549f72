"""Rule use cases: manage the rules that turn events into tasks, run them on every event (the hot path), and
try a rule against the stored event history (backtest).

The hot path reads the rules through `uow.rules.list()`, which the SQL adapter serves from memory (RuleCache,
invalidated by every rule write in the process, reloaded within seconds after another process's write), so
handling an event costs one short transaction: the waiting tasks of its store (an indexed read) and, when a
rule matches, one task insert.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime

from phantom.domain.events import STORE_CHANGE_KINDS, EventKind, StoredEvent
from phantom.domain.ports import Clock, EventQuery, IdFactory, TaskQuery, UnitOfWork, UnitOfWorkFactory
from phantom.domain.rules import (
    DEFAULT_RULE_KINDS,
    InvalidRule,
    Rule,
    RuleNotFound,
    first_match,
    task_from_rule,
    validate_rule,
)
from phantom.domain.tasks import Task, TaskMode, TaskStatus, wakes
from phantom.services.task_refs import Refs, clean_group, clean_sizes

# Store changes that can make a waiting task's product buyable (a sold-out cannot).
WAKING_KINDS = STORE_CHANGE_KINDS - {EventKind.SOLD_OUT, EventKind.PASSWORD_UP, EventKind.PASSWORD_DOWN}
# A rule makes a new task for a product only when its earlier ones for it ended without buying: one that
# is waiting or running is woken instead, and one that succeeded or waits for the person (a link, a
# challenge) is not repeated, so restock after restock never buys a second pair or sends a second link.
_RETRYABLE = frozenset({TaskStatus.FAILED, TaskStatus.CANCELLED})
_WAITING = frozenset({TaskStatus.WAITING})
_NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """A rule as a person writes it: profile and proxy list by id or name."""

    name: str
    enabled: bool = True
    priority: int = 0
    keywords: str = ""
    sizes: tuple[str, ...] = ()
    store_ids: tuple[str, ...] = ()
    max_price: int | None = None  # minor units
    kinds: frozenset[EventKind] = DEFAULT_RULE_KINDS
    profile: str | None = None
    mode: TaskMode = TaskMode.ASSIST
    quantity: int = 1
    test_mode: bool = False
    proxy_list: str | None = None
    group: str | None = None

    def probe(self) -> Rule:
        """The rule's matching part alone (for a backtest of an unsaved rule): no profile, never stored."""
        rule = Rule(
            id="backtest",
            name=self.name or "backtest",
            created_at=_NEVER,
            updated_at=_NEVER,
            keywords=self.keywords.strip(),
            sizes=clean_sizes(self.sizes),
            store_ids=tuple(dict.fromkeys(self.store_ids)),
            max_price=self.max_price,
            kinds=self.kinds,
        )
        return validate_rule(rule)


RULE_FIELDS = frozenset(f.name for f in fields(RuleSpec))


async def _build(
    spec: RuleSpec,
    uow: UnitOfWork,
    *,
    rule_id: str,
    created_at: datetime,
    now: datetime,
    check_stores: bool = True,
) -> Rule:
    refs = Refs(uow)
    problems = (
        [f"store_ids: no store {sid}" for sid in spec.store_ids if await uow.stores.get(sid) is None]
        if check_stores
        else []
    )
    profile_id = await refs.profile_id(spec.profile) if spec.profile else None
    if spec.profile and profile_id is None:
        problems.append("profile: no such profile (give its id or name)")
    proxy_list_id = await refs.proxy_list_id(spec.proxy_list) if spec.proxy_list else None
    if spec.proxy_list and proxy_list_id is None:
        problems.append("proxy_list: no such proxy list (give its id or name)")
    if problems:
        raise InvalidRule("; ".join(problems))
    return validate_rule(
        Rule(
            id=rule_id,
            name=spec.name.strip(),
            created_at=created_at,
            updated_at=now,
            enabled=spec.enabled,
            priority=spec.priority,
            keywords=spec.keywords.strip(),
            sizes=clean_sizes(spec.sizes),
            store_ids=tuple(dict.fromkeys(spec.store_ids)),
            max_price=spec.max_price,
            kinds=spec.kinds,
            profile_id=profile_id,
            mode=spec.mode,
            quantity=spec.quantity,
            test_mode=spec.test_mode,
            proxy_list_id=proxy_list_id,
            group=clean_group(spec.group),
        )
    )


# ---- CRUD ------------------------------------------------------------------------------------------


async def create_rule(
    spec: RuleSpec, *, uow_factory: UnitOfWorkFactory, clock: Clock, ids: IdFactory
) -> Rule:
    """Validate and store a rule. Raises InvalidRule."""
    now = clock.now()
    async with uow_factory() as uow:
        rule = await _build(spec, uow, rule_id=ids(), created_at=now, now=now)
        await uow.rules.add(rule)
        await uow.commit()
    return rule


async def list_rules(*, uow_factory: UnitOfWorkFactory) -> list[Rule]:
    """Highest priority first (the order `first_match` tries them)."""
    async with uow_factory() as uow:
        rules = await uow.rules.list()
    return sorted(rules, key=lambda r: (-r.priority, r.created_at, r.id))


async def get_rule(rule_id: str, *, uow_factory: UnitOfWorkFactory) -> Rule:
    async with uow_factory() as uow:
        return await _get(uow, rule_id)


async def update_rule(
    rule_id: str, changes: Mapping[str, object], *, uow_factory: UnitOfWorkFactory, clock: Clock
) -> Rule:
    """Apply a partial edit (RuleSpec field names; None clears an optional one). Raises RuleNotFound or
    InvalidRule."""
    unknown = set(changes) - RULE_FIELDS
    if unknown:
        raise InvalidRule(f"cannot change {', '.join(sorted(unknown))}")
    async with uow_factory() as uow:
        current = await _get(uow, rule_id)
        spec = replace(_spec_of(current), **changes)  # type: ignore[arg-type]
        # A store deleted since the rule was made must not block other edits (disabling it, say); its id
        # stays (dropping it could widen the rule to every store) and is checked only when the stores change.
        rule = await _build(
            spec,
            uow,
            rule_id=rule_id,
            created_at=current.created_at,
            now=clock.now(),
            check_stores="store_ids" in changes,
        )
        await uow.rules.update(rule)
        await uow.commit()
    return rule


async def delete_rule(rule_id: str, *, uow_factory: UnitOfWorkFactory) -> None:
    """Remove a rule; the tasks it made stay (without their rule)."""
    async with uow_factory() as uow:
        await _get(uow, rule_id)
        await uow.rules.delete(rule_id)
        await uow.commit()


async def _get(uow: UnitOfWork, rule_id: str) -> Rule:
    rule = await uow.rules.get(rule_id)
    if rule is None:
        raise RuleNotFound(f"no rule with id {rule_id}")
    return rule


def _spec_of(rule: Rule) -> RuleSpec:
    return RuleSpec(
        name=rule.name,
        enabled=rule.enabled,
        priority=rule.priority,
        keywords=rule.keywords,
        sizes=rule.sizes,
        store_ids=rule.store_ids,
        max_price=rule.max_price,
        kinds=rule.kinds,
        profile=rule.profile_id,
        mode=rule.mode,
        quantity=rule.quantity,
        test_mode=rule.test_mode,
        proxy_list=rule.proxy_list_id,
        group=rule.group,
    )


# ---- the hot path ----------------------------------------------------------------------------------

ALL_TASKS = 1_000_000  # "no limit" for the indexed per-store reads below


async def on_event(
    event: StoredEvent, *, uow_factory: UnitOfWorkFactory, clock: Clock, ids: IdFactory
) -> list[Task]:
    """The tasks an event should run now: the task the first matching rule creates (WAITING, for the event's
    product) and every waiting task of the store that the event's product wakes (its target, in stock in its
    sizes, within its price). The caller (the task runner) runs them.

    One transaction: indexed reads (the store's waiting tasks; the rule's tasks in the store when a rule
    matches) and at most one insert. Handling the same event concurrently creates one task ((rule_id,
    event_id) is unique; the losers return no new task). A rule whose earlier task for this product has not
    failed or been cancelled makes no new one (see _RETRYABLE).
    """
    product = event.event.product
    if product is None or event.kind not in WAKING_KINDS:
        return []
    async with uow_factory() as uow:
        rule = first_match([r for r in await uow.rules.list() if r.enabled], event)
        # No page cap on the hot path: every waiting task of the store may be the one this drop is for.
        waiting = await uow.tasks.list(TaskQuery(statuses=_WAITING, store_id=event.store_id, limit=ALL_TASKS))
        woken = [t for t in waiting if wakes(t, product)]
        if rule is None:
            return woken
        earlier = await uow.tasks.list(TaskQuery(rule_id=rule.id, store_id=event.store_id, limit=ALL_TASKS))
        if any(t.status not in _RETRYABLE and t.target.matches(product) for t in earlier):
            return woken
        task, created = task_from_rule(rule, event, ids(), clock.now())
        if not await uow.tasks.add(task, created):
            return woken
        await uow.commit()
    return [task, *woken]


# ---- backtest --------------------------------------------------------------------------------------

BACKTEST_PAGE = 500
MAX_BACKTEST_SCAN = 20_000


@dataclass(frozen=True, slots=True)
class BacktestResult:
    matches: list[StoredEvent]  # newest first, at most `limit`
    matched: int  # every match in what was scanned
    scanned: int
    complete: bool  # False when the scan stopped at its cap before the start of the range
    by_store: dict[str, int]
    by_kind: dict[EventKind, int]


async def backtest(
    rule: Rule,
    *,
    uow_factory: UnitOfWorkFactory,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    max_scanned: int = MAX_BACKTEST_SCAN,
) -> BacktestResult:
    """The stored events (newest first) the rule would have fired on, as if it were enabled, with counts
    per store and kind. Reads the history a page at a time, each page its own short transaction, so the
    monitors' writes never wait long behind it; scans at most `max_scanned` events."""
    probe = rule.updated(enabled=True)
    query = EventQuery(
        store_id=probe.store_ids[0] if len(probe.store_ids) == 1 else None,
        kinds=frozenset(probe.kinds),
        since=since,
        until=until,
    )
    matches: list[StoredEvent] = []
    by_store: dict[str, int] = {}
    by_kind: dict[EventKind, int] = {}
    matched = scanned = 0
    complete = False
    while scanned < max_scanned:
        size = min(BACKTEST_PAGE, max_scanned - scanned)
        async with uow_factory() as uow:
            page = await uow.events.list(replace(query, limit=size))
        scanned += len(page)
        for event in page:
            if probe.matches(event):
                matched += 1
                by_store[event.store_id] = by_store.get(event.store_id, 0) + 1
                by_kind[event.kind] = by_kind.get(event.kind, 0) + 1
                if len(matches) < limit:
                    matches.append(event)
        if len(page) < size:
            complete = True
            break
        query = replace(query, before_id=page[-1].id)
    return BacktestResult(matches, matched, scanned, complete, by_store, by_kind)


async def backtest_rule(
    rule_id: str,
    *,
    uow_factory: UnitOfWorkFactory,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
) -> BacktestResult:
    """`backtest` of a saved rule, enabled or not. Raises RuleNotFound."""
    rule = await get_rule(rule_id, uow_factory=uow_factory)
    return await backtest(rule, uow_factory=uow_factory, since=since, until=until, limit=limit)
