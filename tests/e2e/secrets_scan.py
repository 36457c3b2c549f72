"""Find card secrets where they must never be: response bodies, logs, database files.

Reusable by any end-to-end test that handles cards:

    secrets = [Secret.card_number("4111111111111111"), Secret.exact("737", "cvv")]
    with capture_logs() as logs:
        async with serve(settings) as served, aiohttp.ClientSession() as http:
            responses = ResponseLog()
            await responses.request(http, "GET", served.url + "/api/profiles", headers=served.bearer)
            ...
    assert_no_leaks({**responses.sources(), **logs.sources(), **sqlite_files(db)}, secrets)

A report names the secret by its label, the source and the byte offset, never the secret itself.
Short secrets (a 3-digit CVV) can also match unrelated digits (random ids, timestamps): tests that scan for
them should use deterministic ids and whole-second clocks so a match means a leak.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import structlog

from phantom.core.logging import configure_logging


@dataclass(frozen=True, slots=True)
class Secret:
    label: str
    needles: tuple[bytes, ...]

    @classmethod
    def card_number(cls, number: str, label: str = "card number") -> Secret:
        """The number plain, and grouped with spaces and with dashes (4-4-4-4…, and 4-6-5 for Amex)."""
        digits = number.replace(" ", "").replace("-", "")
        groupings = [[4] * (len(digits) // 4) + ([len(digits) % 4] if len(digits) % 4 else [])]
        if len(digits) == 15:
            groupings.append([4, 6, 5])
        forms = {digits}
        for sizes in groupings:
            parts, at = [], 0
            for size in sizes:
                parts.append(digits[at : at + size])
                at += size
            forms |= {" ".join(parts), "-".join(parts)}
        return cls(label, tuple(sorted(f.encode() for f in forms)))

    @classmethod
    def exact(cls, value: str, label: str) -> Secret:
        return cls(label, (value.encode(),))


@dataclass(frozen=True, slots=True)
class Leak:
    source: str
    secret: str
    offset: int

    def __str__(self) -> str:
        return f"{self.secret} found in {self.source} at byte {self.offset}"


def find_leaks(sources: Mapping[str, bytes | str], secrets: Iterable[Secret]) -> list[Leak]:
    found = []
    secrets = list(secrets)
    for name, content in sources.items():
        data = content.encode() if isinstance(content, str) else content
        for secret in secrets:
            for needle in secret.needles:
                at = data.find(needle)
                while at != -1:
                    found.append(Leak(name, secret.label, at))
                    at = data.find(needle, at + 1)
    return found


def assert_no_leaks(sources: Mapping[str, bytes | str], secrets: Iterable[Secret]) -> None:
    leaks = find_leaks(sources, secrets)
    assert not leaks, f"{len(leaks)} leak(s) in {len(sources)} sources:\n" + "\n".join(map(str, leaks[:50]))


def sqlite_files(db: Path) -> dict[str, bytes]:
    """The database file and whichever of its -wal, -shm and -journal files exist, by name."""
    out = {}
    for path in (db, *(db.with_name(db.name + suffix) for suffix in ("-wal", "-shm", "-journal"))):
        if path.exists():
            out[path.name] = path.read_bytes()
    return out


@dataclass
class Recorded:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


_TRANSFER_HEADERS = frozenset({"content-length", "date"})


@dataclass
class ResponseLog:
    """Every response a test received (status line, headers and body), to scan afterwards."""

    responses: list[tuple[str, Recorded]] = field(default_factory=list)

    async def request(self, http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any) -> Recorded:
        async with http.request(method, url, **kwargs) as r:
            recorded = Recorded(r.status, await r.read(), dict(r.headers))
        self.responses.append((f"{method} {url}", recorded))
        return recorded

    def sources(self) -> dict[str, bytes]:
        """Bodies with their headers, except the ones that are only numbers about the transfer (a body of
        846 bytes is not a leaked CVV)."""
        out = {}
        for i, (what, r) in enumerate(self.responses):
            head = "".join(f"{k}: {v}\n" for k, v in r.headers.items() if k.lower() not in _TRANSFER_HEADERS)
            out[f"response #{i} {what} ({r.status})"] = head.encode() + b"\n" + r.body
        return out


@dataclass
class LogCapture:
    structured: io.StringIO = field(default_factory=io.StringIO)
    records: list[str] = field(default_factory=list)

    def sources(self) -> dict[str, str]:
        """Everything logged, minus each event's wall-clock `timestamp` (its microseconds are arbitrary
        digits that a short secret could match)."""
        lines = []
        for line in self.structured.getvalue().splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                lines.append(line)
                continue
            event.pop("timestamp", None)
            lines.append(json.dumps(event))
        return {"structlog output": "\n".join(lines), "stdlib logging": "\n".join(self.records)}

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.structured.getvalue().splitlines() if line.strip()]


class _Collect(logging.Handler):
    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(self.format(record))


@contextmanager
def capture_logs() -> Iterator[LogCapture]:
    """The app's real log pipeline (configure_logging: JSON, debug level, redaction) into memory, plus the
    stdlib records that reach the root logger at its level (warnings and up: uvicorn, asyncio). Restores
    structlog's defaults and the root logger's handlers."""
    capture = LogCapture()
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    handler = _Collect(capture.records)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    configure_logging("debug", json=True)
    structlog.configure(
        logger_factory=structlog.WriteLoggerFactory(file=capture.structured), cache_logger_on_first_use=False
    )
    root.handlers = [*saved_handlers, handler]
    try:
        yield capture
    finally:
        root.handlers = saved_handlers
        root.setLevel(saved_level)
        structlog.reset_defaults()
