"""ProxyRepository contract: the fake, SQLite and (opt-in) PostgreSQL behave alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from phantom.domain.errors import DuplicateProxyList, ProxyListNotFound, StoreNotFound
from phantom.domain.models import Platform
from phantom.domain.proxies import ProxyList, parse_proxy_lines
from phantom.domain.stores import Store
from tests.integration.proxies.conftest import Backend

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def plist(list_id: str, name: str, *lines: str) -> ProxyList:
    return ProxyList(list_id, name, parse_proxy_lines(lines or ("1.1.1.1:80",)), NOW, NOW)


async def add_store(backend: Backend, sid: str) -> None:
    async with backend.new_uow() as uow:
        await uow.stores.add(Store(id=sid, url=f"https://{sid}.example", platform=Platform.SHOPIFY, name=sid))
        await uow.commit()


async def add_list(backend: Backend, proxy_list: ProxyList) -> None:
    async with backend.new_uow() as uow:
        await uow.proxies.add(proxy_list)
        await uow.commit()


class TestLists:
    async def test_round_trip_keeps_every_field_and_secret(self, backend: Backend) -> None:
        original = plist(
            "p1", "resi", "socks5://u%3Ax:p%40ss@gw.example:1080", "2.2.2.2:8080:bob:pw", "[::1]:3128"
        )
        await add_list(backend, original)
        async with backend.new_uow() as uow:
            loaded = await uow.proxies.get("p1")
        assert loaded == original
        assert loaded is not None
        assert [p.password for p in loaded.proxies] == ["p@ss", "pw", None]
        assert [p.username for p in loaded.proxies] == ["u:x", "bob", None]
        assert loaded.created_at == NOW and loaded.created_at.tzinfo is not None

    async def test_list_is_by_name_and_get_unknown_is_none(self, backend: Backend) -> None:
        await add_list(backend, plist("p1", "zeta"))
        await add_list(backend, plist("p2", "alpha"))
        async with backend.new_uow() as uow:
            assert [p.name for p in await uow.proxies.list()] == ["alpha", "zeta"]
            assert await uow.proxies.get("nope") is None

    async def test_names_are_unique_and_the_transaction_stays_usable(self, backend: Backend) -> None:
        await add_list(backend, plist("p1", "resi"))
        async with backend.new_uow() as uow:
            with pytest.raises(DuplicateProxyList):
                await uow.proxies.add(plist("p2", "resi"))
            await uow.proxies.add(plist("p3", "dc"))
            await uow.commit()
        async with backend.new_uow() as uow:
            assert sorted(p.id for p in await uow.proxies.list()) == ["p1", "p3"]

    async def test_update_replaces_name_and_proxies(self, backend: Backend) -> None:
        await add_list(backend, plist("p1", "resi"))
        await add_list(backend, plist("p2", "dc"))
        changed = ProxyList(
            "p1", "resi-2", parse_proxy_lines(["9.9.9.9:9:u:p"]), NOW, NOW + timedelta(hours=1)
        )
        async with backend.new_uow() as uow:
            await uow.proxies.update(changed)
            with pytest.raises(DuplicateProxyList):
                await uow.proxies.update(ProxyList("p1", "dc", changed.proxies, NOW, NOW))
            with pytest.raises(ProxyListNotFound):
                await uow.proxies.update(plist("ghost", "ghost"))
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.proxies.get("p1") == changed

    async def test_uncommitted_work_is_rolled_back(self, backend: Backend) -> None:
        async with backend.new_uow() as uow:
            await uow.proxies.add(plist("p1", "resi"))
        async with backend.new_uow() as uow:
            assert await uow.proxies.list() == []


class TestAssignments:
    async def test_assign_reassign_unassign(self, backend: Backend) -> None:
        await add_store(backend, "s1")
        await add_store(backend, "s2")
        await add_list(backend, plist("p1", "resi"))
        await add_list(backend, plist("p2", "dc"))
        async with backend.new_uow() as uow:
            await uow.proxies.assign_store("s1", "p1")
            await uow.proxies.assign_store("s2", "p1")
            await uow.proxies.assign_store("s2", "p2")
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.proxies.store_assignments() == {"s1": "p1", "s2": "p2"}
            await uow.proxies.assign_store("s1", None)
            await uow.proxies.assign_store("s1", None)  # idempotent
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.proxies.store_assignments() == {"s2": "p2"}

    async def test_unknown_store_or_list(self, backend: Backend) -> None:
        await add_store(backend, "s1")
        await add_list(backend, plist("p1", "resi"))
        async with backend.new_uow() as uow:
            with pytest.raises(StoreNotFound):
                await uow.proxies.assign_store("ghost", "p1")
            with pytest.raises(ProxyListNotFound):
                await uow.proxies.assign_store("s1", "ghost")
            assert await uow.proxies.store_assignments() == {}

    async def test_deleting_the_list_or_the_store_removes_the_assignment(self, backend: Backend) -> None:
        for sid in ("s1", "s2"):
            await add_store(backend, sid)
        await add_list(backend, plist("p1", "resi"))
        await add_list(backend, plist("p2", "dc"))
        async with backend.new_uow() as uow:
            await uow.proxies.assign_store("s1", "p1")
            await uow.proxies.assign_store("s2", "p2")
            await uow.commit()
        async with backend.new_uow() as uow:
            await uow.proxies.delete("p1")
            await uow.proxies.delete("p1")  # idempotent
            await uow.stores.delete("s2")
            await uow.commit()
        async with backend.new_uow() as uow:
            assert await uow.proxies.store_assignments() == {}
            assert [p.id for p in await uow.proxies.list()] == ["p2"]
