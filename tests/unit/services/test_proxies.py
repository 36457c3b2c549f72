"""Proxy list use cases on fakes: create, change, delete, test, assign, and the routes monitors receive."""

from __future__ import annotations

import pytest

from phantom.domain.errors import (
    DuplicateProxyList,
    InvalidProxy,
    InvalidProxyTest,
    ProxyListNotFound,
    StoreNotFound,
)
from phantom.domain.proxies import parse_proxy, sticky_proxy
from phantom.services import proxies as svc
from tests.fakes import FakeDatabase, FakeProxyRouting, FakeProxyTester, FrozenClock, SequentialIds
from tests.unit.services.factories import store

LINES = ("1.1.1.1:8080:alice:pw1", "2.2.2.2:8080:bob:pw2", "socks5://carol:pw3@3.3.3.3:1080")


@pytest.fixture
def routing() -> FakeProxyRouting:
    return FakeProxyRouting()


async def create(db: FakeDatabase, ids: SequentialIds, clock: FrozenClock, name: str = "resi", lines=LINES):
    spec = svc.ProxyListSpec(name=name, lines=lines)
    return await svc.create_proxy_list(spec, uow_factory=db.uow_factory(), ids=ids, clock=clock)


async def seed_stores(db: FakeDatabase, *ids: str) -> None:
    uow = db.uow()
    for sid in ids:
        await uow.stores.add(store(sid, url=f"https://{sid}.example"))


class TestCreate:
    async def test_parsed_stored_and_listed(self, db: FakeDatabase, ids: SequentialIds, clock: FrozenClock):
        created = await create(db, ids, clock, name="  resi  ")
        assert created.name == "resi" and created.id == "id00000001"
        assert [p.masked for p in created.proxies] == [
            "http://alice:***@1.1.1.1:8080",
            "http://bob:***@2.2.2.2:8080",
            "socks5://carol:***@3.3.3.3:1080",
        ]
        assert created.created_at == created.updated_at == clock.now()
        assert await svc.list_proxy_lists(uow_factory=db.uow_factory()) == [created]

    async def test_bad_line_is_refused_and_nothing_stored(self, db, ids, clock):
        with pytest.raises(InvalidProxy, match="line 2"):
            await create(db, ids, clock, lines=("1.1.1.1:80", "nope"))
        assert db.proxy_lists == {}

    async def test_duplicate_name(self, db, ids, clock):
        await create(db, ids, clock)
        with pytest.raises(DuplicateProxyList):
            await create(db, ids, clock)


class TestUpdateAndDelete:
    async def test_rename_keeps_proxies_and_replace_keeps_name(self, db, ids, clock, routing):
        created = await create(db, ids, clock)
        clock.advance(60)
        renamed = await svc.update_proxy_list(
            created.id,
            svc.ProxyListChanges(name="dc"),
            uow_factory=db.uow_factory(),
            clock=clock,
            routing=routing,
        )
        assert renamed.name == "dc" and renamed.proxies == created.proxies
        assert renamed.updated_at > created.updated_at
        replaced = await svc.update_proxy_list(
            created.id,
            svc.ProxyListChanges(lines=["9.9.9.9:80"]),
            uow_factory=db.uow_factory(),
            clock=clock,
            routing=routing,
        )
        assert replaced.name == "dc" and [p.host for p in replaced.proxies] == ["9.9.9.9"]

    async def test_unknown_list(self, db, clock, routing):
        with pytest.raises(ProxyListNotFound):
            await svc.update_proxy_list(
                "nope",
                svc.ProxyListChanges(name="x"),
                uow_factory=db.uow_factory(),
                clock=clock,
                routing=routing,
            )
        with pytest.raises(ProxyListNotFound):
            await svc.delete_proxy_list("nope", uow_factory=db.uow_factory(), routing=routing)

    async def test_delete_sends_its_stores_direct(self, db, ids, clock, routing):
        await seed_stores(db, "s1")
        created = await create(db, ids, clock)
        await svc.assign_store("s1", created.id, uow_factory=db.uow_factory(), routing=routing)
        assert set(routing.routes) == {"s1"}
        await svc.delete_proxy_list(created.id, uow_factory=db.uow_factory(), routing=routing)
        assert routing.routes == {}
        assert db.store_proxies == {} and db.proxy_lists == {}


class TestAssignAndRoutes:
    async def test_a_store_routes_through_its_sticky_proxy_with_credentials(self, db, ids, clock, routing):
        await seed_stores(db, "s1", "s2")
        created = await create(db, ids, clock)
        assignment = await svc.assign_store("s1", created.id, uow_factory=db.uow_factory(), routing=routing)
        assert assignment is not None
        expected = sticky_proxy(created, "s1")
        assert assignment.proxy == expected
        assert routing.routes == {"s1": expected.url}
        assert expected.password is not None and expected.password in routing.routes["s1"]

    async def test_unassign_goes_direct(self, db, ids, clock, routing):
        await seed_stores(db, "s1")
        created = await create(db, ids, clock)
        await svc.assign_store("s1", created.id, uow_factory=db.uow_factory(), routing=routing)
        assert await svc.assign_store("s1", None, uow_factory=db.uow_factory(), routing=routing) is None
        assert routing.routes == {}
        assert await svc.list_assignments(uow_factory=db.uow_factory()) == []

    async def test_unknown_store_or_list(self, db, ids, clock, routing):
        await seed_stores(db, "s1")
        created = await create(db, ids, clock)
        with pytest.raises(StoreNotFound):
            await svc.assign_store("ghost", created.id, uow_factory=db.uow_factory(), routing=routing)
        with pytest.raises(ProxyListNotFound):
            await svc.assign_store("s1", "ghost", uow_factory=db.uow_factory(), routing=routing)
        assert routing.replaced == 0

    async def test_list_edit_keeps_each_store_on_its_proxy_while_it_remains(self, db, ids, clock, routing):
        store_ids = [f"s{i}" for i in range(12)]
        await seed_stores(db, *store_ids)
        created = await create(db, ids, clock)
        for sid in store_ids:
            await svc.assign_store(sid, created.id, uow_factory=db.uow_factory(), routing=routing)
        before = dict(routing.routes)
        await svc.update_proxy_list(
            created.id,
            svc.ProxyListChanges(lines=[*LINES, "4.4.4.4:8080"]),
            uow_factory=db.uow_factory(),
            clock=clock,
            routing=routing,
        )
        moved = {sid for sid in store_ids if routing.routes[sid] != before[sid]}
        assert all("4.4.4.4" in routing.routes[sid] for sid in moved)
        assert moved != set(store_ids)

    async def test_assignments_list_shows_each_store_and_its_proxy(self, db, ids, clock, routing):
        await seed_stores(db, "s1", "s2", "s3")
        created = await create(db, ids, clock)
        for sid in ("s2", "s1"):
            await svc.assign_store(sid, created.id, uow_factory=db.uow_factory(), routing=routing)
        listed = await svc.list_assignments(uow_factory=db.uow_factory())
        assert [(a.store_id, a.proxy_list_id) for a in listed] == [("s1", created.id), ("s2", created.id)]
        assert all(a.proxy == sticky_proxy(created, a.store_id) for a in listed)

    async def test_apply_routes_loads_what_the_database_holds(self, db, ids, clock, routing):
        await seed_stores(db, "s1")
        created = await create(db, ids, clock)
        await svc.assign_store("s1", created.id, uow_factory=db.uow_factory(), routing=FakeProxyRouting())
        fresh = FakeProxyRouting()  # a restarted engine
        routes = await svc.apply_routes(uow_factory=db.uow_factory(), routing=fresh)
        assert fresh.routes == routes == {"s1": sticky_proxy(created, "s1").url}

    async def test_deleting_the_store_drops_its_assignment(self, db, ids, clock, routing):
        await seed_stores(db, "s1")
        created = await create(db, ids, clock)
        await svc.assign_store("s1", created.id, uow_factory=db.uow_factory(), routing=routing)
        async with db.uow() as uow:
            await uow.stores.delete("s1")
            await uow.commit()
        assert await svc.apply_routes(uow_factory=db.uow_factory(), routing=routing) == {}


class TestProxyFor:
    async def test_stable_url_with_credentials_for_a_task(self, db, ids, clock):
        created = await create(db, ids, clock)
        url = await svc.proxy_for(created.id, "task-7", uow_factory=db.uow_factory())
        assert url == sticky_proxy(created, "task-7").url
        again = [await svc.proxy_for(created.id, "task-7", uow_factory=db.uow_factory()) for _ in range(5)]
        assert again == [url] * 5
        assert parse_proxy(url or "").password is not None

    async def test_no_list_is_direct(self, db):
        assert await svc.proxy_for(None, "task-7", uow_factory=db.uow_factory()) is None

    async def test_a_missing_list_is_an_error_not_a_silent_direct_route(self, db):
        with pytest.raises(ProxyListNotFound):
            await svc.proxy_for("gone", "task-7", uow_factory=db.uow_factory())


class TestRunTest:
    async def test_every_proxy_once_with_the_given_url_and_timeout(self, db, ids, clock):
        created = await create(db, ids, clock)
        tester = FakeProxyTester(dead={"2.2.2.2"})
        results = await svc.run_proxy_test(
            created.id, "http://127.0.0.1:9/ping", 2.5, uow_factory=db.uow_factory(), tester=tester
        )
        assert [(r.proxy.host, r.ok) for r in results] == [
            ("1.1.1.1", True),
            ("2.2.2.2", False),
            ("3.3.3.3", True),
        ]
        assert tester.calls == [(created.proxies, "http://127.0.0.1:9/ping", 2.5)]

    @pytest.mark.parametrize(
        ("url", "timeout"),
        [
            ("ftp://127.0.0.1/x", 5.0),
            ("http:///nohost", 5.0),
            ("http://[::1/x", 5.0),
            ("127.0.0.1:80", 5.0),
            ("http://a.b", 0.1),
            ("http://a.b", 31),
        ],
    )
    async def test_refused_requests_never_reach_the_tester(self, db, ids, clock, url, timeout):
        created = await create(db, ids, clock)
        tester = FakeProxyTester()
        with pytest.raises(InvalidProxyTest):
            await svc.run_proxy_test(created.id, url, timeout, uow_factory=db.uow_factory(), tester=tester)
        assert tester.calls == []

    async def test_unknown_list(self, db):
        with pytest.raises(ProxyListNotFound):
            await svc.run_proxy_test(
                "nope", "http://127.0.0.1/", 5.0, uow_factory=db.uow_factory(), tester=FakeProxyTester()
            )
