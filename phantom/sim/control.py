"""The control API (`/_control/...`): JSON over HTTP onto the same `SimState` methods tests call."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import web

from phantom.sim.errors import SimError
from phantom.sim.routes import STATE
from phantom.sim.state import SimState

JSON = "application/json"
Body = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Ctl:
    request: web.Request
    state: SimState
    body: Body

    def match(self, key: str) -> str:
        return self.request.match_info[key]


ControlFn = Callable[[Ctl], Any]


def _respond(status: int, payload: Any) -> web.Response:
    return web.Response(status=status, body=orjson.dumps(payload), headers={"Content-Type": JSON})


async def _body(request: web.Request) -> Body:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise SimError(400, f"invalid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise SimError(400, "body must be a JSON object")
    return body


def control(fn: ControlFn) -> Callable[[web.Request], Awaitable[web.Response]]:
    """Wrap a control handler: parse the JSON body, map SimError to its status, encode the reply."""

    async def handler(request: web.Request) -> web.Response:
        try:
            body = await _body(request) if request.method in ("POST", "PUT", "PATCH") else {}
            return _respond(200, fn(Ctl(request, request.app[STATE], body)))
        except SimError as exc:
            return _respond(exc.status, {"error": exc.message})
        except (TypeError, ValueError) as exc:
            return _respond(400, {"error": f"bad request: {exc}"})

    return handler


def _float(request: web.Request, key: str, default: float) -> float:
    try:
        return float(request.query.get(key, default))
    except ValueError:
        raise SimError(400, f"{key} must be a number") from None


def shop_op(c: Ctl) -> Any:
    return c.state.apply("shop", c.match("name"), c.match("op"), c.body)


def fl_op(c: Ctl) -> Any:
    return c.state.apply("fl", c.match("name"), c.match("op"), c.body)


def shop_info(c: Ctl) -> Any:
    store = c.state.shop(c.match("name"))
    return {**store.summary(), "catalogue": store.listing()}


def fl_info(c: Ctl) -> Any:
    store = c.state.fl(c.match("name"))
    return {**store.summary(), "catalogue": store.listing()}


def add_stores(c: Ctl) -> Any:
    names = c.state.add_stores(
        str(c.body.get("platform", "shopify")),
        int(c.body.get("count", 1)),
        None if c.body.get("products") is None else int(c.body["products"]),
        str(c.body.get("prefix", "bench-")),
    )
    return {"stores": names, "count": len(names), "visible_at": time.time()}


def overview(c: Ctl) -> Any:
    return c.state.overview()


def schedule(c: Ctl) -> Any:
    actions = c.body.get("actions")
    if not isinstance(actions, list) or not all(isinstance(a, dict) for a in actions):
        raise SimError(400, "actions must be a list of objects")
    return c.state.schedule(actions)


def changes(c: Ctl) -> Any:
    return c.state.changes(c.request.query.get("store"), int(_float(c.request, "since", 0)))


def requests(c: Ctl) -> Any:
    sink = c.request.query.get("sink")
    store = f"sink:{sink}" if sink else c.request.query.get("store")
    if not store:
        raise SimError(400, "store (or sink) is required")
    return c.state.requests(store, _float(c.request, "since", 0.0))


def reset(c: Ctl) -> Any:
    return c.state.reset()


def sink_config(c: Ctl) -> Any:
    return {**c.state.sink(c.match("name")).configure(c.body), "visible_at": time.time()}


def sink_messages(c: Ctl) -> Any:
    return c.state.sink(c.match("name")).messages


def sink_clear(c: Ctl) -> Any:
    sink = c.state.sink(c.match("name"))
    cleared = len(sink.messages)
    sink.messages.clear()
    return {"cleared": cleared}


def sinks(c: Ctl) -> Any:
    return {
        name: {"messages": len(s.messages), "requests": len(s.requests), "mode": s.mode}
        for name, s in c.state.sinks.items()
    }


def checkout_options(c: Ctl) -> Any:
    if c.request.method == "GET":
        return c.state.checkout_book(c.match("name")).options.as_dict()
    return c.state.shop_checkout(c.match("name"), c.body)


def orders(c: Ctl) -> Any:
    if c.request.method == "DELETE":
        return c.state.shop_clear_orders(c.match("name"))
    return c.state.shop_orders(c.match("name"))


def checkouts(c: Ctl) -> Any:
    return [co.summary() for co in c.state.checkout_book(c.match("name")).checkouts.values()]


def vault_sessions(c: Ctl) -> Any:
    return [s.as_dict() for s in c.state.vault.sessions.values()]


def add_control_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/_control/stores", control(overview))
    r.add_post("/_control/stores", control(add_stores))
    r.add_get("/_control/shop/{name}", control(shop_info))
    r.add_post("/_control/shop/{name}/{op}", control(shop_op))
    r.add_get("/_control/fl/{name}", control(fl_info))
    r.add_post("/_control/fl/{name}/{op}", control(fl_op))
    r.add_post("/_control/schedule", control(schedule))
    r.add_get("/_control/changes", control(changes))
    r.add_get("/_control/requests", control(requests))
    r.add_post("/_control/reset", control(reset))
    r.add_get("/_control/sinks", control(sinks))
    r.add_post("/_control/sink/{name}", control(sink_config))
    r.add_get("/_control/sink/{name}/messages", control(sink_messages))
    r.add_post("/_control/sink/{name}/clear", control(sink_clear))
    for method in ("GET", "PUT", "POST"):
        r.add_route(method, "/_control/shops/{name}/checkout", control(checkout_options))
    r.add_get("/_control/shops/{name}/orders", control(orders))
    r.add_delete("/_control/shops/{name}/orders", control(orders))
    r.add_get("/_control/shops/{name}/checkouts", control(checkouts))
    r.add_get("/_control/vault/sessions", control(vault_sessions))
