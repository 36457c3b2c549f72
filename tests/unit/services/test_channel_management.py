"""The dashboard's channel use cases on fakes: create, edit (the secret URL kept), delete, delivery log."""

from __future__ import annotations

import pytest

from phantom.domain.errors import ChannelNotFound, InvalidChannel
from phantom.domain.events import EventKind
from phantom.domain.filters import KeywordFilter
from phantom.domain.notifications import ChannelKind, OutboxStatus
from phantom.services import channels as svc
from tests.fakes import FakeDatabase, SequentialIds, seed
from tests.unit.services.factories import channel, outbox_row, put_rows, store, stored_event

HOOK = "https://discord.com/api/webhooks/1/secret"


def spec(**changes: object) -> svc.ChannelSpec:
    base = svc.ChannelSpec(kind=ChannelKind.DISCORD, url=HOOK, name="main", keywords="+dunk -kids, jordan 1")
    return svc.ChannelSpec(**{**{f: getattr(base, f) for f in base.__slots__}, **changes})  # type: ignore[arg-type]


class TestKeywordsText:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("+dunk -kids, jordan 1", "dunk -kids, jordan 1"),
            ("  Air-Max  -kids'  ", "air-max -kids"),
            ("-gs -air-max", "-gs -air-max"),
            ("", None),
            (None, None),
        ],
    )
    def test_round_trips_through_parse(self, text: str | None, expected: str | None) -> None:
        out = svc.keywords_text(KeywordFilter.parse(text))
        assert out == expected
        assert KeywordFilter.parse(out) == KeywordFilter.parse(text)


class TestCreate:
    async def test_stores_a_validated_channel(self, db: FakeDatabase, ids: SequentialIds) -> None:
        created = await svc.create_channel(spec(sizes=("9.5",)), uow_factory=db.uow_factory(), ids=ids)
        assert db.channels[created.id] == created
        assert created.route.sizes == frozenset({"9.5"})
        assert svc.spec_of(created) == spec(sizes=("9.5",), keywords="dunk -kids, jordan 1")

    async def test_refuses_a_discord_channel_without_http_url(
        self, db: FakeDatabase, ids: SequentialIds
    ) -> None:
        with pytest.raises(InvalidChannel):
            await svc.create_channel(spec(url="discord://x"), uow_factory=db.uow_factory(), ids=ids)
        assert db.channels == {}


class TestUpdate:
    async def test_fields_not_sent_are_kept_including_the_url(self, db: FakeDatabase) -> None:
        seed(db, channels=[channel("c1", keywords="dunk")])
        updated = await svc.update_channel(
            "c1", svc.ChannelChanges(name="renamed", max_price=15000), uow_factory=db.uow_factory()
        )
        assert updated.url == "https://discord.com/api/webhooks/c1/token"
        assert updated.name == "renamed" and updated.route.max_price == 15000
        assert updated.route.keywords == KeywordFilter.parse("dunk")
        cleared = await svc.update_channel(
            "c1", svc.ChannelChanges(clear_max_price=True, keywords=""), uow_factory=db.uow_factory()
        )
        assert cleared.route.max_price is None and cleared.route.keywords == KeywordFilter()
        assert db.channels["c1"] == cleared

    async def test_re_enabling_clears_the_reason(self, db: FakeDatabase) -> None:
        seed(db, channels=[channel("c1", enabled=False, disabled_reason="webhook deleted (404)")])
        same = await svc.update_channel("c1", svc.ChannelChanges(name="x"), uow_factory=db.uow_factory())
        assert not same.enabled and same.disabled_reason == "webhook deleted (404)"
        on = await svc.update_channel(
            "c1", svc.ChannelChanges(url=HOOK, enabled=True), uow_factory=db.uow_factory()
        )
        assert on.enabled and on.disabled_reason is None and on.url == HOOK

    async def test_unknown_and_invalid(self, db: FakeDatabase) -> None:
        seed(db, channels=[channel("c1")])
        with pytest.raises(ChannelNotFound):
            await svc.update_channel("nope", svc.ChannelChanges(), uow_factory=db.uow_factory())
        with pytest.raises(InvalidChannel):
            await svc.update_channel("c1", svc.ChannelChanges(url="no-scheme"), uow_factory=db.uow_factory())
        assert db.channels["c1"] == channel("c1")

    async def test_kinds_change(self, db: FakeDatabase) -> None:
        seed(db, channels=[channel("c1")])
        out = await svc.update_channel(
            "c1", svc.ChannelChanges(kinds=frozenset({EventKind.SOLD_OUT})), uow_factory=db.uow_factory()
        )
        assert out.route.kinds == frozenset({EventKind.SOLD_OUT})


class TestDeleteAndDeliveries:
    async def test_delete_takes_the_delivery_log_along(self, db: FakeDatabase) -> None:
        seed(db, stores=[store()], channels=[channel("c1"), channel("c2")])
        db.events["e1"] = stored_event("e1")
        put_rows(db, outbox_row("o1", channel_id="c1"), outbox_row("o2", channel_id="c2"))
        await svc.delete_channel("c1", uow_factory=db.uow_factory())
        assert set(db.channels) == {"c2"} and set(db.outbox) == {"o2"}
        with pytest.raises(ChannelNotFound):
            await svc.delete_channel("c1", uow_factory=db.uow_factory())

    async def test_log_is_newest_first_with_product_titles_and_filters(self, db: FakeDatabase) -> None:
        seed(db, stores=[store()], channels=[channel("c1"), channel("c2")])
        db.events["e1"] = stored_event("e1")
        db.events["e2"] = stored_event("e2", kind=EventKind.NEW_PRODUCT)
        put_rows(
            db,
            outbox_row("o1", channel_id="c1", event_id="e1", created=1),
            outbox_row("o2", channel_id="c1", event_id="e2", created=2, status=OutboxStatus.SENT),
            outbox_row("o3", channel_id="c2", event_id="e1", created=3, status=OutboxStatus.FAILED),
        )
        every = await svc.list_deliveries(uow_factory=db.uow_factory())
        assert [d.item.id for d in every] == ["o3", "o2", "o1"]
        assert every[1].event_kind is EventKind.NEW_PRODUCT
        assert every[0].product_title == db.events["e1"].event.product.title  # type: ignore[union-attr]
        c1 = await svc.list_deliveries(
            uow_factory=db.uow_factory(), channel_id="c1", status=OutboxStatus.SENT
        )
        assert [d.item.id for d in c1] == ["o2"]
        assert len(await svc.list_deliveries(uow_factory=db.uow_factory(), limit=1)) == 1
        with pytest.raises(ChannelNotFound):
            await svc.list_deliveries(uow_factory=db.uow_factory(), channel_id="nope")
        assert (await svc.get_delivery("o3", uow_factory=db.uow_factory())) == db.outbox["o3"]
        assert await svc.get_delivery("nope", uow_factory=db.uow_factory()) is None
