"""Task use cases: create, read, edit, delete, start and stop checkout tasks, one at a time or in bulk.

Every status change goes through the domain's `transition()` and is stored with its reason; the repository
applies it compare-and-set, so a stop and the runner racing on one task cannot both win. Starting a task
moves it to WAITING and hands it to the runner (TaskControl), which carts it or returns it to waiting;
stopping cancels it and tells the runner to let go.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from phantom.domain.checkout import CheckoutAttempt
from phantom.domain.errors import DomainError
from phantom.domain.ports import Clock, IdFactory, TaskControl, TaskQuery, UnitOfWork, UnitOfWorkFactory
from phantom.domain.tasks import (
    ACTIVE_STATUSES,
    EDITABLE_STATUSES,
    InvalidTask,
    ProductTarget,
    Task,
    TaskBatchRejected,
    TaskBusy,
    TaskMode,
    TaskNotFound,
    TaskStatus,
    TaskTransition,
    transition,
    validate_task,
)
from phantom.services.task_refs import Refs, clean_group, clean_sizes

MAX_LIST = 1000
MAX_BATCH = 5000
# Finished without anything to stop: stopping them changes nothing.
_NOTHING_TO_STOP = frozenset({TaskStatus.CANCELLED, TaskStatus.SUCCESS, TaskStatus.FAILED})


@dataclass(frozen=True, slots=True)
class TaskSpec:
    """A task as a person asks for it: the store by id or URL, profile and proxy list by id or name."""

    store: str
    target: ProductTarget
    mode: TaskMode = TaskMode.ASSIST
    sizes: tuple[str, ...] = ()
    quantity: int = 1
    profile: str | None = None
    max_price: int | None = None  # minor units
    proxy_list: str | None = None
    group: str | None = None
    test_mode: bool = False


# The fields a partial edit may change (TaskSpec names; `url`…`keywords` are the target's).
TARGET_FIELDS = ("url", "handle", "variant_id", "sku", "keywords")
EDIT_FIELDS = frozenset(
    {*TARGET_FIELDS, "mode", "sizes", "quantity", "profile", "max_price", "proxy_list", "group", "test_mode"}
)


@dataclass(frozen=True, slots=True)
class TaskDetail:
    task: Task
    transitions: list[TaskTransition]
    attempts: list[CheckoutAttempt]


class BulkAction(StrEnum):
    START = "start"
    STOP = "stop"
    DELETE = "delete"
    EDIT = "edit"


@dataclass(frozen=True, slots=True)
class BulkResult:
    task_id: str
    ok: bool
    error: str | None = None  # the DomainError's class name when not ok
    detail: str | None = None
    task: Task | None = None  # the task after the action (None when deleted or not found)


# ---- building tasks --------------------------------------------------------------------------------


async def build_task(
    spec: TaskSpec, refs: Refs, *, task_id: str, clock: Clock
) -> tuple[Task | None, list[tuple[str, str]]]:
    """The validated IDLE task, or None and the (field, reason) problems. Nothing is written."""
    problems: list[tuple[str, str]] = []
    store = await refs.store(spec.store)
    if store is None:
        problems.append(("store", "no such store (give its id or URL)"))
    profile_id = None
    if spec.profile and (profile_id := await refs.profile_id(spec.profile)) is None:
        problems.append(("profile", "no such profile (give its id or name)"))
    proxy_list_id = None
    if spec.proxy_list and (proxy_list_id := await refs.proxy_list_id(spec.proxy_list)) is None:
        problems.append(("proxy_list", "no such proxy list (give its id or name)"))
    if spec.target.url and not spec.target.url.startswith(("http://", "https://")):
        problems.append(("url", "must be an http(s) URL"))
    if problems or store is None:
        return None, problems
    now = clock.now()
    task = Task(
        id=task_id,
        store_id=store.id,
        target=_clean_target(spec.target),
        mode=spec.mode,
        status=TaskStatus.IDLE,
        created_at=now,
        updated_at=now,
        sizes=clean_sizes(spec.sizes),
        quantity=spec.quantity,
        profile_id=profile_id,
        max_price=spec.max_price,
        proxy_list_id=proxy_list_id,
        group=clean_group(spec.group),
        test_mode=spec.test_mode,
        status_reason="created",
    )
    try:
        return validate_task(task), []
    except InvalidTask as exc:
        return None, [("task", str(exc))]


def _clean_target(target: ProductTarget) -> ProductTarget:
    return ProductTarget(**{name: (getattr(target, name) or "").strip() or None for name in TARGET_FIELDS})


def _created(task: Task) -> TaskTransition:
    return TaskTransition(task.id, None, task.status, task.created_at, "created")


async def _add(uow: UnitOfWork, task: Task) -> None:
    if not await uow.tasks.add(task, _created(task)):
        raise InvalidTask(f"a task for rule {task.rule_id} and event {task.event_id} exists")


# ---- single tasks ----------------------------------------------------------------------------------


async def create_task(
    spec: TaskSpec, *, uow_factory: UnitOfWorkFactory, clock: Clock, ids: IdFactory
) -> Task:
    """Validate and store an IDLE task. Raises InvalidTask naming the fields at fault."""
    async with uow_factory() as uow:
        task, problems = await build_task(spec, Refs(uow), task_id=ids(), clock=clock)
        if task is None:
            raise InvalidTask("; ".join(f"{f}: {r}" for f, r in problems))
        await _add(uow, task)
        await uow.commit()
    return task


async def quick_task(
    spec: TaskSpec, *, uow_factory: UnitOfWorkFactory, clock: Clock, ids: IdFactory, control: TaskControl
) -> Task:
    """Create a task and start it at once (one transaction, both transitions recorded)."""
    async with uow_factory() as uow:
        task, problems = await build_task(spec, Refs(uow), task_id=ids(), clock=clock)
        if task is None:
            raise InvalidTask("; ".join(f"{f}: {r}" for f, r in problems))
        await _add(uow, task)
        started = await _start(uow, task, clock, "quick task")
        await uow.commit()
    control.run(started.id)
    return started


async def get_task(task_id: str, *, uow_factory: UnitOfWorkFactory) -> TaskDetail:
    """The task with its transitions (oldest first) and checkout attempts. Raises TaskNotFound."""
    async with uow_factory() as uow:
        task = await _get(uow, task_id)
        return TaskDetail(task, await uow.tasks.transitions(task_id), await uow.attempts.for_task(task_id))


async def list_tasks(query: TaskQuery, *, uow_factory: UnitOfWorkFactory) -> list[Task]:
    """Newest first; the page size is capped."""
    async with uow_factory() as uow:
        return await uow.tasks.list(replace(query, limit=max(1, min(query.limit, MAX_LIST))))


async def list_groups(*, uow_factory: UnitOfWorkFactory) -> list[str]:
    async with uow_factory() as uow:
        return await uow.tasks.groups()


async def update_task(
    task_id: str, changes: Mapping[str, object], *, uow_factory: UnitOfWorkFactory, clock: Clock
) -> Task:
    """Apply a partial edit (keys from EDIT_FIELDS; None clears an optional field). Only a task nothing runs
    can be edited. Raises TaskNotFound, TaskBusy or InvalidTask."""
    async with uow_factory() as uow:
        task = await _edit(uow, await _get(uow, task_id), changes, clock)
        await uow.commit()
    return task


async def delete_task(task_id: str, *, uow_factory: UnitOfWorkFactory, control: TaskControl) -> None:
    """Remove a task that is not running (its checkout attempts stay in the history)."""
    async with uow_factory() as uow:
        await _delete(uow, await _get(uow, task_id))
        await uow.commit()
    control.stop(task_id)


async def start_task(
    task_id: str, *, uow_factory: UnitOfWorkFactory, clock: Clock, control: TaskControl
) -> Task:
    """Move the task to WAITING and hand it to the runner. A waiting task is just run again. Raises
    TaskNotFound, TaskBusy (running), InvalidTransition (a success is final) or InvalidTask."""
    async with uow_factory() as uow:
        task = await _start(uow, await _get(uow, task_id), clock, "started")
        await uow.commit()
    control.run(task.id)
    return task


async def stop_task(
    task_id: str, *, uow_factory: UnitOfWorkFactory, clock: Clock, control: TaskControl
) -> Task:
    """Cancel the task and tell the runner. A submitted task cannot be cancelled (the order may exist);
    a finished one is left as it is."""
    async with uow_factory() as uow:
        task = await _stop(uow, await _get(uow, task_id), clock)
        await uow.commit()
    control.stop(task.id)
    return task


# ---- bulk ------------------------------------------------------------------------------------------


async def bulk_create(
    specs: Sequence[TaskSpec], *, uow_factory: UnitOfWorkFactory, clock: Clock, ids: IdFactory
) -> list[Task]:
    """All or nothing: every spec is checked first; any problem raises TaskBatchRejected listing each (item
    number from 1, field, reason), and nothing is written."""
    if not specs:
        raise TaskBatchRejected([(0, "tasks", "nothing to create")])
    if len(specs) > MAX_BATCH:
        raise TaskBatchRejected([(0, "tasks", f"at most {MAX_BATCH} tasks at once")])
    async with uow_factory() as uow:
        refs = Refs(uow)
        tasks: list[Task] = []
        problems: list[tuple[int, str, str]] = []
        for number, spec in enumerate(specs, start=1):
            task, found = await build_task(spec, refs, task_id=ids(), clock=clock)
            problems += [(number, f, r) for f, r in found]
            if task is not None:
                tasks.append(task)
        if problems:
            raise TaskBatchRejected(problems)
        for task in tasks:
            await _add(uow, task)
        await uow.commit()
    return tasks


async def bulk_action(
    action: BulkAction,
    task_ids: Iterable[str],
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    control: TaskControl,
    changes: Mapping[str, object] | None = None,
) -> list[BulkResult]:
    """Apply one action to many tasks in one transaction; each task gets its own result (ok, or the
    error that stopped it), and one task's refusal does not stop the others."""
    ids = list(dict.fromkeys(task_ids))
    if action is BulkAction.EDIT and not changes:
        raise InvalidTask("an edit needs changes")
    async with uow_factory() as uow:
        results = [await _apply(uow, action, task_id, clock, changes or {}) for task_id in ids]
        await uow.commit()
    _notify(control, action, results)
    return results


async def group_action(
    action: BulkAction,
    group: str,
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    control: TaskControl,
) -> list[BulkResult]:
    """Start or stop (or delete) every task of a group."""
    async with uow_factory() as uow:
        ids = [t.id for t in await uow.tasks.list(TaskQuery(group=group, limit=MAX_BATCH))]
    return await bulk_action(action, ids, uow_factory=uow_factory, clock=clock, control=control)


async def _apply(
    uow: UnitOfWork, action: BulkAction, task_id: str, clock: Clock, changes: Mapping[str, object]
) -> BulkResult:
    try:
        task = await _get(uow, task_id)
        if action is BulkAction.START:
            task = await _start(uow, task, clock, "started")
        elif action is BulkAction.STOP:
            task = await _stop(uow, task, clock)
        elif action is BulkAction.EDIT:
            task = await _edit(uow, task, changes, clock)
        else:
            await _delete(uow, task)
            return BulkResult(task_id, ok=True)
    except DomainError as exc:
        return BulkResult(task_id, ok=False, error=type(exc).__name__, detail=str(exc))
    return BulkResult(task_id, ok=True, task=task)


def _notify(control: TaskControl, action: BulkAction, results: list[BulkResult]) -> None:
    for r in results:
        if not r.ok:
            continue
        if action is BulkAction.START:
            control.run(r.task_id)
        elif action in (BulkAction.STOP, BulkAction.DELETE):
            control.stop(r.task_id)


# ---- inside a transaction --------------------------------------------------------------------------


async def _get(uow: UnitOfWork, task_id: str) -> Task:
    task = await uow.tasks.get(task_id)
    if task is None:
        raise TaskNotFound(f"no task with id {task_id}")
    return task


async def _start(uow: UnitOfWork, task: Task, clock: Clock, reason: str) -> Task:
    if task.status in ACTIVE_STATUSES:
        raise TaskBusy(f"task {task.id} is already running ({task.status.value})")
    validate_task(task)  # a profile deleted since (browser mode) or the like
    if task.status is TaskStatus.WAITING:
        return task  # already started: the runner looks at it again
    moved, step = transition(task, TaskStatus.WAITING, clock.now(), reason)
    await uow.tasks.update(moved, step)
    return moved


async def _stop(uow: UnitOfWork, task: Task, clock: Clock) -> Task:
    if task.status in _NOTHING_TO_STOP:
        return task
    moved, step = transition(task, TaskStatus.CANCELLED, clock.now(), "stopped")
    await uow.tasks.update(moved, step)
    return moved


async def _delete(uow: UnitOfWork, task: Task) -> None:
    if task.status not in EDITABLE_STATUSES:
        raise TaskBusy(f"task {task.id} is {task.status.value}: stop it first")
    await uow.tasks.delete(task.id)


async def _edit(uow: UnitOfWork, task: Task, changes: Mapping[str, object], clock: Clock) -> Task:
    if task.status not in EDITABLE_STATUSES:
        raise TaskBusy(f"task {task.id} is {task.status.value}: it cannot be edited while it runs")
    unknown = set(changes) - EDIT_FIELDS
    if unknown:
        raise InvalidTask(f"cannot change {', '.join(sorted(unknown))}")
    refs = Refs(uow)
    target = replace(task.target, **{k: v for k, v in changes.items() if k in TARGET_FIELDS})  # type: ignore[arg-type]
    edited = replace(task, target=_clean_target(target), updated_at=clock.now())
    for name in ("mode", "quantity", "max_price", "test_mode"):
        if name in changes:
            edited = replace(edited, **{name: changes[name]})  # type: ignore[arg-type]
    if "sizes" in changes:
        edited = replace(edited, sizes=clean_sizes(list(changes["sizes"] or ())))  # type: ignore[call-overload]
    if "group" in changes:
        edited = replace(edited, group=clean_group(changes["group"]))  # type: ignore[arg-type]
    if "profile" in changes:
        edited = replace(edited, profile_id=await _ref(refs.profile_id, changes["profile"], "profile"))
    if "proxy_list" in changes:
        edited = replace(
            edited, proxy_list_id=await _ref(refs.proxy_list_id, changes["proxy_list"], "proxy_list")
        )
    if edited.target.url and not edited.target.url.startswith(("http://", "https://")):
        raise InvalidTask("url: must be an http(s) URL")
    validate_task(edited)
    await uow.tasks.update(edited)
    return edited


async def _ref(lookup: Callable[[str], Awaitable[str | None]], value: object, name: str) -> str | None:
    if value is None or value == "":
        return None
    found = await lookup(str(value))
    if found is None:
        raise InvalidTask(f"{name}: no such {name.replace('_', ' ')} (give its id or name)")
    return found
