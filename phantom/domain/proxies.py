"""Proxy lists: a routing setting the person chooses, tests and assigns to stores and tasks.

Scope line: a proxy is never a way around a block. A store (or a task) goes through ONE proxy of its
list, the one `sticky_proxy` picks from a stable hash of its id, for as long as that proxy is in the list.
Nothing here rotates: a blocked, challenged or rate-limited (429) request is never retried through another
proxy, and a store that was blocked keeps its proxy when its hold ends.

Parsing accepts what proxy vendors hand out, one proxy a line: `scheme://user:pass@host:port`,
`user:pass@host:port`, `host:port` and `host:port:user:pass` (scheme http when none is given).
Errors name the line number and the reason, never the line itself: it may hold a password.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from urllib.parse import quote, unquote

from phantom.domain.errors import InvalidProxy

MAX_PROXIES = 2000  # per list; sticky_proxy hashes every proxy of the list once per store
MAX_LINE = 512
MAX_NAME = 100
MAX_ERRORS_SHOWN = 5

_HOST = re.compile(r"^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://(.*)$", re.DOTALL)


class ProxyScheme(StrEnum):
    HTTP = "http"
    HTTPS = "https"  # TLS to the proxy itself
    SOCKS5 = "socks5"


@dataclass(frozen=True, slots=True)
class Proxy:
    scheme: ProxyScheme
    host: str  # a name, an IPv4 address or a bracketed IPv6 address
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # a secret: never in repr, logs or replies

    @property
    def url(self) -> str:
        """The URL a client connects with, credentials included (percent-encoded)."""
        if self.username is None:
            return f"{self.scheme}://{self.host}:{self.port}"
        auth = quote(self.username, safe="")
        if self.password is not None:
            auth += ":" + quote(self.password, safe="")
        return f"{self.scheme}://{auth}@{self.host}:{self.port}"

    @property
    def masked(self) -> str:
        """`http://user:***@host:port`: what the API and logs show."""
        if self.username is None:
            return f"{self.scheme}://{self.host}:{self.port}"
        secret = ":***" if self.password is not None else ""
        return f"{self.scheme}://{quote(self.username, safe='')}{secret}@{self.host}:{self.port}"

    @property
    def identity(self) -> str:
        """What sticky_proxy hashes: the password is left out, so changing it moves no store."""
        return f"{self.scheme}://{self.username or ''}@{self.host}:{self.port}"

    def __str__(self) -> str:
        return self.masked


@dataclass(frozen=True, slots=True)
class ProxyList:
    id: str
    name: str
    proxies: tuple[Proxy, ...]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ProxyTestResult:
    """One proxy's answer to one test request: `ok` when the target answered 2xx/3xx through it."""

    proxy: Proxy
    ok: bool
    status: int | None = None
    latency_ms: float | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class StoreProxy:
    """A store's assignment to a proxy list, with the one proxy it goes through."""

    store_id: str
    proxy_list_id: str
    proxy: Proxy


# ---- parsing ---------------------------------------------------------------------------------------


def parse_proxy(text: str) -> Proxy:
    """One proxy in any accepted form. Raises InvalidProxy with the reason (never the text)."""
    line = text.strip()
    if not line:
        raise InvalidProxy("empty")
    if len(line) > MAX_LINE:
        raise InvalidProxy(f"longer than {MAX_LINE} characters")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in line):
        raise InvalidProxy("contains whitespace or control characters")
    scheme = ProxyScheme.HTTP
    if (m := _SCHEME.match(line)) is not None:
        scheme = _scheme(m.group(1))
        line = m.group(2)
        if "/" in line.rstrip("/"):
            raise InvalidProxy("a proxy URL has no path")
        line = line.rstrip("/")
    if "@" in line:
        auth, _, address = line.rpartition("@")
        username, sep, password = auth.partition(":")
        host, port = _address(address)
        return _proxy(scheme, host, port, unquote(username), unquote(password) if sep else None)
    if line.startswith("["):  # [v6]:port, optionally :user:pass
        end = line.find("]")
        if end < 0 or line[end + 1 : end + 2] != ":":
            raise InvalidProxy("expected [address]:port")
        port_text, _, creds = line[end + 2 :].partition(":")
        return _with_creds(scheme, line[: end + 1], port_text, creds)
    host, _, rest = line.partition(":")
    port_text, _, creds = rest.partition(":")
    return _with_creds(scheme, host, port_text, creds)


def parse_proxy_lines(lines: Iterable[str]) -> tuple[Proxy, ...]:
    """Every proxy of a pasted list, in order, duplicates dropped; blank lines and `#` comments skipped.

    Raises InvalidProxy naming each bad line's number (the first few) and why; no proxy at all is an error.
    """
    found: dict[Proxy, None] = {}
    errors: list[str] = []
    bad = 0
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            found.setdefault(parse_proxy(line), None)
        except InvalidProxy as exc:
            bad += 1
            if len(errors) < MAX_ERRORS_SHOWN:
                errors.append(f"line {number}: {exc}")
    if errors:
        more = f" (and {bad - len(errors)} more bad lines)" if bad > len(errors) else ""
        raise InvalidProxy("; ".join(errors) + more)
    if not found:
        raise InvalidProxy("a proxy list needs at least one proxy")
    if len(found) > MAX_PROXIES:
        raise InvalidProxy(f"at most {MAX_PROXIES} proxies per list, got {len(found)}")
    return tuple(found)


def validate_list_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise InvalidProxy("a proxy list needs a name")
    if len(cleaned) > MAX_NAME:
        raise InvalidProxy(f"a proxy list name has at most {MAX_NAME} characters")
    return cleaned


def _scheme(text: str) -> ProxyScheme:
    try:
        return ProxyScheme(text.lower())
    except ValueError:
        allowed = ", ".join(s.value for s in ProxyScheme)
        raise InvalidProxy(f"unsupported scheme (use {allowed})") from None


def _address(text: str) -> tuple[str, str]:
    if text.startswith("["):
        end = text.find("]")
        if end < 0 or text[end + 1 : end + 2] != ":":
            raise InvalidProxy("expected [address]:port")
        return text[: end + 1], text[end + 2 :]
    host, sep, port = text.rpartition(":")
    if not sep:
        raise InvalidProxy("missing port (expected host:port)")
    return host, port


def _with_creds(scheme: ProxyScheme, host: str, port_text: str, creds: str) -> Proxy:
    if not creds:
        return _proxy(scheme, host, port_text, None, None)
    username, sep, password = creds.partition(":")
    if not sep:
        raise InvalidProxy("expected host:port:user:pass")
    return _proxy(scheme, host, port_text, username, password)


def _proxy(
    scheme: ProxyScheme, host: str, port_text: str, username: str | None, password: str | None
) -> Proxy:
    if not host:
        raise InvalidProxy("missing host")
    if not _HOST.match(host):
        raise InvalidProxy("invalid host")
    if not port_text:
        raise InvalidProxy("missing port (expected host:port)")
    if not (port_text.isascii() and port_text.isdigit()) or not 1 <= int(port_text) <= 65535:
        raise InvalidProxy("port must be a number from 1 to 65535")
    if username is not None and not username:
        raise InvalidProxy("empty user name")
    return Proxy(scheme, host.lower(), int(port_text), username, password)


# ---- the sticky choice -----------------------------------------------------------------------------


def sticky_proxy(proxy_list: ProxyList, key: str) -> Proxy:
    """The one proxy of the list that `key` (a store or task id) goes through.

    Rendezvous hashing: the proxy with the highest hash of (key, proxy) wins. The same key gets the same
    proxy on every call, in every process; adding a proxy to the list moves only the keys the new one wins,
    and removing one moves only the keys that were on it. Raises InvalidProxy for an empty list.
    """
    if not proxy_list.proxies:
        raise InvalidProxy(f"proxy list {proxy_list.name!r} has no proxies")
    prefix = key.encode() + b"\x00"
    return max(
        proxy_list.proxies,
        key=lambda p: hashlib.blake2b(prefix + p.identity.encode(), digest_size=8).digest(),
    )
