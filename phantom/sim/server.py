"""The sim's HTTP server: `SimServer` (async context manager for tests) and `run_sim` (blocking, for the CLI)."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable
from types import TracebackType

from aiohttp import web

from phantom.sim.checkout_routes import add_checkout_routes
from phantom.sim.config import SimConfig
from phantom.sim.control import add_control_routes
from phantom.sim.routes import STATE, add_routes
from phantom.sim.state import SimState
from phantom.sim.vault import build_vault_app

__all__ = ["SimConfig", "SimServer", "SimState", "build_app", "run_sim"]


def build_app(state: SimState) -> web.Application:
    app = web.Application(client_max_size=4 * 1024**2)
    app[STATE] = state
    add_routes(app)
    add_checkout_routes(app)
    add_control_routes(app)
    return app


async def _listen(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, int]:
    # No access log: the hot path must not log per request (and the vault must never log a card).
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port, backlog=4096)
    try:
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner, int(runner.addresses[0][1])


class SimServer:
    """Serves the simulated stores, control API and webhook sinks on `host:port` (0 picks a free port),
    and the card vault on a port of its own (`config.vault_port`), a separate origin like Shopify's."""

    def __init__(self, config: SimConfig, host: str = "127.0.0.1", port: int = 0) -> None:
        self.config = config
        self.host = host
        self.port = port
        self.state = SimState(config)
        self.base_url = ""
        self.vault_url = ""
        self._runner: web.AppRunner | None = None
        self._vault_runner: web.AppRunner | None = None

    async def __aenter__(self) -> SimServer:
        vault_runner, vault_port = await _listen(
            build_vault_app(self.state.vault), self.host, self.config.vault_port
        )
        try:
            runner, self.port = await _listen(build_app(self.state), self.host, self.port)
        except BaseException:
            await vault_runner.cleanup()
            raise
        self._runner, self._vault_runner = runner, vault_runner
        self.state.vault_port = vault_port
        self.base_url = f"http://{self.host}:{self.port}"
        self.vault_url = f"http://{self.host}:{vault_port}"
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.state.cancel_schedule()
        for runner in (self._runner, self._vault_runner):
            if runner is not None:
                await runner.cleanup()
        self._runner = self._vault_runner = None

    def shop_url(self, name: str) -> str:
        return f"{self.base_url}/shop/{name}"

    def footsites_url(self, name: str) -> str:
        return f"{self.base_url}/fl/{name}"

    def sink_url(self, name: str) -> str:
        return f"{self.base_url}/sink/{name}/webhooks/1/token"

    def control_url(self, path: str = "") -> str:
        return f"{self.base_url}/_control{path}"

    def permalink(self, shop: str, variant_id: int, quantity: int = 1) -> str:
        """The cart permalink that opens a checkout for one variant (query parameters prefill it)."""
        return f"{self.shop_url(shop)}/cart/{variant_id}:{quantity}"


def _banner(sim: SimServer) -> str:
    lines = [f"phantom sim listening on {sim.base_url}", f"  control:   {sim.control_url()}/stores"]
    lines += [f"  shopify:   {sim.shop_url(n)}/products.json" for n in sorted(sim.state.shops)]
    for name in sorted(sim.state.fls):
        sku = sim.state.fls[name].skus[0]
        lines.append(
            f"  footsites: {sim.footsites_url(name)}/api/products/pdp/{sku}  ({len(sim.state.fls[name].skus)} SKUs)"
        )
    lines.append(f"  sink:      {sim.sink_url('demo')}")
    lines += _checkout_lines(sim)
    return "\n".join(lines) + "\n"


def _checkout_lines(sim: SimServer) -> list[str]:
    lines = []
    for name in sorted(sim.state.shops)[:1]:
        vid = next(
            (
                v
                for p in sim.state.shops[name].products
                for v, ok in zip(p.variant_ids, p.available, strict=True)
                if ok
            ),
            None,
        )
        if vid is not None:
            lines.append(
                f"  checkout:  {sim.permalink(name, vid)}  (cart permalink -> {sim.shop_url(name)}/checkouts/<token>)"
            )
    lines.append(f"  vault:     {sim.vault_url}/sessions  (card fields: {sim.vault_url}/card-fields)")
    lines.append(f"  orders:    {sim.control_url()}/shops/<name>/orders")
    return lines


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
