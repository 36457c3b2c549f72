"""The task runner: events → rules → tasks, and each task's checkout run as its own asyncio task.

One run per task at a time (a `run` while one is in flight runs the task again right after it, with the
latest event), at most `concurrency` runs at once (browser checkouts have their own, smaller limit in
CheckoutDeps.browser_slots). Events are matched in arrival order on one queue.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import structlog

from phantom.domain.events import CHECKOUT_KINDS, StoredEvent
from phantom.domain.tasks import Task, TaskStatus
from phantom.services.checkout import CheckoutDeps, RunResult, announce_task, recover, run_task

log = structlog.get_logger()

EventMatcher = Callable[[StoredEvent], Awaitable[list[Task]]]
WAITING_ONLY = frozenset({TaskStatus.WAITING})


class TaskRunner:
    def __init__(
        self,
        deps: CheckoutDeps,
        *,
        match_event: EventMatcher | None = None,
        concurrency: int = 16,
        on_result: Callable[[RunResult], None] | None = None,
    ) -> None:
        self._deps = deps
        self._match_event = match_event
        self._slots = asyncio.Semaphore(concurrency)
        self._running: dict[str, asyncio.Task[None]] = {}
        self._events: asyncio.Queue[StoredEvent] = asyncio.Queue()
        self._on_result = on_result
        self._loop_task: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[None]] = set()
        self._pending: dict[str, StoredEvent | None] = {}
        self._stopping = False

    # -- TaskControl --------------------------------------------------------------------------------

    def run(self, task_id: str, event: StoredEvent | None = None) -> None:
        if event is None:  # started by the person (API): their other dashboards hear it now
            self._announce(task_id)
        if task_id in self._running:
            # Run again once the current run ends (it may be a stopped run still winding down, or it read
            # the product before this event): the latest event wins.
            self._pending[task_id] = event
            return
        self._running[task_id] = asyncio.create_task(self._run(task_id, event), name=f"task:{task_id}")

    def stop(self, task_id: str) -> None:
        self._pending.pop(task_id, None)
        self._announce(task_id)
        running = self._running.get(task_id)
        if running is not None:
            running.cancel()

    def _announce(self, task_id: str) -> None:
        if self._deps.on_task is not None:
            task = asyncio.create_task(announce_task(task_id, self._deps), name=f"announce:{task_id}")
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    # -- events -------------------------------------------------------------------------------------

    def on_event(self, event: StoredEvent) -> None:
        """Called by the engine for every new event (synchronously, on the loop)."""
        if self._match_event is not None and event.kind not in CHECKOUT_KINDS:
            self._events.put_nowait(event)

    async def start(self) -> None:
        """Settle what a crash left open, run what should run, then start matching events."""
        for task_id in await recover(self._deps):
            self.run(task_id)
        self._loop_task = asyncio.create_task(self._match_loop(), name="task-rules")

    async def _match_loop(self) -> None:
        assert self._match_event is not None
        while True:
            event = await self._events.get()
            try:
                tasks = await self._match_event(event)
            except Exception:
                log.exception("rules_failed", event=event.id)
                continue
            for task in tasks:
                self.run(task.id, event)

    async def _run(self, task_id: str, event: StoredEvent | None) -> None:
        try:
            async with self._slots:
                # Only a waiting task runs: a start, a rule or recovery put it there; anything else (a link
                # already handed over, a success, a cancel) is left alone.
                result = await run_task(task_id, event, self._deps, runnable=WAITING_ONLY)
            if result is not None and self._on_result is not None:
                self._on_result(result)
        except asyncio.CancelledError:
            log.info("task_stopped", task=task_id)
            raise
        except Exception:
            log.exception("task_run_failed", task=task_id)
        finally:
            self._running.pop(task_id, None)
            if task_id in self._pending and not self._stopping:
                self.run(task_id, self._pending.pop(task_id))

    def running(self) -> frozenset[str]:
        return frozenset(self._running)

    async def stop_all(self) -> None:
        self._stopping = True
        tasks = [*self._running.values(), *self._background, *([self._loop_task] if self._loop_task else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
