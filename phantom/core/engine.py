"""The composition root: the one place that builds concrete adapters and wires them into services.

One Engine per process, created by the FastAPI lifespan or the CLI and passed down; never a global.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import partial
from importlib.metadata import PackageNotFoundError, version

import aiohttp
import structlog
from sqlalchemy import Engine as SyncEngine
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from phantom.adapters.bus import InMemoryEventBus
from phantom.adapters.clock import SystemClock
from phantom.adapters.db.engine import SQLITE_PRAGMAS, create_db_engine, create_session_factory, is_sqlite
from phantom.adapters.db.inline import create_inline_engine, inline_session_factory
from phantom.adapters.db.migrate import upgrade_async
from phantom.adapters.db.repositories import ChannelCache
from phantom.adapters.db.session import SessionFactory
from phantom.adapters.db.tasks import RuleCache
from phantom.adapters.db.uow import SqlAlchemyUnitOfWork
from phantom.adapters.http import create_http_session
from phantom.adapters.ids import new_id
from phantom.adapters.metrics import PrometheusMetrics
from phantom.adapters.proxy_routes import ProxyRoutes
from phantom.adapters.proxy_tester import AiohttpProxyTester
from phantom.auth.authenticator import TokenAuthenticator
from phantom.auth.store import SqlAuthStore
from phantom.auth.throttle import InMemoryLoginThrottle
from phantom.checkout.footsites_assist import FootsitesAssist
from phantom.checkout.opener import WebbrowserOpener
from phantom.checkout.shopify_assist import ShopifyAssist
from phantom.checkout.shopify_browser import ShopifyBrowser
from phantom.core.crashpoints import crash_point_from_env
from phantom.core.keys import LoadedKeyring, load_keyring
from phantom.core.settings import NotificationConfig, Settings, StoreConfig
from phantom.domain.events import CHECKOUT_KINDS, EventKind, StoredEvent
from phantom.domain.health import StoreHealth
from phantom.domain.models import Platform
from phantom.domain.notifications import ChannelKind, OutboxItem
from phantom.domain.ports import SourceCache, UnitOfWork
from phantom.domain.stores import Store
from phantom.domain.tasks import TaskMode
from phantom.monitors.footsites import FootsitesSource
from phantom.monitors.shopify import ShopifySource
from phantom.notifications.apprise_notifier import AppriseNotifier
from phantom.notifications.desktop import DesktopNotifier
from phantom.notifications.discord import DiscordNotifier
from phantom.notifications.router import ChannelRouter
from phantom.services import rules as rules_service
from phantom.services.channels import ChannelSpec, sync_channels
from phantom.services.checkout import CheckoutDeps
from phantom.services.context import ServiceContext, SettingsView
from phantom.services.profiles import unreadable_cards
from phantom.services.proxies import apply_routes, proxy_for
from phantom.services.stores import StoreSpec, list_stores, sync_stores
from phantom.workers.outbox import OutboxWorker
from phantom.workers.scheduler import Scheduler
from phantom.workers.store_monitor import MonitorDeps
from phantom.workers.task_runner import TaskRunner

log = structlog.get_logger()


def store_spec(cfg: StoreConfig) -> StoreSpec:
    return StoreSpec(
        url=cfg.url,
        platform=cfg.platform,
        interval=cfg.interval,
        name=cfg.name,
        skus=tuple(cfg.skus),
        watch_handles=tuple(cfg.watch),
        watch_interval=cfg.watch_interval,
        max_pages=cfg.max_pages,
    )


def channel_spec(cfg: NotificationConfig) -> ChannelSpec:
    return ChannelSpec(
        kind=ChannelKind(cfg.kind),
        url=cfg.url.get_secret_value(),
        name=cfg.name,
        kinds=frozenset(cfg.events),
        keywords=cfg.keywords,
        sizes=tuple(cfg.sizes),
        max_price=round(cfg.max_price * 100) if cfg.max_price is not None else None,
    )


class Engine:
    """Owns every long-lived resource of a Phantom process and the background loops."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.clock = SystemClock()
        self.metrics = PrometheusMetrics()
        self.bus = InMemoryEventBus()
        self._db: AsyncEngine | None = None
        self._keys: LoadedKeyring | None = None
        self._inline_db: SyncEngine | None = None
        self._http: aiohttp.ClientSession | None = None
        self._proxy_routes: ProxyRoutes | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._background: set[asyncio.Task[object]] = set()
        self._event_listeners: list[Callable[[Store, StoredEvent], None]] = []
        self.scheduler: Scheduler | None = None
        self.outbox: OutboxWorker | None = None
        self.runner: TaskRunner | None = None
        self._browser: ShopifyBrowser | None = None
        self.services: ServiceContext | None = None
        self.auth: TokenAuthenticator | None = None
        # The admin token, when this start created it (first run): the caller shows it once.
        self.first_run_token: str | None = None

    async def start(self, *, migrate: bool = True, monitor: bool = True) -> ServiceContext:
        s = self.settings
        self._keys = load_keyring(s)  # refuses a bad key file before anything else starts
        keyring = self._keys.keyring
        if migrate:
            await upgrade_async(s.database.url)
        self._db = create_db_engine(s.database.url, echo=s.database.echo)
        session_factory = create_session_factory(self._db)
        # The hot path (monitor → events → outbox) runs SQLite inline; see adapters/db/inline.py.
        uow_sessions: SessionFactory = session_factory
        if is_sqlite(s.database.url):
            self._inline_db = create_inline_engine(s.database.url, SQLITE_PRAGMAS)
            uow_sessions = inline_session_factory(self._inline_db)
        gate = asyncio.Lock() if is_sqlite(s.database.url) else None
        channel_cache = ChannelCache()
        rule_cache = RuleCache()

        def uow_factory() -> UnitOfWork:
            return SqlAlchemyUnitOfWork(
                uow_sessions, gate, channel_cache, cipher=keyring, rule_cache=rule_cache
            )

        m = s.monitor
        self._http = create_http_session(
            limit=m.connection_limit,
            limit_per_host=m.limit_per_host,
            user_agent=m.user_agent,
            timeout=m.timeout,
        )
        # A store on a proxy list polls through its one sticky proxy (socks5: a session per proxy).
        self._proxy_routes = routes = ProxyRoutes(
            self._http,
            lambda url: create_http_session(
                limit=m.connection_limit,
                limit_per_host=m.limit_per_host,
                user_agent=m.user_agent,
                timeout=m.timeout,
                socks_proxy=url,
            ),
        )
        shopify = ShopifySource(
            self._http,
            max_body_bytes=m.max_body_bytes,
            timeout=m.timeout,
            default_retry_after=m.default_retry_after,
            routes=routes,
        )
        footsites = FootsitesSource(
            self._http,
            max_body_bytes=m.max_body_bytes,
            timeout=m.timeout,
            default_retry_after=m.default_retry_after,
            routes=routes,
        )
        dashboard_url = s.web.public_url or f"http://{s.host}:{s.port}"
        notifier = ChannelRouter(DiscordNotifier(self._http, dashboard_url=dashboard_url), AppriseNotifier())
        self.outbox = OutboxWorker(
            uow_factory=uow_factory,
            notifier=notifier,
            clock=self.clock,
            metrics=self.metrics,
            on_result=self._on_delivery,
        )
        self.auth = TokenAuthenticator(
            SqlAuthStore(session_factory, gate), self.clock, session_ttl=timedelta(days=s.web.session_days)
        )
        self.first_run_token = await self.auth.ensure_token()
        if self.first_run_token is not None:
            log.warning("admin_token_created", hint="shown once by `phantom serve`; `phantom token rotate`")
        deps = MonitorDeps(
            uow_factory=uow_factory,
            clock=self.clock,
            ids=new_id,
            metrics=self.metrics,
            on_events=self._on_events,
            on_health=self._on_health,
            jitter=m.jitter,
            max_backoff=m.max_backoff,
            blocked_backoff=m.blocked_backoff,
        )
        self.scheduler = Scheduler(
            sources={Platform.SHOPIFY: shopify, Platform.FOOTSITES: footsites},
            product_sources={Platform.SHOPIFY: shopify},
            deps=deps,
            monotonic=self.clock.monotonic,
        )
        self.runner = self._task_runner(uow_factory, shopify)
        self.services = ServiceContext(
            uow_factory=uow_factory,
            clock=self.clock,
            ids=new_id,
            monitors=self.scheduler,
            notifier=notifier,
            render_metrics=self._render_metrics,
            auth=self.auth,
            login_throttle=InMemoryLoginThrottle(),
            feed=self.bus,
            settings=settings_view(s),
            proxy_tester=AiohttpProxyTester(user_agent=m.user_agent),
            proxy_routing=routes,
            tasks=self.runner,
            events=_EngineEventSink(self),
        )
        await sync_stores([store_spec(c) for c in s.stores], uow_factory=uow_factory, ids=new_id)
        await sync_channels([channel_spec(c) for c in s.notifications], uow_factory=uow_factory, ids=new_id)
        await apply_routes(uow_factory=uow_factory, routing=routes)  # before the first poll of any store
        if monitor:
            for store in await list_stores(uow_factory=uow_factory):
                if store.enabled:
                    self.scheduler.watch(store)
            self._tasks.append(asyncio.create_task(self.scheduler.run(), name="scheduler"))
        self._tasks.append(asyncio.create_task(self.outbox.run(), name="outbox"))
        unreadable = await unreadable_cards(uow_factory=uow_factory)
        if unreadable:
            log.error(
                "cards_unreadable",
                profiles=unreadable,
                hint="this key cannot decrypt their cards: restore the master.key you backed up (or the "
                "right PHANTOM_MASTER_KEY), or enter those cards again",
            )
        await self.runner.start()
        log.info("engine_started", stores=len(self.scheduler.monitors()), database=_redact_db(s.database.url))
        return self.services

    def _task_runner(self, uow_factory: Callable[[], UnitOfWork], shopify: ShopifySource) -> TaskRunner:
        c = self.settings.checkout
        assert self._http is not None
        # A visible browser needs a display; without one (a server, CI) it runs headless.
        headless = c.browser_headless or (sys.platform.startswith("linux") and not os.environ.get("DISPLAY"))
        self._browser = ShopifyBrowser(
            self._http, executable_path=c.chromium_path, headless=headless, step_timeout=c.step_timeout
        )
        shopify_assist, footsites_assist = ShopifyAssist(), FootsitesAssist()
        deps = CheckoutDeps(
            uow_factory=uow_factory,
            clock=self.clock,
            ids=new_id,
            modules={
                (Platform.SHOPIFY, TaskMode.ASSIST): shopify_assist,
                (Platform.SHOPIFY, TaskMode.BROWSER): self._browser,
                # Footsites sit behind heavy bot protection: the person checks out on the product page.
                (Platform.FOOTSITES, TaskMode.ASSIST): footsites_assist,
                (Platform.FOOTSITES, TaskMode.BROWSER): footsites_assist,
            },
            events=_EngineEventSink(self),
            opener=WebbrowserOpener(enabled=c.open_browser),
            proxies=partial(proxy_for, uow_factory=uow_factory),
            lookup=lambda store, handle: shopify.fetch_product(store, handle, SourceCache()),
            tag_orders=c.tag_orders,
            crash_point=crash_point_from_env(),
            on_task=lambda task: self.bus.publish("task", task),
            browser_slots=asyncio.Semaphore(c.concurrency),
        )
        match = partial(rules_service.on_event, uow_factory=uow_factory, clock=self.clock, ids=new_id)
        runner = TaskRunner(deps, match_event=match)
        self._event_listeners.append(lambda _store, event: runner.on_event(event))
        desktop = DesktopNotifier()
        if desktop.available:  # checkout results also pop up on this machine's desktop (notify-send)
            self._event_listeners.append(lambda _store, event: self._notify_desktop(desktop, event))
        return runner

    def _notify_desktop(self, desktop: DesktopNotifier, event: StoredEvent) -> None:
        if event.kind in CHECKOUT_KINDS:
            task = asyncio.create_task(desktop.notify_event(event), name="desktop-notification")
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    def add_event_listener(self, listener: Callable[[Store, StoredEvent], None]) -> None:
        self._event_listeners.append(listener)

    def _on_events(self, store: Store, events: list[StoredEvent], alerts: Sequence[OutboxItem]) -> None:
        for event in events:
            self.metrics.events(event.kind.value)
            if event.changed_at is not None and event.kind is not EventKind.SOLD_OUT:
                self.metrics.detection_latency((event.detected_at - event.changed_at).total_seconds())
            log.info(
                "event_detected",
                store=store.name,
                kind=event.kind.value,
                product=event.event.product.title if event.event.product else None,
                sizes=[v.size for v in event.event.variants],
            )
            self.bus.publish("event", event)
            for listener in self._event_listeners:
                listener(store, event)
        if alerts and self.outbox is not None:
            self.outbox.enqueue(alerts, {e.id: e for e in events})

    def _on_health(self, store: Store, health: StoreHealth) -> None:
        self.bus.publish("store_health", (store, health))

    def _on_delivery(self, item: OutboxItem) -> None:
        self.bus.publish("notification", item)

    def _render_metrics(self) -> bytes:
        if self.scheduler is not None:
            counts: dict[str, int] = {}
            for monitor in self.scheduler.monitors():
                counts[monitor.health.status.value] = counts.get(monitor.health.status.value, 0) + 1
            for status in ("healthy", "degraded", "blocked"):
                self.metrics.stores.labels(status).set(counts.get(status, 0))
        return self.metrics.render()

    async def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()
        if self.runner is not None:
            await self.runner.stop_all()
        if self._browser is not None:
            await self._browser.close()
        if self.outbox is not None:
            self.outbox.stop()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self._proxy_routes is not None:
            await self._proxy_routes.close()
        if self._http is not None:
            await self._http.close()
        if self._db is not None:
            await self._db.dispose()
        if self._inline_db is not None:
            self._inline_db.dispose()
        if self._keys is not None:
            self._keys.lock.release()
        log.info("engine_stopped")


class _EngineEventSink:
    """EventSink for services that write events outside the monitor loop (checkout results, inbound)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def publish(self, store: Store, events: list[StoredEvent], alerts: Sequence[OutboxItem]) -> None:
        self._engine._on_events(store, events, alerts)


def settings_view(s: Settings) -> SettingsView:
    try:
        phantom_version = version("phantom")
    except PackageNotFoundError:  # running from a source tree that was never installed
        phantom_version = "unknown"
    return SettingsView(
        version=phantom_version,
        database_backend=make_url(s.database.url).get_backend_name(),
        monitor=s.monitor.model_dump(),
        allowed_origins=tuple(s.allowed_origins),
        configured_stores=len(s.stores),
        configured_channels=len(s.notifications),
    )


def _redact_db(url: str) -> str:
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url
