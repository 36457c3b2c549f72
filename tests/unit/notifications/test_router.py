from __future__ import annotations

from phantom.domain.events import StoredEvent
from phantom.domain.notifications import Channel, ChannelKind, DeliveryOutcome, DeliveryResult
from phantom.notifications.router import ChannelRouter
from tests.unit.notifications.factories import channel, restock


class RecordingNotifier:
    def __init__(self, name: str) -> None:
        self.name = name
        self.sent: list[tuple[str, str]] = []
        self.readied: list[str] = []

    async def wait_ready(self, channel: Channel) -> None:
        self.readied.append(channel.id)

    async def send(self, channel: Channel, event: StoredEvent) -> DeliveryResult:
        self.sent.append((channel.id, event.id))
        return DeliveryResult(DeliveryOutcome.SENT, self.name)


class TestChannelRouter:
    async def test_dispatches_by_channel_kind(self):
        discord, apprise = RecordingNotifier("discord"), RecordingNotifier("apprise")
        router = ChannelRouter(discord, apprise)
        event = restock()

        d = await router.send(channel("https://d.example/webhooks/1/t", ChannelKind.DISCORD, "d"), event)
        a = await router.send(channel("json://127.0.0.1/x", ChannelKind.APPRISE, "a"), event)

        assert (d.detail, a.detail) == ("discord", "apprise")
        assert discord.sent == [("d", event.id)]
        assert apprise.sent == [("a", event.id)]

    async def test_wait_ready_goes_to_the_same_notifier(self):
        discord, apprise = RecordingNotifier("discord"), RecordingNotifier("apprise")
        router = ChannelRouter(discord, apprise)

        await router.wait_ready(channel("json://127.0.0.1/x", ChannelKind.APPRISE, "a"))

        assert apprise.readied == ["a"]
        assert discord.readied == []
