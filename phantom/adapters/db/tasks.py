"""SQL repositories of tasks (with their transitions), checkout attempts, rules and inbound channels.

Like repositories.py: rows are mapped to domain objects explicitly, SELECTs use `populate_existing`, and
nothing here commits. Inserts that may collide with a concurrent writer (one task per rule and event, one
attempt per task and number) use INSERT … ON CONFLICT DO NOTHING, so the loser learns it lost without an
error and its transaction stays usable — on PostgreSQL as well.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import (
    Table,
    delete,
    func,
    insert,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from phantom.adapters.db.cache import ListCache
from phantom.adapters.db.rows import fetch_one, fetch_rows, rowcount
from phantom.adapters.db.session import DbSession
from phantom.adapters.db.tables_tasks import (
    CheckoutAttemptRow,
    InboundChannelRow,
    RuleRow,
    TaskRow,
    TaskTransitionRow,
)
from phantom.domain.checkout import OPEN_ATTEMPT_STATUSES, AttemptStatus, CheckoutAttempt
from phantom.domain.events import EventKind
from phantom.domain.history import AttemptNotFound
from phantom.domain.inbound import DuplicateInboundChannel, InboundChannel, InboundChannelNotFound
from phantom.domain.ports import AttemptQuery, TaskQuery
from phantom.domain.rules import InvalidRule, Rule, RuleNotFound
from phantom.domain.tasks import (
    InvalidTask,
    InvalidTransition,
    ProductTarget,
    Task,
    TaskMode,
    TaskNotFound,
    TaskStatus,
    TaskTransition,
)


def _dialect(session: DbSession) -> str:
    return session.get_bind().dialect.name


_NO_SYNC = {"synchronize_session": False}


# ---- tasks -----------------------------------------------------------------------------------------


def _task_values(task: Task) -> dict[str, Any]:
    t = task.target
    return {
        "store_id": task.store_id,
        "url": t.url,
        "handle": t.handle,
        "variant_id": t.variant_id,
        "sku": t.sku,
        "keywords": t.keywords,
        "mode": task.mode.value,
        "status": task.status.value,
        "sizes": list(task.sizes),
        "quantity": task.quantity,
        "profile_id": task.profile_id,
        "max_price": task.max_price,
        "proxy_list_id": task.proxy_list_id,
        "group_name": task.group,
        "test_mode": task.test_mode,
        "status_reason": task.status_reason,
        "rule_id": task.rule_id,
        "event_id": task.event_id,
        "attempts": task.attempts,
        "checkout_url": task.checkout_url,
        "updated_at": task.updated_at,
    }


def _task(row: TaskRow) -> Task:
    return Task(
        id=row.id,
        store_id=row.store_id,
        target=ProductTarget(
            url=row.url, handle=row.handle, variant_id=row.variant_id, sku=row.sku, keywords=row.keywords
        ),
        mode=TaskMode(row.mode),
        status=TaskStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
        sizes=tuple(row.sizes),
        quantity=row.quantity,
        profile_id=row.profile_id,
        max_price=row.max_price,
        proxy_list_id=row.proxy_list_id,
        group=row.group_name,
        test_mode=row.test_mode,
        status_reason=row.status_reason,
        rule_id=row.rule_id,
        event_id=row.event_id,
        attempts=row.attempts,
        checkout_url=row.checkout_url,
    )


def _transition(row: TaskTransitionRow) -> TaskTransition:
    return TaskTransition(
        task_id=row.task_id,
        from_status=TaskStatus(row.from_status) if row.from_status is not None else None,
        to_status=TaskStatus(row.to_status),
        at=row.at,
        reason=row.reason,
    )


_TASK_TABLE = cast(Table, TaskRow.__table__)
_TRANSITION_TABLE = cast(Table, TaskTransitionRow.__table__)
_INSERT_TRANSITION = insert(_TRANSITION_TABLE)
_INSERT_TASK = {
    name: dml(_TASK_TABLE)
    .on_conflict_do_nothing(index_elements=["rule_id", "event_id"])
    .returning(_TASK_TABLE.c.id)
    for name, dml in (("sqlite", sqlite.insert), ("postgresql", postgresql.insert))
}


class SqlTaskRepository:
    def __init__(self, session: DbSession) -> None:
        self._session = session

    async def add(self, task: Task, created: TaskTransition) -> bool:
        """False when a task for the same (rule_id, event_id) exists. Raises InvalidTask when the store,
        profile, proxy list, rule or event does not exist (the transaction stays usable)."""
        params = {"id": task.id, "created_at": task.created_at, **_task_values(task)}
        try:
            async with self._session.begin_nested():
                inserted = (
                    await self._session.execute(_INSERT_TASK[_dialect(self._session)], params)
                ).scalar_one_or_none()
        except IntegrityError as exc:
            raise InvalidTask(f"task {task.id}: an id it refers to does not exist") from exc
        if inserted is None:
            return False
        await self._record(created, seq=1)
        return True

    async def get(self, task_id: str) -> Task | None:
        row = await fetch_one(self._session, select(TaskRow).where(TaskRow.id == task_id))
        return _task(row) if row else None

    async def groups(self) -> list[str]:
        stmt = (
            select(TaskRow.group_name)
            .where(TaskRow.group_name.is_not(None))
            .distinct()
            .order_by(TaskRow.group_name)
        )
        return [g for g in (await self._session.execute(stmt)).scalars().all() if g is not None]

    async def transitions(self, task_id: str) -> list[TaskTransition]:
        stmt = select(TaskTransitionRow).where(TaskTransitionRow.task_id == task_id)
        return [_transition(r) for r in await fetch_rows(self._session, stmt.order_by(TaskTransitionRow.seq))]

    async def list(self, query: TaskQuery) -> list[Task]:
        stmt = select(TaskRow).order_by(TaskRow.created_at.desc(), TaskRow.id.desc()).limit(query.limit)
        if query.statuses:
            stmt = stmt.where(TaskRow.status.in_(sorted(s.value for s in query.statuses)))
        if query.store_id is not None:
            stmt = stmt.where(TaskRow.store_id == query.store_id)
        if query.group is not None:
            stmt = stmt.where(TaskRow.group_name == query.group)
        if query.rule_id is not None:
            stmt = stmt.where(TaskRow.rule_id == query.rule_id)
        return [_task(r) for r in await fetch_rows(self._session, stmt)]

    async def update(self, task: Task, transition: TaskTransition | None = None) -> None:
        """Compare-and-set on the status: the row must still have the status the change starts from
        (`transition.from_status`, or the task's own status when there is no transition). Raises
        InvalidTransition when another writer moved the task first, TaskNotFound when it is gone."""
        expected = task.status
        if transition is not None:
            if transition.from_status is None or (transition.task_id, transition.to_status) != (
                task.id,
                task.status,
            ):
                raise ValueError("the transition must lead from a status to the task's status")
            expected = transition.from_status
        stmt = (
            update(TaskRow)
            .where(TaskRow.id == task.id, TaskRow.status == expected.value)
            .values(**_task_values(task))
        )
        try:
            async with self._session.begin_nested():
                result = await self._session.execute(stmt, execution_options=_NO_SYNC)
        except IntegrityError as exc:
            raise InvalidTask(f"task {task.id}: an id it refers to does not exist") from exc
        if rowcount(result) == 0:
            current = (
                await self._session.execute(select(TaskRow.status).where(TaskRow.id == task.id))
            ).scalar_one_or_none()
            if current is None:
                raise TaskNotFound(f"no task with id {task.id}")
            raise InvalidTransition(f"task {task.id} is {current} now, not {expected}")
        if transition is not None:
            await self._record(transition)

    async def delete(self, task_id: str) -> None:
        """Idempotent; its transitions go with it (its checkout attempts stay: they are history)."""
        await self._session.execute(delete(TaskRow).where(TaskRow.id == task_id), execution_options=_NO_SYNC)

    async def _record(self, t: TaskTransition, seq: int | None = None) -> None:
        if seq is None:
            # The task row's update just before holds its lock: no other writer numbers this task now.
            last = select(func.max(TaskTransitionRow.seq)).where(TaskTransitionRow.task_id == t.task_id)
            seq = ((await self._session.execute(last)).scalar_one_or_none() or 0) + 1
        values = {
            "task_id": t.task_id,
            "seq": seq,
            "from_status": t.from_status.value if t.from_status is not None else None,
            "to_status": t.to_status.value,
            "at": t.at,
            "reason": t.reason,
        }
        await self._session.execute(_INSERT_TRANSITION, values)


# ---- checkout attempts -----------------------------------------------------------------------------


def _attempt_values(a: CheckoutAttempt) -> dict[str, Any]:
    return {
        "task_id": a.task_id,
        "number": a.number,
        "key": a.key,
        "status": a.status.value,
        "mode": a.mode.value,
        "store_id": a.store_id,
        "profile_id": a.profile_id,
        "product_title": a.product_title,
        "product_id": a.product_id,
        "variant_id": a.variant_id,
        "size": a.size,
        "price": a.price,
        "quantity": a.quantity,
        "test_mode": a.test_mode,
        "created_at": a.created_at,
        "detected_at": a.detected_at,
        "link_at": a.link_at,
        "submitted_at": a.submitted_at,
        "finished_at": a.finished_at,
        "checkout_url": a.checkout_url,
        "order_name": a.order_name,
        "detail": a.detail,
    }


def _attempt(row: CheckoutAttemptRow) -> CheckoutAttempt:
    return CheckoutAttempt(
        id=row.id,
        task_id=row.task_id,
        number=row.number,
        key=row.key,
        status=AttemptStatus(row.status),
        mode=TaskMode(row.mode),
        store_id=row.store_id,
        created_at=row.created_at,
        profile_id=row.profile_id,
        product_title=row.product_title,
        product_id=row.product_id,
        variant_id=row.variant_id,
        size=row.size,
        price=row.price,
        quantity=row.quantity,
        test_mode=row.test_mode,
        detected_at=row.detected_at,
        link_at=row.link_at,
        submitted_at=row.submitted_at,
        finished_at=row.finished_at,
        checkout_url=row.checkout_url,
        order_name=row.order_name,
        detail=row.detail,
    )


_ATTEMPT_TABLE = cast(Table, CheckoutAttemptRow.__table__)
_INSERT_ATTEMPT = {
    name: dml(_ATTEMPT_TABLE)
    .on_conflict_do_nothing(index_elements=["task_id", "number"])
    .returning(_ATTEMPT_TABLE.c.id)
    for name, dml in (("sqlite", sqlite.insert), ("postgresql", postgresql.insert))
}


class SqlAttemptRepository:
    def __init__(self, session: DbSession) -> None:
        self._session = session

    async def add(self, attempt: CheckoutAttempt) -> bool:
        params = {"id": attempt.id, **_attempt_values(attempt)}
        inserted = (
            await self._session.execute(_INSERT_ATTEMPT[_dialect(self._session)], params)
        ).scalar_one_or_none()
        return inserted is not None

    async def get(self, attempt_id: str) -> CheckoutAttempt | None:
        row = await fetch_one(
            self._session, select(CheckoutAttemptRow).where(CheckoutAttemptRow.id == attempt_id)
        )
        return _attempt(row) if row else None

    async def update(self, attempt: CheckoutAttempt) -> None:
        """Raises AttemptNotFound for an unknown id."""
        stmt = (
            update(CheckoutAttemptRow)
            .where(CheckoutAttemptRow.id == attempt.id)
            .values(**_attempt_values(attempt))
        )
        if rowcount(await self._session.execute(stmt, execution_options=_NO_SYNC)) == 0:
            raise AttemptNotFound(f"no checkout attempt with id {attempt.id}")

    async def for_task(self, task_id: str) -> list[CheckoutAttempt]:
        stmt = select(CheckoutAttemptRow).where(CheckoutAttemptRow.task_id == task_id)
        return [
            _attempt(r) for r in await fetch_rows(self._session, stmt.order_by(CheckoutAttemptRow.number))
        ]

    async def open(self) -> list[CheckoutAttempt]:
        stmt = (
            select(CheckoutAttemptRow)
            .where(CheckoutAttemptRow.status.in_(sorted(s.value for s in OPEN_ATTEMPT_STATUSES)))
            .order_by(CheckoutAttemptRow.created_at, CheckoutAttemptRow.id)
        )
        return [_attempt(r) for r in await fetch_rows(self._session, stmt)]

    async def list(self, query: AttemptQuery) -> list[CheckoutAttempt]:
        row = CheckoutAttemptRow
        stmt = select(row).order_by(row.created_at.desc(), row.id.desc()).limit(query.limit)
        if query.store_id is not None:
            stmt = stmt.where(row.store_id == query.store_id)
        if query.mode is not None:
            stmt = stmt.where(row.mode == query.mode.value)
        if query.statuses:
            stmt = stmt.where(row.status.in_(sorted(s.value for s in query.statuses)))
        if query.since is not None:
            stmt = stmt.where(row.created_at >= query.since)
        if query.until is not None:
            stmt = stmt.where(row.created_at < query.until)
        if query.before is not None:
            at, attempt_id = query.before
            # The first condition alone bounds the index range; the row value settles ties.
            stmt = stmt.where(row.created_at <= at, tuple_(row.created_at, row.id) < (at, attempt_id))
        return [_attempt(r) for r in await fetch_rows(self._session, stmt)]


# ---- rules -----------------------------------------------------------------------------------------


def _rule_values(rule: Rule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "enabled": rule.enabled,
        "priority": rule.priority,
        "keywords": rule.keywords,
        "sizes": list(rule.sizes),
        "store_ids": list(rule.store_ids),
        "max_price": rule.max_price,
        "kinds": sorted(k.value for k in rule.kinds),
        "profile_id": rule.profile_id,
        "mode": rule.mode.value,
        "quantity": rule.quantity,
        "test_mode": rule.test_mode,
        "proxy_list_id": rule.proxy_list_id,
        "group_name": rule.group,
        "updated_at": rule.updated_at,
    }


def _rule(row: RuleRow) -> Rule:
    return Rule(
        id=row.id,
        name=row.name,
        created_at=row.created_at,
        updated_at=row.updated_at,
        enabled=row.enabled,
        priority=row.priority,
        keywords=row.keywords,
        sizes=tuple(row.sizes),
        store_ids=tuple(row.store_ids),
        max_price=row.max_price,
        kinds=frozenset(EventKind(k) for k in row.kinds),
        profile_id=row.profile_id,
        mode=TaskMode(row.mode),
        quantity=row.quantity,
        test_mode=row.test_mode,
        proxy_list_id=row.proxy_list_id,
        group=row.group_name,
    )


class RuleCache(ListCache[Rule]):
    """The rule list is read for every event (services/rules.on_event): cached."""


class SqlRuleRepository:
    def __init__(self, session: DbSession, cache: RuleCache | None = None) -> None:
        self._session = session
        self._cache = cache
        self._wrote = False  # a session that changed rules must not cache what it has not committed

    def _changed(self) -> None:
        self._wrote = True
        if self._cache is not None:
            self._cache.invalidate()

    async def add(self, rule: Rule) -> None:
        """Raises InvalidRule when the id exists or a profile / proxy list it names does not."""
        self._changed()
        stmt = insert(RuleRow).values(id=rule.id, created_at=rule.created_at, **_rule_values(rule))
        try:
            async with self._session.begin_nested():
                await self._session.execute(stmt)
        except IntegrityError as exc:
            raise InvalidRule(f"rule {rule.id}: duplicate id, or an id it refers to does not exist") from exc

    async def get(self, rule_id: str) -> Rule | None:
        row = await fetch_one(self._session, select(RuleRow).where(RuleRow.id == rule_id))
        return _rule(row) if row else None

    async def list(self) -> list[Rule]:
        """Oldest first."""
        if self._cache is not None and not self._wrote and (cached := self._cache.get()) is not None:
            return cached
        rows = await fetch_rows(self._session, select(RuleRow).order_by(RuleRow.created_at, RuleRow.id))
        rules = [_rule(r) for r in rows]
        if self._cache is not None and not self._wrote:
            self._cache.put(rules)
        return rules

    async def update(self, rule: Rule) -> None:
        self._changed()
        stmt = update(RuleRow).where(RuleRow.id == rule.id).values(**_rule_values(rule))
        try:
            async with self._session.begin_nested():
                result = await self._session.execute(stmt, execution_options=_NO_SYNC)
        except IntegrityError as exc:
            raise InvalidRule(f"rule {rule.id}: an id it refers to does not exist") from exc
        if rowcount(result) == 0:
            raise RuleNotFound(f"no rule with id {rule.id}")

    async def delete(self, rule_id: str) -> None:
        """Idempotent; tasks it created keep running (their rule_id becomes NULL)."""
        self._changed()
        await self._session.execute(delete(RuleRow).where(RuleRow.id == rule_id), execution_options=_NO_SYNC)


# ---- inbound channels ------------------------------------------------------------------------------


def _inbound(row: InboundChannelRow) -> InboundChannel:
    return InboundChannel(
        id=row.id, name=row.name, secret=row.secret, enabled=row.enabled, created_at=row.created_at
    )


class SqlInboundRepository:
    def __init__(self, session: DbSession) -> None:
        self._session = session

    async def add(self, channel: InboundChannel) -> None:
        if channel.created_at is None:
            raise ValueError("an inbound channel needs created_at")
        stmt = insert(InboundChannelRow).values(
            id=channel.id,
            name=channel.name,
            secret=channel.secret,
            enabled=channel.enabled,
            created_at=channel.created_at,
        )
        try:
            async with self._session.begin_nested():
                await self._session.execute(stmt)
        except IntegrityError as exc:
            raise DuplicateInboundChannel(f"an inbound channel named {channel.name!r} exists") from exc

    async def get(self, channel_id: str) -> InboundChannel | None:
        row = await fetch_one(
            self._session, select(InboundChannelRow).where(InboundChannelRow.id == channel_id)
        )
        return _inbound(row) if row else None

    async def get_by_name(self, name: str) -> InboundChannel | None:
        row = await fetch_one(self._session, select(InboundChannelRow).where(InboundChannelRow.name == name))
        return _inbound(row) if row else None

    async def list(self) -> list[InboundChannel]:
        stmt = select(InboundChannelRow).order_by(InboundChannelRow.name)
        return [_inbound(r) for r in await fetch_rows(self._session, stmt)]

    async def update(self, channel: InboundChannel) -> None:
        stmt = (
            update(InboundChannelRow)
            .where(InboundChannelRow.id == channel.id)
            .values(name=channel.name, secret=channel.secret, enabled=channel.enabled)
        )
        try:
            async with self._session.begin_nested():
                result = await self._session.execute(stmt, execution_options=_NO_SYNC)
        except IntegrityError as exc:
            raise DuplicateInboundChannel(f"another inbound channel is named {channel.name!r}") from exc
        if rowcount(result) == 0:
            raise InboundChannelNotFound(f"no inbound channel with id {channel.id}")

    async def delete(self, channel_id: str) -> None:
        await self._session.execute(
            delete(InboundChannelRow).where(InboundChannelRow.id == channel_id), execution_options=_NO_SYNC
        )
