"""Small real proxies on 127.0.0.1 for tests, written with asyncio streams: an HTTP forward proxy (absolute-
form GET and CONNECT, optional Basic auth answering 407) and a SOCKS5 server (RFC 1928, optional RFC 1929
user/password). Each keeps a log of what went through it, so a test can see which proxy a request took.

One request per client connection on the HTTP proxy (it answers `Connection: close`): simple, and enough
for tests.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ipaddress
import struct
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self
from urllib.parse import urlsplit

_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "proxy-authenticate"}


@dataclass(frozen=True, slots=True)
class Hit:
    """One request the proxy saw: for HTTP the method and target, for SOCKS5 "CONNECT" and host:port."""

    method: str
    target: str
    authorized: bool = True


@dataclass
class _Server:
    username: str | None = None
    password: str | None = None
    log: list[Hit] = field(default_factory=list)
    port: int = 0
    _server: asyncio.Server | None = None
    _handlers: set[asyncio.Task[None]] = field(default_factory=set)

    scheme = "http"

    @property
    def url(self) -> str:
        """The proxy URL with its credentials (when it has any)."""
        auth = f"{self.username}:{self.password}@" if self.username is not None else ""
        return f"{self.scheme}://{auth}127.0.0.1:{self.port}"

    @property
    def bare_url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def targets(self) -> list[str]:
        return [h.target for h in self.log if h.authorized]

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._handlers):
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            await self._handle(reader, writer)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
            pass
        finally:
            self._handlers.discard(task)
            await _close(writer)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        raise NotImplementedError


class HttpProxy(_Server):
    """HTTP forward proxy. With a username, requests without the right Proxy-Authorization get a 407."""

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, *lines = head.decode("latin-1").split("\r\n")
        method, target, _version = request_line.split(" ", 2)
        headers = [_header(line) for line in lines if ":" in line]
        authorized = self._authorized({k.lower(): v for k, v in headers})
        self.log.append(Hit(method, target, authorized))
        if not authorized:
            writer.write(
                b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                b'Proxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'
            )
            await writer.drain()
            return
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            await self._tunnel(reader, writer, host, int(port))
            return
        await self._forward(reader, writer, method, target, headers)

    def _authorized(self, headers: dict[str, str]) -> bool:
        if self.username is None:
            return True
        expected = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return headers.get("proxy-authorization", "") == f"Basic {expected}"

    async def _tunnel(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, port: int
    ) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(host, port)
        except OSError:
            writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
            return
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()
        await _pipe_both(reader, writer, up_reader, up_writer)

    async def _forward(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        method: str,
        target: str,
        headers: list[tuple[str, str]],
    ) -> None:
        parts = urlsplit(target)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        length = int(next((v for k, v in headers if k.lower() == "content-length"), "0"))
        body = await reader.readexactly(length) if length else b""
        try:
            up_reader, up_writer = await asyncio.open_connection(parts.hostname, parts.port or 80)
        except OSError:
            writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
            return
        try:
            kept = "".join(f"{k}: {v}\r\n" for k, v in headers if k.lower() not in _HOP_BY_HOP)
            up_writer.write(
                f"{method} {path} HTTP/1.1\r\n{kept}Connection: close\r\n\r\n".encode("latin-1") + body
            )
            await up_writer.drain()
            status_line, *resp_lines = (
                (await up_reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            )
            resp_kept = "".join(
                f"{line}\r\n"
                for line in resp_lines
                if line and line.split(":", 1)[0].lower() not in _HOP_BY_HOP
            )
            writer.write(f"{status_line}\r\n{resp_kept}Connection: close\r\n\r\n".encode("latin-1"))
            while chunk := await up_reader.read(65536):
                writer.write(chunk)
                await writer.drain()
        finally:
            await _close(up_writer)


class Socks5Proxy(_Server):
    """SOCKS5 CONNECT. With a username, only user/password auth (RFC 1929) is offered and checked."""

    scheme = "socks5"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        version, count = await reader.readexactly(2)
        methods = await reader.readexactly(count)
        if version != 5:
            return
        if not await self._authenticate(reader, writer, methods):
            return
        _, command, _, address_type = await reader.readexactly(4)
        host = await _read_address(reader, address_type)
        (port,) = struct.unpack("!H", await reader.readexactly(2))
        self.log.append(Hit("CONNECT", f"{host}:{port}"))
        if command != 1:
            writer.write(b"\x05\x07\x00\x01\x00\x00\x00\x00\x00\x00")  # command not supported
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(host, port)
        except OSError:
            writer.write(b"\x05\x05\x00\x01\x00\x00\x00\x00\x00\x00")  # connection refused
            return
        writer.write(b"\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00")
        await writer.drain()
        await _pipe_both(reader, writer, up_reader, up_writer)

    async def _authenticate(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, methods: bytes
    ) -> bool:
        """False when the client may not go on (no acceptable method, wrong credentials: logged)."""
        if self.username is None:
            writer.write(b"\x05\x00")
            return True
        if 2 not in methods:
            writer.write(b"\x05\xff")
            self.log.append(Hit("AUTH", "", authorized=False))
            return False
        writer.write(b"\x05\x02")
        await writer.drain()
        _, ulen = await reader.readexactly(2)
        username = (await reader.readexactly(ulen)).decode()
        (plen,) = await reader.readexactly(1)
        password = (await reader.readexactly(plen)).decode()
        ok = (username, password) == (self.username, self.password)
        writer.write(b"\x01\x00" if ok else b"\x01\x01")
        await writer.drain()
        if not ok:
            self.log.append(Hit("AUTH", username, authorized=False))
        return ok


def _header(line: str) -> tuple[str, str]:
    name, _, value = line.partition(":")
    return name.strip(), value.strip()


async def _read_address(reader: asyncio.StreamReader, address_type: int) -> str:
    if address_type == 1:
        return str(ipaddress.IPv4Address(await reader.readexactly(4)))
    if address_type == 3:
        (length,) = await reader.readexactly(1)
        return (await reader.readexactly(length)).decode()
    if address_type == 4:
        return str(ipaddress.IPv6Address(await reader.readexactly(16)))
    raise ValueError(f"address type {address_type}")


async def _pipe_both(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    up_reader: asyncio.StreamReader,
    up_writer: asyncio.StreamWriter,
) -> None:
    try:
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
    finally:
        await _close(up_writer)


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while chunk := await source.read(65536):
            sink.write(chunk)
            await sink.drain()
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError, RuntimeError):
            if sink.can_write_eof():
                sink.write_eof()


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(OSError, asyncio.CancelledError):
        await writer.wait_closed()
