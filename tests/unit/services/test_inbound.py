"""Inbound webhook use cases on fakes: signed messages become events with alerts, published once;
anything unsigned, stale or for an unknown channel is refused alike; channel management."""

from __future__ import annotations

import json

import pytest

from phantom.domain.events import EventKind
from phantom.domain.inbound import (
    DuplicateInboundChannel,
    InboundChannelNotFound,
    InboundUnauthorized,
    InvalidInboundChannel,
    InvalidInboundMessage,
    sign,
)
from phantom.services import inbound as svc
from tests.fakes import FakeDatabase, FakeEventSink, FrozenClock, SequentialIds
from tests.unit.services.factories import channel
from tests.unit.services.task_factories import seed_store

MESSAGE = {
    "store_url": "https://kith.com/",
    "kind": "restock",
    "title": "Nike Dunk Low Panda",
    "url": "https://kith.com/products/dunk-low",
    "sizes": ["9", "10"],
    "price": "110.00",
}


@pytest.fixture
def sink() -> FakeEventSink:
    return FakeEventSink()


async def new_channel(
    db: FakeDatabase, clock: FrozenClock, ids: SequentialIds, name: str = "monitor"
) -> svc.ChannelWithSecret:
    return await svc.create_channel(name, uow_factory=db.uow_factory(), clock=clock, ids=ids)


async def post(
    db: FakeDatabase,
    clock: FrozenClock,
    ids: SequentialIds,
    sink: FakeEventSink,
    secret: str,
    body: bytes,
    *,
    name: str = "monitor",
    skew: int = 0,
) -> list[svc.StoredEvent]:
    timestamp = str(int(clock.now().timestamp()) + skew)
    return await svc.receive(
        name,
        body,
        signature=sign(secret, timestamp, body),
        timestamp=timestamp,
        uow_factory=db.uow_factory(),
        clock=clock,
        ids=ids,
        sink=sink,
    )


class TestReceive:
    async def test_a_signed_message_becomes_an_event_with_alerts(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds, sink: FakeEventSink
    ) -> None:
        seed_store(db)
        db.channels["c1"] = channel("c1", keywords="dunk")
        db.channels["c2"] = channel("c2", keywords="yeezy")
        made = await new_channel(db, clock, ids)
        body = json.dumps(MESSAGE).encode()
        [event] = await post(db, clock, ids, sink, made.secret, body)
        assert event.store_id == "s1" and event.kind is EventKind.RESTOCK
        assert event.event.product is not None and event.event.product.price == 11000
        assert [v.size for v in event.event.variants] == ["9", "10"]
        assert db.events[event.id] == event
        assert [i.channel_id for i in db.outbox.values()] == ["c1"]
        [(store, events, alerts)] = sink.published
        assert store.id == "s1" and events == [event] and [a.channel_id for a in alerts] == ["c1"]

        assert await post(db, clock, ids, sink, made.secret, body) == [], "same message twice: one event"
        assert len(db.events) == 1 and len(sink.published) == 1

    async def test_an_unknown_store_gets_a_disabled_row(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds, sink: FakeEventSink
    ) -> None:
        made = await new_channel(db, clock, ids)
        body = json.dumps({**MESSAGE, "store_url": "https://WWW.Footlocker.com/"}).encode()
        [event] = await post(db, clock, ids, sink, made.secret, body)
        store = db.stores[event.store_id]
        assert store.url == "https://www.footlocker.com" and store.enabled is False
        assert store.name == "footlocker.com"

    async def test_every_refusal_looks_the_same(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds, sink: FakeEventSink
    ) -> None:
        seed_store(db)
        made = await new_channel(db, clock, ids)
        off = await new_channel(db, clock, ids, "off")
        await svc.update_channel(off.channel.id, enabled=False, uow_factory=db.uow_factory())
        body = json.dumps(MESSAGE).encode()
        attempts = [
            post(db, clock, ids, sink, "wrong", body),
            post(db, clock, ids, sink, made.secret, body, name="ghost"),
            post(db, clock, ids, sink, off.secret, body, name="off"),
            post(db, clock, ids, sink, made.secret, body, skew=-301),
        ]
        messages = set()
        for attempt in attempts:
            with pytest.raises(InboundUnauthorized) as caught:
                await attempt
            messages.add(str(caught.value))
        assert messages == {"signature check failed"}
        assert db.events == {} and sink.published == []

    @pytest.mark.parametrize("body", [b"not json", b"[]", b'{"title": "x"}'])
    async def test_a_signed_body_that_is_no_message(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds, sink: FakeEventSink, body: bytes
    ) -> None:
        made = await new_channel(db, clock, ids)
        with pytest.raises(InvalidInboundMessage):
            await post(db, clock, ids, sink, made.secret, body)
        assert db.events == {}


class TestChannels:
    async def test_create_rotate_update_delete(
        self, db: FakeDatabase, clock: FrozenClock, ids: SequentialIds
    ) -> None:
        made = await new_channel(db, clock, ids)
        assert made.secret.startswith("whsec_") and made.channel.secret == made.secret
        with pytest.raises(DuplicateInboundChannel):
            await new_channel(db, clock, ids)
        with pytest.raises(InvalidInboundChannel):
            await new_channel(db, clock, ids, "Bad Name")
        rotated = await svc.rotate_secret(made.channel.id, uow_factory=db.uow_factory())
        assert rotated.secret != made.secret and db.inbound[made.channel.id].secret == rotated.secret
        renamed = await svc.update_channel(made.channel.id, name="cook", uow_factory=db.uow_factory())
        assert renamed.name == "cook" and renamed.secret == rotated.secret
        assert [c.name for c in await svc.list_channels(uow_factory=db.uow_factory())] == ["cook"]
        await svc.delete_channel(made.channel.id, uow_factory=db.uow_factory())
        with pytest.raises(InboundChannelNotFound):
            await svc.get_channel(made.channel.id, uow_factory=db.uow_factory())
