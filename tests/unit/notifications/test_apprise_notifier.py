from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from phantom.domain.notifications import ChannelKind, DeliveryOutcome
from phantom.notifications.apprise_notifier import UNSUPPORTED, AppriseNotifier
from tests.unit.notifications.factories import channel, restock


class TestAppriseNotifier:
    async def test_a_url_apprise_does_not_know_is_rejected(self):
        result = await AppriseNotifier().send(channel("nosuchscheme://x", ChannelKind.APPRISE), restock())

        assert result.outcome is DeliveryOutcome.REJECTED
        assert result.detail == UNSUPPORTED

    async def test_runs_in_the_given_executor(self):
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="apprise-test") as pool:
            result = await AppriseNotifier(pool).send(channel("garbage", ChannelKind.APPRISE), restock())

        assert result.outcome is DeliveryOutcome.REJECTED

    async def test_wait_ready_returns_at_once(self):
        await AppriseNotifier().wait_ready(channel("json://127.0.0.1/x", ChannelKind.APPRISE))
