"""In-memory fakes of the task, attempt, rule and inbound-channel repositories, plus FakeTaskControl and
FakeEventSink. FakeUnitOfWork (tests/fakes.py) constructs the repositories; they pass the same contract
tests as the SQL ones (tests/integration/db/test_tasks*.py).

Kept apart from tests/fakes.py to keep that file small; the repositories reach the tables through the unit
of work (`uow.tables`), the same way the fakes there do. The foreign keys of tables_tasks.py are mimicked:
missing references raise InvalidTask / InvalidRule like the SQL adapter, a store's tasks and attempts go
with it, and a deleted rule, profile or proxy list leaves its tasks (and rules) with a NULL reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from phantom.domain.checkout import OPEN_ATTEMPT_STATUSES, CheckoutAttempt
from phantom.domain.events import StoredEvent
from phantom.domain.history import AttemptNotFound
from phantom.domain.inbound import DuplicateInboundChannel, InboundChannel, InboundChannelNotFound
from phantom.domain.notifications import OutboxItem
from phantom.domain.ports import AttemptQuery, TaskQuery
from phantom.domain.rules import InvalidRule, Rule, RuleNotFound
from phantom.domain.stores import Store
from phantom.domain.tasks import InvalidTask, InvalidTransition, Task, TaskNotFound, TaskTransition


class _TaskTables(Protocol):
    stores: dict[str, Any]
    events: dict[str, Any]
    profiles: dict[str, Any]
    proxy_lists: dict[str, Any]
    tasks: dict[str, Task]
    transitions: dict[str, TaskTransition]  # key: transition_key(task_id, seq)
    attempts: dict[str, CheckoutAttempt]
    rules: dict[str, Rule]
    inbound: dict[str, InboundChannel]

    def touch(self, table: str, key: str) -> None: ...


class _HasTables(Protocol):
    @property
    def tables(self) -> Any: ...

    @property
    def db(self) -> Any: ...


TASK_TABLE_NAMES = ("tasks", "transitions", "attempts", "rules", "inbound")


def init_task_tables(t: Any) -> None:
    """Called by _Tables.__init__ (tests/fakes.py)."""
    for name in TASK_TABLE_NAMES:
        setattr(t, name, {})


def transition_key(task_id: str, seq: int) -> str:
    return f"{task_id}\x1f{seq:06d}"


def _aware(*values: datetime | None) -> None:
    for value in values:
        if value is not None and value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: Phantom stores timezone-aware UTC only")


class _Repo:
    def __init__(self, uow: _HasTables) -> None:
        self._uow = uow

    @property
    def _t(self) -> _TaskTables:
        tables: _TaskTables = self._uow.tables
        return tables


# ---- cascades the SQL foreign keys perform (called from tests/fakes.py) -----------------------------


def cascade_store(t: Any, store_id: str) -> None:
    """A deleted store takes its tasks (with their transitions) and its checkout attempts."""
    for task_id in [k for k, task in t.tasks.items() if task.store_id == store_id]:
        _drop_task(t, task_id)
    for attempt_id in [k for k, a in t.attempts.items() if a.store_id == store_id]:
        del t.attempts[attempt_id]
        t.touch("attempts", attempt_id)


def null_references(t: Any, field_name: str, value: str) -> None:
    """ON DELETE SET NULL: tasks and rules that named a deleted profile / proxy list / rule."""
    for table in ("tasks", "rules"):
        rows: dict[str, Any] = getattr(t, table)
        for key, row in list(rows.items()):
            if hasattr(row, field_name) and getattr(row, field_name) == value:
                rows[key] = replace(row, **{field_name: None})
                t.touch(table, key)


def _drop_task(t: Any, task_id: str) -> None:
    del t.tasks[task_id]
    t.touch("tasks", task_id)
    for key in [k for k in t.transitions if k.startswith(f"{task_id}\x1f")]:
        del t.transitions[key]
        t.touch("transitions", key)


# ---- tasks -----------------------------------------------------------------------------------------


class FakeTaskRepository(_Repo):
    async def add(self, task: Task, created: TaskTransition) -> bool:
        t = self._t
        self._check_refs(task)
        if task.rule_id is not None and task.event_id is not None:
            key = (task.rule_id, task.event_id)
            # As in SQL, the unique key holds across transactions: rows committed since this one began and
            # rows another open transaction inserted (SQL would make this one wait for it) count too.
            for rows in (t.tasks, self._uow.db.tasks):
                if any((x.rule_id, x.event_id) == key for x in rows.values()):
                    return False
            claims: dict[tuple[str, str], tuple[Any, Any]] = self._uow.db.__dict__.setdefault("_claims", {})
            holder = claims.get(key)
            if holder is not None and holder[0] is not self._uow and holder[0]._tx is holder[1]:
                return False
            claims[key] = (self._uow, self._uow._tx)
        if task.id in t.tasks:
            raise InvalidTask(f"task {task.id} exists")
        _aware(task.created_at, task.updated_at, created.at)
        t.tasks[task.id] = task
        t.touch("tasks", task.id)
        self._record(created, 1)
        return True

    async def get(self, task_id: str) -> Task | None:
        return self._t.tasks.get(task_id)

    async def groups(self) -> list[str]:
        return sorted({x.group for x in self._t.tasks.values() if x.group is not None})

    async def transitions(self, task_id: str) -> list[TaskTransition]:
        t = self._t
        return [t.transitions[k] for k in sorted(k for k in t.transitions if k.startswith(f"{task_id}\x1f"))]

    async def list(self, query: TaskQuery) -> list[Task]:
        found = [
            x
            for x in self._t.tasks.values()
            if (not query.statuses or x.status in query.statuses)
            and (query.store_id is None or x.store_id == query.store_id)
            and (query.group is None or x.group == query.group)
            and (query.rule_id is None or x.rule_id == query.rule_id)
        ]
        return sorted(found, key=lambda x: (x.created_at, x.id), reverse=True)[: query.limit]

    async def update(self, task: Task, transition: TaskTransition | None = None) -> None:
        t = self._t
        expected = task.status
        if transition is not None:
            if transition.from_status is None or (transition.task_id, transition.to_status) != (
                task.id,
                task.status,
            ):
                raise ValueError("the transition must lead from a status to the task's status")
            expected = transition.from_status
        current = t.tasks.get(task.id)
        if current is None:
            raise TaskNotFound(f"no task with id {task.id}")
        if current.status is not expected:
            raise InvalidTransition(f"task {task.id} is {current.status} now, not {expected}")
        self._check_refs(task)
        _aware(task.updated_at)
        t.tasks[task.id] = replace(task, created_at=current.created_at)
        t.touch("tasks", task.id)
        if transition is not None:
            self._record(transition, len(await self.transitions(task.id)) + 1)

    async def delete(self, task_id: str) -> None:
        if task_id in self._t.tasks:
            _drop_task(self._t, task_id)

    def _check_refs(self, task: Task) -> None:
        t = self._t
        refs = (
            (task.store_id, t.stores),
            (task.profile_id, t.profiles),
            (task.proxy_list_id, t.proxy_lists),
            (task.rule_id, t.rules),
            (task.event_id, t.events),
        )
        if any(ref is not None and ref not in rows for ref, rows in refs):
            raise InvalidTask(f"task {task.id}: an id it refers to does not exist")

    def _record(self, transition: TaskTransition, seq: int) -> None:
        _aware(transition.at)
        key = transition_key(transition.task_id, seq)
        self._t.transitions[key] = transition
        self._t.touch("transitions", key)


# ---- checkout attempts -----------------------------------------------------------------------------


class FakeAttemptRepository(_Repo):
    async def add(self, attempt: CheckoutAttempt) -> bool:
        t = self._t
        if attempt.store_id not in t.stores:
            raise InvalidTask(f"attempt {attempt.id}: no store {attempt.store_id}")
        for rows in (t.attempts, self._uow.db.attempts):
            if any((a.task_id, a.number) == (attempt.task_id, attempt.number) for a in rows.values()):
                return False
        _aware(attempt.created_at, attempt.detected_at, attempt.link_at, attempt.submitted_at)
        t.attempts[attempt.id] = attempt
        t.touch("attempts", attempt.id)
        return True

    async def get(self, attempt_id: str) -> CheckoutAttempt | None:
        return self._t.attempts.get(attempt_id)

    async def update(self, attempt: CheckoutAttempt) -> None:
        t = self._t
        if attempt.id not in t.attempts:
            raise AttemptNotFound(f"no checkout attempt with id {attempt.id}")
        _aware(attempt.finished_at, attempt.link_at, attempt.submitted_at)
        t.attempts[attempt.id] = attempt
        t.touch("attempts", attempt.id)

    async def for_task(self, task_id: str) -> list[CheckoutAttempt]:
        return sorted((a for a in self._t.attempts.values() if a.task_id == task_id), key=lambda a: a.number)

    async def open(self) -> list[CheckoutAttempt]:
        found = [a for a in self._t.attempts.values() if a.status in OPEN_ATTEMPT_STATUSES]
        return sorted(found, key=lambda a: (a.created_at, a.id))

    async def list(self, query: AttemptQuery) -> list[CheckoutAttempt]:
        found = [
            a
            for a in self._t.attempts.values()
            if (query.store_id is None or a.store_id == query.store_id)
            and (query.mode is None or a.mode is query.mode)
            and (not query.statuses or a.status in query.statuses)
            and (query.since is None or a.created_at >= query.since)
            and (query.until is None or a.created_at < query.until)
            and (query.before is None or (a.created_at, a.id) < query.before)
        ]
        return sorted(found, key=lambda a: (a.created_at, a.id), reverse=True)[: query.limit]


# ---- rules -----------------------------------------------------------------------------------------


class FakeRuleRepository(_Repo):
    async def add(self, rule: Rule) -> None:
        t = self._t
        if rule.id in t.rules or not self._refs_ok(rule):
            raise InvalidRule(f"rule {rule.id}: duplicate id, or an id it refers to does not exist")
        _aware(rule.created_at, rule.updated_at)
        t.rules[rule.id] = rule
        t.touch("rules", rule.id)

    async def get(self, rule_id: str) -> Rule | None:
        return self._t.rules.get(rule_id)

    async def list(self) -> list[Rule]:
        return sorted(self._t.rules.values(), key=lambda r: (r.created_at, r.id))

    async def update(self, rule: Rule) -> None:
        t = self._t
        if rule.id not in t.rules:
            raise RuleNotFound(f"no rule with id {rule.id}")
        if not self._refs_ok(rule):
            raise InvalidRule(f"rule {rule.id}: an id it refers to does not exist")
        t.rules[rule.id] = replace(rule, created_at=t.rules[rule.id].created_at)
        t.touch("rules", rule.id)

    async def delete(self, rule_id: str) -> None:
        t = self._t
        if t.rules.pop(rule_id, None) is None:
            return
        t.touch("rules", rule_id)
        null_references(t, "rule_id", rule_id)

    def _refs_ok(self, rule: Rule) -> bool:
        t = self._t
        return (rule.profile_id is None or rule.profile_id in t.profiles) and (
            rule.proxy_list_id is None or rule.proxy_list_id in t.proxy_lists
        )


# ---- inbound channels ------------------------------------------------------------------------------


class FakeInboundRepository(_Repo):
    async def add(self, channel: InboundChannel) -> None:
        t = self._t
        if channel.created_at is None:
            raise ValueError("an inbound channel needs created_at")
        if channel.id in t.inbound or any(c.name == channel.name for c in t.inbound.values()):
            raise DuplicateInboundChannel(f"an inbound channel named {channel.name!r} exists")
        _aware(channel.created_at)
        t.inbound[channel.id] = channel
        t.touch("inbound", channel.id)

    async def get(self, channel_id: str) -> InboundChannel | None:
        return self._t.inbound.get(channel_id)

    async def get_by_name(self, name: str) -> InboundChannel | None:
        return next((c for c in self._t.inbound.values() if c.name == name), None)

    async def list(self) -> list[InboundChannel]:
        return sorted(self._t.inbound.values(), key=lambda c: c.name)

    async def update(self, channel: InboundChannel) -> None:
        t = self._t
        current = t.inbound.get(channel.id)
        if current is None:
            raise InboundChannelNotFound(f"no inbound channel with id {channel.id}")
        if any(c.name == channel.name and c.id != channel.id for c in t.inbound.values()):
            raise DuplicateInboundChannel(f"another inbound channel is named {channel.name!r}")
        t.inbound[channel.id] = replace(channel, created_at=current.created_at)
        t.touch("inbound", channel.id)

    async def delete(self, channel_id: str) -> None:
        if self._t.inbound.pop(channel_id, None) is not None:
            self._t.touch("inbound", channel_id)


# ---- the runner and the event sink, as services see them ------------------------------------------


@dataclass
class FakeTaskControl:
    """Satisfies TaskControl: records what services asked the runner to run and stop."""

    runs: list[tuple[str, StoredEvent | None]] = field(default_factory=list)
    stops: list[str] = field(default_factory=list)

    def run(self, task_id: str, event: StoredEvent | None = None) -> None:
        self.runs.append((task_id, event))

    def stop(self, task_id: str) -> None:
        self.stops.append(task_id)

    @property
    def run_ids(self) -> list[str]:
        return [task_id for task_id, _ in self.runs]


@dataclass
class FakeEventSink:
    """Satisfies EventSink: records every publish as (store, events, alerts)."""

    published: list[tuple[Store, list[StoredEvent], list[OutboxItem]]] = field(default_factory=list)

    def publish(self, store: Store, events: list[StoredEvent], alerts: Sequence[OutboxItem]) -> None:
        self.published.append((store, list(events), list(alerts)))

    @property
    def events(self) -> list[StoredEvent]:
        return [e for _, events, _ in self.published for e in events]
