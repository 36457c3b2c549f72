"""Child processes of the benchmark: start (pinned to CPUs), sample CPU and memory, stop.

CPU is user + system time of the process and its descendants (psutil `cpu_times()`), read at the
start and end of the measured window. Memory is the peak of RSS sampled every 0.5 s and the kernel's
own high-water mark (`VmHWM` in /proc/<pid>/status), whichever is larger.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import signal
import socket
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import psutil  # type: ignore[import-untyped]

REPO = Path(__file__).resolve().parent.parent
SAMPLE_PERIOD = 0.5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_count() -> int:
    return len(os.sched_getaffinity(0))


def pin_self(cpus: set[int] | None) -> None:
    if cpus and cpus <= os.sched_getaffinity(0):
        os.sched_setaffinity(0, cpus)


def _vm_hwm(pid: int) -> int:
    """Peak resident set size in bytes, as the kernel recorded it (0 when unreadable)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


@dataclass(slots=True)
class Child:
    """A started child process with its log file and resource samples."""

    name: str
    proc: asyncio.subprocess.Process
    log_path: Path
    _log: IO[bytes]
    _ps: psutil.Process = field(init=False)
    peak_rss: int = 0
    hwm: int = 0

    def __post_init__(self) -> None:
        self._ps = psutil.Process(self.proc.pid)

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def alive(self) -> bool:
        return self.proc.returncode is None

    def cpu_seconds(self) -> float:
        """user + system CPU of the process and its live descendants (0 once it has exited)."""
        total = 0.0
        try:
            procs = [self._ps, *self._ps.children(recursive=True)]
        except psutil.Error:
            return 0.0
        for p in procs:
            with contextlib.suppress(psutil.Error):
                t = p.cpu_times()
                total += float(t.user) + float(t.system)
        return total

    def sample_memory(self) -> None:
        with contextlib.suppress(psutil.Error):
            self.peak_rss = max(self.peak_rss, int(self._ps.memory_info().rss))
        self.hwm = max(self.hwm, _vm_hwm(self.pid))

    @property
    def peak_memory(self) -> int:
        return max(self.peak_rss, self.hwm)

    def log_text(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def stop(self, grace: float = 10.0, sig: int = signal.SIGTERM) -> int:
        """`sig` (SIGTERM), then SIGKILL after `grace`; returns the exit code."""
        if self.alive:
            self.sample_memory()
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(sig)
            try:
                await asyncio.wait_for(self.proc.wait(), grace)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.proc.kill()
                await self.proc.wait()
        self._log.close()
        return int(self.proc.returncode or 0)


async def start(
    name: str,
    argv: Sequence[str],
    *,
    log_dir: Path,
    cpus: set[int] | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Child:
    """Start `argv` (a Python module run with this interpreter when it starts with "-m"), pinned to `cpus`.

    Pinning happens in the child before exec, so every thread it ever starts inherits it.
    """
    full = [sys.executable, *argv] if argv[0] == "-m" else list(argv)
    merged = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1", **(env or {})}
    log_path = log_dir / f"{name}.log"
    log = log_path.open("wb")
    usable = cpus if cpus and cpus <= os.sched_getaffinity(0) else None
    pin = functools.partial(os.sched_setaffinity, 0, usable) if usable else None
    proc = await asyncio.create_subprocess_exec(
        *full,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=log,
        stderr=asyncio.subprocess.STDOUT,
        cwd=cwd or REPO,
        env=merged,
        preexec_fn=pin,
        start_new_session=True,
    )
    return Child(name, proc, log_path, log)


@dataclass(slots=True)
class Window:
    """CPU seconds of each child between `open()` and `close()`, plus wall time."""

    children: Sequence[Child]
    start_cpu: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    started: float = 0.0
    wall: float = 0.0

    def open(self) -> None:
        self.started = asyncio.get_running_loop().time()
        self.start_cpu = {c.name: c.cpu_seconds() for c in self.children}

    def close(self) -> None:
        self.wall = asyncio.get_running_loop().time() - self.started
        self.cpu = {c.name: c.cpu_seconds() - self.start_cpu[c.name] for c in self.children}


async def sample_memory(children: Sequence[Child], stop: asyncio.Event, max_seconds: float) -> None:
    """Sample every child's memory every 0.5 s until `stop` is set (or `max_seconds` pass)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max_seconds
    while not stop.is_set() and loop.time() < deadline:
        for c in children:
            if c.alive:
                c.sample_memory()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), SAMPLE_PERIOD)
