"""All state of the sim process, and every operation of the control API as a method.

Each mutating method returns a JSON-able dict with `visible_at`: the `time.time()` at which the
change became visible to pollers (the event loop is single-threaded, so that is right after the
mutation and cache invalidation).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import structlog

from phantom.sim.checkout import ShopCheckouts
from phantom.sim.config import SimConfig
from phantom.sim.errors import SimError
from phantom.sim.footsites import FlStore
from phantom.sim.shopify import ShopStore
from phantom.sim.sink import Sink
from phantom.sim.vault import Vault

log = structlog.get_logger()

RequestLog = deque[tuple[float, str, int]]
StoreRequestLog = deque[tuple[float, str, int, str | None]]
SCHEDULE_OPS = frozenset(
    {"drop", "restock", "sold_out", "price", "password", "fault", "remove", "churn", "product", "checkout"}
)


def _sizes(body: dict[str, Any]) -> list[str] | None:
    sizes = body.get("sizes")
    if sizes is None:
        return None
    if not isinstance(sizes, list):
        raise SimError(400, "sizes must be a list")
    return [str(s) for s in sizes]


def _need(body: dict[str, Any], key: str) -> Any:
    if key not in body:
        raise SimError(400, f"missing field {key!r}")
    return body[key]


class SimState:
    """Stores, sinks, change log and request logs of one sim process."""

    def __init__(self, config: SimConfig) -> None:
        self.config = config
        self.shops: dict[str, ShopStore] = {}
        self.fls: dict[str, FlStore] = {}
        self.sinks: dict[str, Sink] = {}
        self.request_logs: dict[str, StoreRequestLog] = {}
        self.checkouts: dict[str, ShopCheckouts] = {}  # by shop name, created on first use
        self.vault = Vault()
        self.vault_port = 0  # set by SimServer once the vault listens
        self._changes: deque[dict[str, Any]] = deque(maxlen=config.change_log_size)
        self._seq = 0
        self._timers: set[asyncio.TimerHandle] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._populate()

    def _populate(self) -> None:
        now = time.time()
        for i in range(self.config.shopify_stores):
            self._add_shop(f"store-{i}", self.config.products_per_store, now)
        for i in range(self.config.footsites_stores):
            self._add_fl(f"fl-{i}", self.config.skus_per_footsites_store, now)

    def _add_shop(self, name: str, products: int, now: float) -> ShopStore:
        if name in self.shops or name in self.fls:
            raise SimError(409, f"store {name!r} exists")
        store = ShopStore(name, len(self.shops) + len(self.fls), self.config.seed, products, now)
        self.shops[name] = store
        self.request_logs[name] = deque(maxlen=self.config.request_log_size)
        return store

    def _add_fl(self, name: str, skus: int, now: float) -> FlStore:
        if name in self.shops or name in self.fls:
            raise SimError(409, f"store {name!r} exists")
        store = FlStore(name, self.config.seed, skus, now)
        self.fls[name] = store
        self.request_logs[name] = deque(maxlen=self.config.request_log_size)
        return store

    def shop(self, name: str) -> ShopStore:
        try:
            return self.shops[name]
        except KeyError:
            raise SimError(404, f"unknown shopify store {name!r}") from None

    def fl(self, name: str) -> FlStore:
        try:
            return self.fls[name]
        except KeyError:
            raise SimError(404, f"unknown footsites store {name!r}") from None

    def checkout_book(self, name: str) -> ShopCheckouts:
        """Carts, checkouts, orders and checkout options of the shop called `name`."""
        found = self.checkouts.get(name)
        if found is None:
            self.shop(name)
            found = self.checkouts[name] = ShopCheckouts(name)
        return found

    def sink(self, name: str) -> Sink:
        """The sink called `name`, created on first use."""
        found = self.sinks.get(name)
        if found is None:
            found = self.sinks[name] = Sink(name, self.config.sink_limit, self.config.sink_window)
        return found

    # -- change log --------------------------------------------------------------------------------

    def _change(self, store: str, op: str, **fields: Any) -> dict[str, Any]:
        self._seq += 1
        entry = {"seq": self._seq, "store": store, "op": op, **fields, "visible_at": time.time()}
        self._changes.append(entry)
        return entry

    def changes(self, store: str | None = None, since: int = 0) -> list[dict[str, Any]]:
        return [c for c in self._changes if c["seq"] > since and (store is None or c["store"] == store)]

    def requests(self, store: str, since: float = 0.0) -> list[dict[str, Any]]:
        """The request log of a store, or of a sink when `store` is "sink:<name>"."""
        if store.startswith("sink:"):
            sink_entries = self.sink(store.removeprefix("sink:")).requests
            entries: StoreRequestLog | None = deque((t, p, s, None) for t, p, s in sink_entries)
        else:
            entries = self.request_logs.get(store)
        if entries is None:
            raise SimError(404, f"unknown store {store!r}")
        return [{"t": t, "path": p, "status": s, "retry_after": ra} for t, p, s, ra in entries if t >= since]

    def log_request(self, store: str, path: str, status: int, retry_after: str | None = None) -> None:
        """Append to the store's request log; a 429's Retry-After is kept so tests can check it was honoured."""
        entries = self.request_logs.get(store)
        if entries is not None:
            entries.append((time.time(), path, status, retry_after))

    # -- shopify -----------------------------------------------------------------------------------

    def shop_drop(
        self,
        store: str,
        *,
        title: str | None = None,
        handle: str | None = None,
        sizes: list[str] | None = None,
        price: str | None = None,
        available: bool = True,
    ) -> dict[str, Any]:
        p = self.shop(store).drop(
            time.time(), title=title, handle=handle, sizes=sizes, price=price, available=available
        )
        entry = self._change(store, "drop", handle=p.handle, sizes=list(p.sizes), price=p.price)
        variants = [
            {"id": vid, "size": s, "available": a}
            for vid, s, a in zip(p.variant_ids, p.sizes, p.available, strict=True)
        ]
        product = {"id": p.id, "handle": p.handle, "title": p.title, "price": p.price, "variants": variants}
        return {"product": product, "visible_at": entry["visible_at"], "seq": entry["seq"]}

    def shop_restock(self, store: str, handle: str, sizes: list[str] | None = None) -> dict[str, Any]:
        changed = self.shop(store).set_available(handle, sizes, True, time.time())
        return self._change(store, "restock", handle=handle, sizes=changed)

    def shop_sold_out(self, store: str, handle: str, sizes: list[str] | None = None) -> dict[str, Any]:
        changed = self.shop(store).set_available(handle, sizes, False, time.time())
        return self._change(store, "sold_out", handle=handle, sizes=changed)

    def shop_price(self, store: str, handle: str, price: str) -> dict[str, Any]:
        price = f"{float(price):.2f}"
        self.shop(store).set_price(handle, price, time.time())
        return self._change(store, "price", handle=handle, sizes=[], price=price)

    def shop_remove(self, store: str, handle: str) -> dict[str, Any]:
        self.shop(store).remove(handle, time.time())
        return self._change(store, "remove", handle=handle, sizes=[])

    def shop_password(self, store: str, enabled: bool) -> dict[str, Any]:
        self.shop(store).password = bool(enabled)
        return self._change(store, "password", enabled=bool(enabled), sizes=[])

    def shop_churn(self, store: str, enabled: bool) -> dict[str, Any]:
        self.shop(store).churn = bool(enabled)
        return {"store": store, "churn": bool(enabled), "visible_at": time.time()}

    def shop_checkout(self, store: str, options: dict[str, Any]) -> dict[str, Any]:
        """Change the shop's checkout options (challenge, oos_at_payment, step_delay_ms, decline); absent keys stay."""
        book = self.checkout_book(store)
        book.options.update(options)
        return {"store": store, **book.options.as_dict(), "visible_at": time.time()}

    def shop_orders(self, store: str) -> list[dict[str, Any]]:
        return [order.as_dict() for order in self.checkout_book(store).orders]

    def shop_clear_orders(self, store: str) -> dict[str, Any]:
        return {
            "store": store,
            "cleared": self.checkout_book(store).clear_orders(),
            "visible_at": time.time(),
        }

    def churn_tick(self, store: ShopStore, limit: int) -> None:
        flipped = store.flip_one(limit, time.time())
        if flipped is not None:
            handle, size, available = flipped
            self._change(
                store.name, "restock" if available else "sold_out", handle=handle, sizes=[size], churn=True
            )

    # -- footsites ---------------------------------------------------------------------------------

    def fl_restock(self, store: str, sku: str, sizes: list[str] | None = None) -> dict[str, Any]:
        changed = self.fl(store).set_available(sku, sizes, True, time.time())
        return self._change(store, "restock", sku=sku, sizes=changed)

    def fl_sold_out(self, store: str, sku: str, sizes: list[str] | None = None) -> dict[str, Any]:
        changed = self.fl(store).set_available(sku, sizes, False, time.time())
        return self._change(store, "sold_out", sku=sku, sizes=changed)

    def fl_price(self, store: str, sku: str, price: float | str) -> dict[str, Any]:
        value = float(price)
        self.fl(store).set_price(sku, value, time.time())
        return self._change(store, "price", sku=sku, sizes=[], price=value)

    def fl_product(
        self, store: str, sku: str, name: str | None = None, sizes: list[str] | None = None
    ) -> dict[str, Any]:
        st = self.fl(store).add_product(sku, name, sizes, time.time())
        return self._change(store, "product", sku=sku, sizes=[f"{u.size:.1f}" for u in st.sizes])

    # -- both --------------------------------------------------------------------------------------

    def set_fault(self, store: str, mode: str, **params: Any) -> dict[str, Any]:
        target = self.shops.get(store) or self.fls.get(store)
        if target is None:
            raise SimError(404, f"unknown store {store!r}")
        target.fault.configure(
            mode,
            retry_after=params.get("retry_after"),
            delay=params.get("delay"),
            count=params.get("count"),
            status=params.get("status"),
        )
        return self._change(store, "fault", mode=mode, sizes=[])

    def add_stores(
        self, platform: str, count: int, products: int | None = None, prefix: str = "bench-"
    ) -> list[str]:
        """Create `count` stores at once; their catalogues are generated on first request."""
        now, names = time.time(), []
        start = len(self.shops) + len(self.fls)
        for i in range(count):
            name = f"{prefix}{start + i}"
            if platform == "shopify":
                self._add_shop(name, self.config.products_per_store if products is None else products, now)
            elif platform == "footsites":
                self._add_fl(
                    name, self.config.skus_per_footsites_store if products is None else products, now
                )
            else:
                raise SimError(400, f"unknown platform {platform!r}")
            names.append(name)
        self._warm_later(names)
        return names

    def _warm_later(self, names: list[str]) -> None:
        """Build new catalogues in the background, a few stores per loop turn, so first polls are cheap."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (plain in-process use): stay lazy
        task = loop.create_task(self._warm(names))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _warm(self, names: list[str]) -> None:
        for i, name in enumerate(names):
            shop = self.shops.get(name)
            if shop is not None:
                shop.warm()
            elif name in self.fls:
                _ = self.fls[name].models
            if i % 8 == 7:
                await asyncio.sleep(0)  # let requests through between batches

    def apply(self, platform: str, store: str, op: str, body: dict[str, Any]) -> dict[str, Any]:
        """Run one control operation by name (the HTTP control API and the scheduler both use this)."""
        handler = self._ops(platform).get(op)
        if handler is None:
            raise SimError(404, f"unknown {platform} operation {op!r}")
        try:
            return handler(store, body)
        except (TypeError, ValueError) as exc:
            raise SimError(400, f"bad {op} request: {exc}") from None

    def _ops(self, platform: str) -> dict[str, Callable[[str, dict[str, Any]], dict[str, Any]]]:
        if platform == "shop":
            return {
                "drop": lambda s, b: self.shop_drop(
                    s,
                    title=b.get("title"),
                    handle=b.get("handle"),
                    sizes=_sizes(b),
                    price=None if b.get("price") is None else f"{float(b['price']):.2f}",
                    available=bool(b.get("available", True)),
                ),
                "restock": lambda s, b: self.shop_restock(s, _need(b, "handle"), _sizes(b)),
                "sold_out": lambda s, b: self.shop_sold_out(s, _need(b, "handle"), _sizes(b)),
                "price": lambda s, b: self.shop_price(s, _need(b, "handle"), _need(b, "price")),
                "remove": lambda s, b: self.shop_remove(s, _need(b, "handle")),
                "password": lambda s, b: self.shop_password(s, bool(b.get("enabled", True))),
                "churn": lambda s, b: self.shop_churn(s, bool(b.get("enabled", True))),
                "checkout": self.shop_checkout,
                "fault": self._fault_op,
            }
        if platform == "fl":
            return {
                "restock": lambda s, b: self.fl_restock(s, str(_need(b, "sku")), _sizes(b)),
                "sold_out": lambda s, b: self.fl_sold_out(s, str(_need(b, "sku")), _sizes(b)),
                "price": lambda s, b: self.fl_price(s, str(_need(b, "sku")), _need(b, "price")),
                "product": lambda s, b: self.fl_product(s, str(_need(b, "sku")), b.get("name"), _sizes(b)),
                "fault": self._fault_op,
            }
        raise SimError(404, f"unknown platform {platform!r}")

    def _fault_op(self, store: str, body: dict[str, Any]) -> dict[str, Any]:
        params = {k: body[k] for k in ("retry_after", "delay", "count", "status") if k in body}
        return self.set_fault(store, str(body.get("mode", "none")), **params)

    # -- schedule ----------------------------------------------------------------------------------

    def schedule(self, actions: list[dict[str, Any]]) -> dict[str, Any]:
        """Run actions `at` seconds from now (divided by time_scale); validated up front."""
        loop = asyncio.get_running_loop()
        planned = [self._plan(a) for a in actions]
        now, due = time.time(), []
        for delay, platform, store, op, body in planned:
            handle = loop.call_later(delay, self._fire, platform, store, op, body)
            self._timers.add(handle)
            due.append(now + delay)
        return {"scheduled": len(planned), "due_at": due, "visible_at": now}

    def _plan(self, action: dict[str, Any]) -> tuple[float, str, str, str, dict[str, Any]]:
        op, store = action.get("op"), str(action.get("store", ""))
        if op not in SCHEDULE_OPS:
            raise SimError(400, f"cannot schedule op {op!r}; one of {sorted(SCHEDULE_OPS)}")
        platform = "shop" if store in self.shops else "fl" if store in self.fls else None
        if platform is None:
            raise SimError(404, f"unknown store {store!r}")
        if op not in self._ops(platform):
            raise SimError(400, f"op {op!r} does not apply to {platform} store {store!r}")
        at = float(action.get("at", 0.0))
        body = {k: v for k, v in action.items() if k not in ("at", "op", "store")}
        return max(0.0, at / self.config.time_scale), platform, store, str(op), body

    def _fire(self, platform: str, store: str, op: str, body: dict[str, Any]) -> None:
        self._timers = {
            t for t in self._timers if not t.cancelled() and t.when() > asyncio.get_running_loop().time()
        }
        try:
            self.apply(platform, store, op, body)
        except SimError as exc:
            log.warning("sim_scheduled_action_failed", store=store, op=op, error=exc.message)

    def pending(self) -> int:
        return sum(1 for t in self._timers if not t.cancelled())

    def cancel_schedule(self) -> None:
        """Cancel scheduled actions and background warm-up."""
        for t in self._timers:
            t.cancel()
        self._timers.clear()
        for task in self._tasks:
            task.cancel()

    def reset(self) -> dict[str, Any]:
        """Back to the configured start: fresh catalogues, no sinks, checkouts or orders, empty logs, nothing scheduled."""
        self.cancel_schedule()
        self.shops.clear()
        self.fls.clear()
        self.sinks.clear()
        self.request_logs.clear()
        self.checkouts.clear()
        self.vault.clear()
        self._changes.clear()
        self._populate()
        return {"reset": True, "visible_at": time.time()}

    def overview(self) -> dict[str, Any]:
        return {
            "shopify": sorted(self.shops),
            "footsites": sorted(self.fls),
            "sinks": sorted(self.sinks),
            "changes": self._seq,
            "scheduled": self.pending(),
        }
