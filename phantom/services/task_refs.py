"""Looking up what a task or rule refers to, the way people write it: a store by id or URL, a profile or a
proxy list by id or name. Lookups are memoized per unit of work, so a batch of 1,000 rows naming the same
store reads it once."""

from __future__ import annotations

from dataclasses import dataclass, field

from phantom.domain.errors import InvalidStore
from phantom.domain.ports import UnitOfWork
from phantom.domain.stores import Store, normalize_store_url


@dataclass
class Refs:
    """Resolves references inside one open unit of work."""

    uow: UnitOfWork
    _stores: dict[str, Store | None] = field(default_factory=dict)
    _profiles: dict[str, str | None] = field(default_factory=dict)
    _proxy_lists: dict[str, str | None] | None = None

    async def store(self, ref: str) -> Store | None:
        """By id, else by URL (normalized: `https://Kith.com/` finds `https://kith.com`)."""
        ref = ref.strip()
        if ref not in self._stores:
            found = await self.uow.stores.get(ref) if ref else None
            if found is None and "://" in ref:
                try:
                    found = await self.uow.stores.get_by_url(normalize_store_url(ref))
                except InvalidStore:
                    found = None
            self._stores[ref] = found
        return self._stores[ref]

    async def profile_id(self, ref: str) -> str | None:
        """The id of the profile with this id or name."""
        ref = ref.strip()
        if ref not in self._profiles:
            found = await self.uow.profiles.get(ref) or await self.uow.profiles.get_by_name(ref)
            self._profiles[ref] = found.id if found else None
        return self._profiles[ref]

    async def proxy_list_id(self, ref: str) -> str | None:
        """The id of the proxy list with this id or name."""
        if self._proxy_lists is None:
            self._proxy_lists = {}
            for proxy_list in await self.uow.proxies.list():
                self._proxy_lists[proxy_list.id] = proxy_list.id
                self._proxy_lists.setdefault(proxy_list.name, proxy_list.id)
        return self._proxy_lists.get(ref.strip())


def clean_sizes(sizes: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Trimmed, without duplicates, in the order given (the first is the first choice); `any` = no sizes."""
    cleaned = tuple(dict.fromkeys(s.strip() for s in sizes if s.strip()))
    return () if [s.lower() for s in cleaned] == ["any"] else cleaned


def clean_group(group: str | None) -> str | None:
    return (group or "").strip() or None
