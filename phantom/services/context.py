"""What the API and workers are handed by the engine: the ports, wired. Built only in core/engine.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from phantom.domain.ports import Clock, IdFactory, MonitorControl, Notifier, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class ServiceContext:
    uow_factory: UnitOfWorkFactory
    clock: Clock
    ids: IdFactory
    monitors: MonitorControl
    notifier: Notifier
    render_metrics: Callable[[], bytes]
