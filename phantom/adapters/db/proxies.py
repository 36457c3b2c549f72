"""SQL repository of proxy lists and their store assignments (the ProxyRepository port).

Rows are mapped to domain objects explicitly and never leave this package; the repository never commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from phantom.adapters.db.session import DbSession
from phantom.adapters.db.tables import StoreRow
from phantom.adapters.db.tables_proxies import ProxyListRow, StoreProxyRow
from phantom.domain.errors import DuplicateProxyList, ProxyListNotFound, StoreNotFound
from phantom.domain.proxies import Proxy, ProxyList, ProxyScheme


def _encode(proxies: tuple[Proxy, ...]) -> list[dict[str, Any]]:
    return [
        {
            "scheme": p.scheme.value,
            "host": p.host,
            "port": p.port,
            "username": p.username,
            "password": p.password,
        }
        for p in proxies
    ]


def _decode(items: list[dict[str, Any]]) -> tuple[Proxy, ...]:
    return tuple(
        Proxy(ProxyScheme(i["scheme"]), i["host"], int(i["port"]), i.get("username"), i.get("password"))
        for i in items
    )


def _proxy_list(row: ProxyListRow) -> ProxyList:
    return ProxyList(
        id=row.id,
        name=row.name,
        proxies=_decode(row.proxies),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class SqlProxyRepository:
    def __init__(self, session: DbSession) -> None:
        self._session = session

    async def add(self, proxy_list: ProxyList) -> None:
        """Raises DuplicateProxyList when the id or name exists; the surrounding transaction stays usable."""
        stmt = insert(ProxyListRow).values(
            id=proxy_list.id,
            name=proxy_list.name,
            proxies=_encode(proxy_list.proxies),
            created_at=proxy_list.created_at,
            updated_at=proxy_list.updated_at,
        )
        try:
            async with self._session.begin_nested():
                await self._session.execute(stmt)
        except IntegrityError as exc:
            raise DuplicateProxyList(f"a proxy list named {proxy_list.name!r} exists") from exc

    async def get(self, list_id: str) -> ProxyList | None:
        stmt = select(ProxyListRow).where(ProxyListRow.id == list_id)
        row = (await self._session.execute(stmt.execution_options(populate_existing=True))).scalar()
        return _proxy_list(row) if row is not None else None

    async def list(self) -> list[ProxyList]:
        stmt = select(ProxyListRow).order_by(ProxyListRow.name, ProxyListRow.id)
        rows = (await self._session.execute(stmt.execution_options(populate_existing=True))).scalars()
        return [_proxy_list(r) for r in rows]

    async def update(self, proxy_list: ProxyList) -> None:
        """Raises ProxyListNotFound, or DuplicateProxyList when the new name belongs to another list."""
        stmt = (
            update(ProxyListRow)
            .where(ProxyListRow.id == proxy_list.id)
            .values(
                name=proxy_list.name,
                proxies=_encode(proxy_list.proxies),
                updated_at=proxy_list.updated_at,
            )
        )
        try:
            async with self._session.begin_nested():
                result = await self._session.execute(stmt, execution_options={"synchronize_session": False})
        except IntegrityError as exc:
            raise DuplicateProxyList(f"another proxy list is named {proxy_list.name!r}") from exc
        assert isinstance(result, CursorResult)
        if result.rowcount == 0:
            raise ProxyListNotFound(f"no proxy list with id {proxy_list.id}")

    async def delete(self, list_id: str) -> None:
        """Idempotent; its store assignments go with it (ON DELETE CASCADE)."""
        await self._session.execute(
            delete(ProxyListRow).where(ProxyListRow.id == list_id),
            execution_options={"synchronize_session": False},
        )

    async def assign_store(self, store_id: str, list_id: str | None) -> None:
        """Raises StoreNotFound / ProxyListNotFound for an unknown store or list."""
        if await self._scalar(select(StoreRow.id).where(StoreRow.id == store_id)) is None:
            raise StoreNotFound(f"no store with id {store_id}")
        unassign = delete(StoreProxyRow).where(StoreProxyRow.store_id == store_id)
        if list_id is None:
            await self._session.execute(unassign, execution_options={"synchronize_session": False})
            return
        if await self._scalar(select(ProxyListRow.id).where(ProxyListRow.id == list_id)) is None:
            raise ProxyListNotFound(f"no proxy list with id {list_id}")
        # Delete + insert is an upsert on every backend; the transaction makes it atomic.
        await self._session.execute(unassign, execution_options={"synchronize_session": False})
        await self._session.execute(insert(StoreProxyRow).values(store_id=store_id, proxy_list_id=list_id))

    async def store_assignments(self) -> dict[str, str]:
        stmt = select(StoreProxyRow.store_id, StoreProxyRow.proxy_list_id).order_by(StoreProxyRow.store_id)
        return {row[0]: row[1] for row in (await self._session.execute(stmt)).all()}

    async def _scalar(self, stmt: Any) -> Any:
        return (await self._session.execute(stmt)).scalar()
