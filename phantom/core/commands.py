"""Command implementations behind the CLI that need wiring (kept out of cli.py, which only parses)."""

from __future__ import annotations

from pathlib import Path

from phantom.adapters.clock import SystemClock
from phantom.adapters.db.engine import create_db_engine, create_session_factory
from phantom.adapters.db.migrate import upgrade, upgrade_async
from phantom.adapters.http import create_http_session
from phantom.adapters.ids import new_id
from phantom.auth.authenticator import TokenAuthenticator
from phantom.auth.store import SqlAuthStore
from phantom.core.engine import channel_spec
from phantom.core.settings import NotificationConfig, Settings, StoreConfig, load_settings
from phantom.domain.notifications import DeliveryResult
from phantom.notifications.apprise_notifier import AppriseNotifier
from phantom.notifications.discord import DiscordNotifier
from phantom.notifications.router import ChannelRouter
from phantom.services.channels import send_test


def quick_start_settings(
    *,
    config: Path | None,
    stores_file: Path | None,
    webhook: str | None,
    interval: float | None,
    **overrides: object,
) -> Settings:
    """`--config`, or the quick start: a file of Shopify base URLs (one per line) and one Discord webhook."""
    data: dict[str, object] = {k: v for k, v in overrides.items() if v is not None}
    settings = load_settings(config, **data)
    extra_stores: list[StoreConfig] = []
    if stores_file is not None:
        for raw in stores_file.read_text(encoding="utf-8").splitlines():
            line = raw.split("#", 1)[0].strip()
            if line:
                extra_stores.append(StoreConfig(url=line, interval=interval or 2.0))
    elif interval is not None:
        settings.stores = [s.model_copy(update={"interval": interval}) for s in settings.stores]
    extra_channels = (
        [NotificationConfig.model_validate({"kind": "discord", "url": webhook})] if webhook else []
    )
    settings.stores = [*settings.stores, *extra_stores]
    settings.notifications = [*settings.notifications, *extra_channels]
    return settings


def migrate(settings: Settings) -> None:
    upgrade(settings.database.url)


async def notify_test(settings: Settings) -> list[tuple[str, DeliveryResult]]:
    """Send a sample alert to every configured channel; returns (channel name, result) pairs."""
    clock = SystemClock()
    m = settings.monitor
    session = create_http_session(limit=10, limit_per_host=2, user_agent=m.user_agent, timeout=m.timeout)
    results = []
    try:
        notifier = ChannelRouter(DiscordNotifier(session), AppriseNotifier())
        for i, cfg in enumerate(settings.notifications):
            channel = channel_spec(cfg).to_channel(f"config-{i}")
            result = await send_test(channel, notifier=notifier, event_id=new_id(), now=clock.now())
            results.append((cfg.name or f"{cfg.kind} #{i + 1}", result))
    finally:
        await session.close()
    return results


async def _with_authenticator(settings: Settings, rotate: bool) -> str | None:
    await upgrade_async(settings.database.url)
    db = create_db_engine(settings.database.url)
    try:
        auth = TokenAuthenticator(SqlAuthStore(create_session_factory(db)), SystemClock())
        return await (auth.rotate() if rotate else auth.ensure_token())
    finally:
        await db.dispose()


async def ensure_admin_token(settings: Settings) -> str | None:
    """Migrate, then create the admin token if there is none: its plaintext when created (show it once)."""
    return await _with_authenticator(settings, rotate=False)


async def rotate_admin_token(settings: Settings) -> str:
    """Replace the admin token and end every dashboard session; the new plaintext token (show it once).
    A running server notices within a few seconds."""
    token = await _with_authenticator(settings, rotate=True)
    assert token is not None
    return token
