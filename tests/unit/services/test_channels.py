"""Channel use cases: configuration sync, reads, and the test alert."""

from __future__ import annotations

from dataclasses import replace

import pytest

from phantom.domain.errors import ChannelNotFound, InvalidChannel
from phantom.domain.events import DEFAULT_ALERT_KINDS, EventKind
from phantom.domain.filters import EventFilter
from phantom.domain.notifications import Channel, ChannelKind, DeliveryOutcome, DeliveryResult
from phantom.services.channels import (
    ChannelSpec,
    get_channel,
    list_channels,
    sample_event,
    send_test,
    sync_channels,
)
from tests.fakes import EPOCH, FakeDatabase, FakeNotifier, SequentialIds
from tests.unit.services.factories import channel

HOOK = "https://discord.com/api/webhooks/1/token"
MAIL = "mailto://alerts:pw@example.com"


class TestChannelSpec:
    def test_builds_the_route_from_the_spec(self) -> None:
        built = ChannelSpec(
            kind=ChannelKind.DISCORD, url=HOOK, keywords="+dunk -kids", sizes=("US 9",), max_price=15000
        ).to_channel("c1")

        assert built.id == "c1"
        assert built.name == "discord"
        assert built.enabled is True
        assert built.route == EventFilter.build(
            kinds=DEFAULT_ALERT_KINDS, keywords="+dunk -kids", sizes=("9",), max_price=15000
        )

    @pytest.mark.parametrize(
        ("kind", "url"),
        [
            (ChannelKind.DISCORD, "discord.com/api/webhooks/1/t"),
            (ChannelKind.DISCORD, MAIL),
            (ChannelKind.APPRISE, "nope"),
        ],
    )
    def test_invalid_url_is_refused(self, kind: ChannelKind, url: str) -> None:
        with pytest.raises(InvalidChannel):
            ChannelSpec(kind=kind, url=url).to_channel("c1")


class TestSyncChannels:
    async def sync(self, db: FakeDatabase, ids: SequentialIds, *specs: ChannelSpec) -> list[Channel]:
        return await sync_channels(specs, uow_factory=db.uow_factory(), ids=ids)

    async def test_creates_configured_channels(self, db: FakeDatabase, ids: SequentialIds) -> None:
        channels = await self.sync(
            db,
            ids,
            ChannelSpec(ChannelKind.DISCORD, HOOK, name="drops"),
            ChannelSpec(ChannelKind.APPRISE, MAIL),
        )

        assert [(c.id, c.url, c.name) for c in channels] == [
            ("id00000001", HOOK, "drops"),
            ("id00000002", MAIL, "apprise"),
        ]

    async def test_changed_routing_updates_the_channel_in_place(
        self, db: FakeDatabase, ids: SequentialIds
    ) -> None:
        await self.sync(db, ids, ChannelSpec(ChannelKind.DISCORD, HOOK))

        await self.sync(db, ids, ChannelSpec(ChannelKind.DISCORD, HOOK, kinds=frozenset({EventKind.RESTOCK})))

        assert list(db.channels) == ["id00000001"]
        assert db.channels["id00000001"].route.kinds == {EventKind.RESTOCK}

    async def test_channel_disabled_by_discord_stays_disabled_when_config_unchanged(
        self, db: FakeDatabase, ids: SequentialIds
    ) -> None:
        spec = ChannelSpec(ChannelKind.DISCORD, HOOK, keywords="dunk")
        (created,) = await self.sync(db, ids, spec)
        gone = replace(created, enabled=False, disabled_reason="404 Unknown Webhook")
        db.channels[created.id] = gone

        await self.sync(db, ids, spec)

        assert db.channels[created.id] is gone

    async def test_disabled_channel_is_re_enabled_when_the_person_changes_its_config(
        self, db: FakeDatabase, ids: SequentialIds
    ) -> None:
        (created,) = await self.sync(db, ids, ChannelSpec(ChannelKind.DISCORD, HOOK, keywords="dunk"))
        db.channels[created.id] = replace(created, enabled=False, disabled_reason="404")

        await self.sync(db, ids, ChannelSpec(ChannelKind.DISCORD, HOOK, keywords="jordan"))

        assert db.channels[created.id].enabled is True
        assert db.channels[created.id].disabled_reason is None

    async def test_channels_not_in_the_config_are_left_alone(
        self, db: FakeDatabase, ids: SequentialIds
    ) -> None:
        db.channels["api"] = api = channel("api")

        channels = await self.sync(db, ids, ChannelSpec(ChannelKind.DISCORD, HOOK))

        assert db.channels["api"] is api
        assert len(channels) == 2


class TestReadChannels:
    async def test_get_and_list(self, db: FakeDatabase) -> None:
        db.channels["c1"] = channel("c1")

        assert await get_channel("c1", uow_factory=db.uow_factory()) == channel("c1")
        assert await list_channels(uow_factory=db.uow_factory()) == [channel("c1")]
        with pytest.raises(ChannelNotFound):
            await get_channel("nope", uow_factory=db.uow_factory())


class TestTestAlert:
    def test_sample_event_is_a_realistic_restock(self) -> None:
        sample = sample_event(event_id="t1", now=EPOCH)

        assert sample.kind is EventKind.RESTOCK
        assert [v.size for v in sample.event.variants] == ["9", "9.5", "10"]
        assert all(v.available for v in sample.event.variants)
        assert (sample.id, sample.dedup_key, sample.detected_at) == ("t1", "test:t1", EPOCH)
        assert sample.product_url() == "https://example.com/products/nike-dunk-low-retro-white-black"

    async def test_send_test_waits_for_the_rate_limit_then_sends_straight_to_the_channel(
        self, notifier: FakeNotifier
    ) -> None:
        target = channel("c1")
        notifier.script(DeliveryResult(DeliveryOutcome.RETRY, "429", retry_after=2.0))

        result = await send_test(target, notifier=notifier, event_id="t1", now=EPOCH)

        assert (
            result.outcome is DeliveryOutcome.RETRY
        )  # the caller sees the channel's answer; no retry queued
        assert notifier.ready_calls == ["c1"]
        assert [(c.id, e.id) for c, e in notifier.sent] == [("c1", "t1")]
