"""Pure part of the checkout-latency benchmark: pair each drop with what Phantom did about it, split the
detection-to-link time into phases, and summarise it.

Every time is epoch seconds (`time.time()`, or Phantom's UTC datetimes converted); all processes run on
one machine, so one clock. Phases of one drop:

    made_at ──poll──► detected_at ──rules──► attempt created_at ──build──► link_at ──publish──► WS receive
                          └───────────────── event write + publish ─────────────► new_product WS receive
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bench.scenario import percentile

TARGET_MS = 50.0
_CART_VARIANT = re.compile(r"/cart/(\d+):")


@dataclass(frozen=True, slots=True)
class Drop:
    """One product the bench dropped in the sim."""

    store: str
    title: str
    made_at: float  # the sim's visible_at
    variant_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Received:
    """One `event` message from /ws and when the bench read it."""

    at: float
    data: Mapping[str, Any]


@dataclass(slots=True)
class DropTiming:
    drop: Drop
    detected_at: float | None = None  # the new_product event (Phantom saw the change)
    event_received_at: float | None = None  # its /ws message
    product_key: tuple[str, str] | None = None  # (store_id, product_id)
    task_id: str | None = None
    link_received_at: float | None = None  # the checkout_link /ws message
    links: int = 0  # checkout_link messages for this product (more than 1: duplicates)
    attempt_detected_at: float | None = None
    attempt_created_at: float | None = None
    link_at: float | None = None
    discord_received_at: float | None = None  # the "Checkout ready" embed at the sim's webhook sink


def epoch(value: object) -> float | None:
    """An ISO 8601 datetime from the API as epoch seconds (None stays None)."""
    if not isinstance(value, str):
        return None
    return datetime.fromisoformat(value).timestamp()


def _ms(start: float | None, end: float | None) -> float | None:
    return None if start is None or end is None else (end - start) * 1000.0


def match_drops(
    drops: Sequence[Drop],
    received: Iterable[Received],
    attempts: Iterable[Mapping[str, Any]],
    sink_messages: Iterable[Mapping[str, Any]] = (),
) -> list[DropTiming]:
    """Pair every drop with its new_product event (store name + title), then that product's checkout_link
    message, checkout attempt (store id + product id, first attempt) and Discord embed (variant id)."""
    timings = {(d.store, d.title): DropTiming(d) for d in drops}
    by_product: dict[tuple[str, str], DropTiming] = {}
    links: list[Received] = []
    for r in sorted(received, key=lambda m: m.at):
        kind = r.data.get("kind")
        if kind == "new_product":
            t = timings.get((str(r.data.get("store_name")), str(r.data.get("product_title"))))
            if t is not None and t.detected_at is None:
                t.detected_at = epoch(r.data.get("detected_at"))
                t.event_received_at = r.at
                t.product_key = (str(r.data.get("store_id")), str(r.data.get("product_id")))
                by_product[t.product_key] = t
        elif kind == "checkout_link":
            links.append(r)
    for r in links:
        t = by_product.get((str(r.data.get("store_id")), str(r.data.get("product_id"))))
        if t is None:
            continue
        t.links += 1
        if t.link_received_at is None:
            t.link_received_at = r.at
            t.task_id = str(r.data.get("task_id"))
    for a in sorted(attempts, key=lambda a: int(a.get("number", 0))):
        t = by_product.get((str(a.get("store_id")), str(a.get("product_id"))))
        if t is not None and t.attempt_created_at is None:
            t.attempt_detected_at = epoch(a.get("detected_at"))
            t.attempt_created_at = epoch(a.get("created_at"))
            t.link_at = epoch(a.get("link_at"))
    by_variant = {v: t for t in timings.values() for v in t.drop.variant_ids}
    for m in sorted(sink_messages, key=lambda m: float(m.get("received_at", 0.0))):
        for url in _embed_urls(m.get("body")):
            found = _CART_VARIANT.search(url)
            t = by_variant.get(found.group(1)) if found else None
            if t is not None and t.discord_received_at is None:
                t.discord_received_at = float(m["received_at"])
    return [timings[(d.store, d.title)] for d in drops]


def _embed_urls(body: object) -> list[str]:
    embeds = body.get("embeds") if isinstance(body, dict) else None
    return [str(e["url"]) for e in embeds or () if isinstance(e, dict) and e.get("url")]


# (key, label) of every measure `measures` computes, in table order.
MEASURES: tuple[tuple[str, str], ...] = (
    ("server", "server detection -> link (attempt link_at - detected_at)"),
    ("ws", "WS-delivered detection -> link (receive - detected_at)"),
    ("discord", "Discord-delivered detection -> link (sink receive - detected_at)"),
    ("rules", "  phase detected_at -> attempt created_at (event write, rules, task)"),
    ("build", "  phase attempt created_at -> link_at (attempt commit, link)"),
    ("publish", "  phase link_at -> WS receive (link event write, publish, /ws)"),
    ("event_ws", "new_product detected_at -> its WS receive"),
    ("poll", "drop visible -> detected_at (poll wait, context)"),
)


def measures(t: DropTiming) -> dict[str, float | None]:
    return {
        "server": _ms(t.attempt_detected_at, t.link_at),
        "ws": _ms(t.detected_at, t.link_received_at),
        "discord": _ms(t.detected_at, t.discord_received_at),
        "rules": _ms(t.detected_at, t.attempt_created_at),
        "build": _ms(t.attempt_created_at, t.link_at),
        "publish": _ms(t.link_at, t.link_received_at),
        "event_ws": _ms(t.detected_at, t.event_received_at),
        "poll": _ms(t.drop.made_at, t.detected_at),
    }


def stats(values: Sequence[float]) -> dict[str, float | int | None]:
    def r(v: float | None) -> float | None:
        return None if v is None else round(v, 2)

    return {
        "n": len(values),
        "p50": r(percentile(values, 50)),
        "p95": r(percentile(values, 95)),
        "max": r(max(values) if values else None),
    }


def summarise(timings: Sequence[DropTiming]) -> dict[str, Any]:
    """Counts, and p50/p95/max (ms) of every measure over the drops that have it."""
    per_drop = [measures(t) for t in timings]
    summary: dict[str, Any] = {
        "counts": {
            "drops": len(timings),
            "events": sum(t.detected_at is not None for t in timings),
            "tasks": sum(t.attempt_created_at is not None for t in timings),
            "links": sum(t.link_received_at is not None for t in timings),
            "duplicate_links": sum(max(t.links - 1, 0) for t in timings),
            "discord": sum(t.discord_received_at is not None for t in timings),
            "missing": sum(t.link_received_at is None for t in timings),
        }
    }
    for key, _ in MEASURES:
        summary[key] = stats([v for m in per_drop if (v := m[key]) is not None])
    return summary


def passed(summary: Mapping[str, Any], target_ms: float = TARGET_MS) -> bool:
    """Every drop got its link on /ws, and the WS-delivered p95 is within the target."""
    p95 = summary["ws"]["p95"]
    return bool(summary["counts"]["missing"] == 0 and p95 is not None and p95 <= target_ms)


def table(summary: Mapping[str, Any], target_ms: float = TARGET_MS) -> str:
    c = summary["counts"]
    lines = [
        f"drops {c['drops']}  events {c['events']}  tasks {c['tasks']}  links {c['links']}  "
        f"missing {c['missing']}  duplicate links {c['duplicate_links']}  discord {c['discord']}",
        f"  {'ms':<72}{'n':>4}{'p50':>9}{'p95':>9}{'max':>9}",
    ]

    def cell(v: object) -> str:
        return "-" if v is None else f"{v:.1f}"

    for key, label in MEASURES:
        s = summary[key]
        lines.append(f"  {label:<72}{s['n']:>4}{cell(s['p50']):>9}{cell(s['p95']):>9}{cell(s['max']):>9}")
    verdict = "PASS" if passed(summary, target_ms) else "FAIL"
    lines.append(f"[{verdict}] WS-delivered detection -> link p95 <= {target_ms:g} ms, no link missing")
    return "\n".join(lines)
