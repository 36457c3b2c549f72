"""One `Notifier` for the outbox that hands each channel to the notifier of its kind."""

from __future__ import annotations

from phantom.domain.events import StoredEvent
from phantom.domain.notifications import Channel, ChannelKind, DeliveryResult
from phantom.domain.ports import Notifier


class ChannelRouter:
    def __init__(self, discord: Notifier, apprise: Notifier) -> None:
        self._by_kind: dict[ChannelKind, Notifier] = {
            ChannelKind.DISCORD: discord,
            ChannelKind.APPRISE: apprise,
        }

    def _for(self, channel: Channel) -> Notifier:
        return self._by_kind[channel.kind]

    async def wait_ready(self, channel: Channel) -> None:
        await self._for(channel).wait_ready(channel)

    async def send(self, channel: Channel, event: StoredEvent) -> DeliveryResult:
        return await self._for(channel).send(channel, event)
