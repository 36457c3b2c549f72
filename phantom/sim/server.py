"""The sim's HTTP server: `SimServer` (async context manager for tests) and `run_sim` (blocking, for the CLI)."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable
from types import TracebackType

from aiohttp import web

from phantom.sim.config import SimConfig
from phantom.sim.control import add_control_routes
from phantom.sim.routes import STATE, add_routes
from phantom.sim.state import SimState

__all__ = ["SimConfig", "SimServer", "SimState", "build_app", "run_sim"]


def build_app(state: SimState) -> web.Application:
    app = web.Application(client_max_size=4 * 1024**2)
    app[STATE] = state
    add_routes(app)
    add_control_routes(app)
    return app


class SimServer:
    """Serves the simulated stores, control API and webhook sinks on `host:port` (0 picks a free port)."""

    def __init__(self, config: SimConfig, host: str = "127.0.0.1", port: int = 0) -> None:
        self.config = config
        self.host = host
        self.port = port
        self.state = SimState(config)
        self.base_url = ""
        self._runner: web.AppRunner | None = None

    async def __aenter__(self) -> SimServer:
        # No access log: the hot path must not log per request.
        runner = web.AppRunner(build_app(self.state), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, backlog=4096)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self.port = int(runner.addresses[0][1])
        self.base_url = f"http://{self.host}:{self.port}"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.state.cancel_schedule()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def shop_url(self, name: str) -> str:
        return f"{self.base_url}/shop/{name}"

    def footsites_url(self, name: str) -> str:
        return f"{self.base_url}/fl/{name}"

    def sink_url(self, name: str) -> str:
        return f"{self.base_url}/sink/{name}/webhooks/1/token"

    def control_url(self, path: str = "") -> str:
        return f"{self.base_url}/_control{path}"


def _banner(sim: SimServer) -> str:
    lines = [f"phantom sim listening on {sim.base_url}", f"  control:   {sim.control_url()}/stores"]
    lines += [f"  shopify:   {sim.shop_url(n)}/products.json" for n in sorted(sim.state.shops)]
    for name in sorted(sim.state.fls):
        sku = sim.state.fls[name].skus[0]
        lines.append(
            f"  footsites: {sim.footsites_url(name)}/api/products/pdp/{sku}  ({len(sim.state.fls[name].skus)} SKUs)"
        )
    lines.append(f"  sink:      {sim.sink_url('demo')}")
    return "\n".join(lines) + "\n"


async def serve_forever(config: SimConfig, host: str, port: int) -> None:
    async with SimServer(config, host, port) as sim:
        sys.stdout.write(_banner(sim))
        sys.stdout.flush()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()


def run_sim(config: SimConfig, host: str = "127.0.0.1", port: int = 8800) -> None:
    """Serve until SIGINT/SIGTERM (uses uvloop when it is installed)."""
    factory: Callable[[], asyncio.AbstractEventLoop] = asyncio.new_event_loop
    try:
        import uvloop  # optional speed-up, looked up at call time

        factory = uvloop.new_event_loop
    except ImportError:  # pragma: no cover - uvloop ships with uvicorn[standard]
        pass
    with asyncio.Runner(loop_factory=factory) as runner:
        runner.run(serve_forever(config, host, port))
