"""What the API and workers are handed by the engine: the ports, wired. Built only in core/engine.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from phantom.domain.ports import (
    Authenticator,
    Clock,
    EventSink,
    IdFactory,
    LiveFeed,
    LoginThrottle,
    MonitorControl,
    Notifier,
    ProxyRouting,
    ProxyTester,
    TaskControl,
    UnitOfWorkFactory,
)


@dataclass(frozen=True, slots=True)
class SettingsView:
    """The effective non-secret settings the dashboard shows (read-only: they take effect at start)."""

    version: str
    database_backend: str
    monitor: dict[str, float | int | str]
    allowed_origins: tuple[str, ...]
    configured_stores: int
    configured_channels: int


@dataclass(frozen=True, slots=True)
class ServiceContext:
    uow_factory: UnitOfWorkFactory
    clock: Clock
    ids: IdFactory
    monitors: MonitorControl
    notifier: Notifier
    render_metrics: Callable[[], bytes]
    auth: Authenticator
    login_throttle: LoginThrottle
    feed: LiveFeed
    settings: SettingsView
    tasks: TaskControl
    events: EventSink
    proxy_tester: ProxyTester
    proxy_routing: ProxyRouting
