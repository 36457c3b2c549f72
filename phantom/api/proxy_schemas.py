"""Request and response schemas of the proxy routes. Proxy passwords are secrets: every response shows a
proxy as `scheme://user:***@host:port`, and a PATCH without `proxies` keeps the stored ones."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictFloat

from phantom.domain.proxies import (
    MAX_LINE,
    MAX_NAME,
    MAX_PROXIES,
    Proxy,
    ProxyList,
    ProxyScheme,
    ProxyTestResult,
)
from phantom.services.proxies import MAX_TEST_TIMEOUT, MIN_TEST_TIMEOUT, ProxyListChanges, ProxyListSpec

# A pasted block, or a list of lines (room for comments and blank lines besides the proxies).
ProxyText = Annotated[str, Field(max_length=MAX_PROXIES * (MAX_LINE + 1))]
ProxyItems = Annotated[list[Annotated[str, Field(max_length=MAX_LINE)]], Field(max_length=MAX_PROXIES * 2)]
ProxyLines = ProxyText | ProxyItems
PROXIES_DOC = (
    "One proxy a line (a text block) or a list of strings: scheme://user:pass@host:port, host:port or "
    "host:port:user:pass (scheme http|https|socks5, default http). Blank lines and # comments are skipped."
)


def _lines(value: ProxyLines) -> list[str]:
    return value.splitlines() if isinstance(value, str) else value


class ProxyListCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=MAX_NAME)
    proxies: ProxyLines = Field(description=PROXIES_DOC)

    def spec(self) -> ProxyListSpec:
        return ProxyListSpec(name=self.name, lines=_lines(self.proxies))


class ProxyListUpdate(BaseModel):
    """Only the fields sent change; `proxies` replaces the whole list."""

    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, min_length=1, max_length=MAX_NAME)
    proxies: ProxyLines | None = Field(None, description=PROXIES_DOC)

    def changes(self) -> ProxyListChanges:
        return ProxyListChanges(
            name=self.name, lines=_lines(self.proxies) if self.proxies is not None else None
        )


class ProxyRead(BaseModel):
    scheme: ProxyScheme
    host: str
    port: int
    username: str | None
    url: str = Field(description="the proxy with its password masked: scheme://user:***@host:port")

    @classmethod
    def of(cls, p: Proxy) -> ProxyRead:
        return cls(scheme=p.scheme, host=p.host, port=p.port, username=p.username, url=p.masked)


class ProxyListRead(BaseModel):
    id: str
    name: str
    proxies: list[ProxyRead]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, p: ProxyList) -> ProxyListRead:
        return cls(
            id=p.id,
            name=p.name,
            proxies=[ProxyRead.of(x) for x in p.proxies],
            created_at=p.created_at,
            updated_at=p.updated_at,
        )


class ProxyTestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    url: str = Field(
        min_length=8,
        max_length=2000,
        pattern=r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s\x00-\x1f\x7f]+$",
        description="an http(s) URL to GET once through each proxy",
    )
    timeout: StrictFloat = Field(
        5.0, ge=MIN_TEST_TIMEOUT, le=MAX_TEST_TIMEOUT, description="seconds per request"
    )


class ProxyTestResultRead(BaseModel):
    proxy: str = Field(description="masked")
    ok: bool
    status: int | None
    latency_ms: float | None
    error: str | None

    @classmethod
    def of(cls, r: ProxyTestResult) -> ProxyTestResultRead:
        return cls(proxy=r.proxy.masked, ok=r.ok, status=r.status, latency_ms=r.latency_ms, error=r.error)


class StoreProxyAssign(BaseModel):
    model_config = ConfigDict(extra="forbid")
    proxy_list_id: str | None = Field(max_length=64, description="null: the store polls directly again")


class StoreProxyRead(BaseModel):
    store_id: str
    proxy_list_id: str | None
    proxy: str | None = Field(description="the one proxy (masked) the store goes through; null: direct")
