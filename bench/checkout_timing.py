"""Pure part of the checkout-latency benchmark: pair each drop with what Phantom did about it, split the
detection-to-link time into phases, and summarise it.

Every time is epoch seconds (`time.time()`, or Phantom's UTC datetimes converted); all processes run on
one machine, so one clock. Phases of one drop, from the API's timestamps and the `event_detected` lines
Phantom logs right after committing an event and before publishing it:

    made_at ─poll─► detected_at ─write─► new_product logged ─match─► attempt created_at ─prepare─►
        link_at ─record─► checkout_link logged ─deliver─► checkout_link received on /ws

write: the monitor's transaction (event, outbox, read model, snapshot). match: the rules queue and
`rules.on_event`'s transaction (task insert), the task's start. prepare: `checkout._prepare`'s reads,
attempt insert and commit, and the assist module. record: `checkout._record`'s transaction (attempt,
task, link event, outbox). deliver: bus → /ws pump → JSON → socket → the bench's read.
"""

from __future__ import annotations

import bisect
import json
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
    event_logged_at: float | None = None  # Phantom's `event_detected` log line of the new_product
    link_logged_at: float | None = None  # … and of the checkout_link
    loop: tuple[float, float] | None = None  # Phantom's loop thread (ms on a CPU, ms waiting) until the link


def epoch(value: object) -> float | None:
    """An ISO 8601 datetime from the API as epoch seconds (None stays None)."""
    if not isinstance(value, str):
        return None
    return datetime.fromisoformat(value).timestamp()


def logged_events(log_text: str) -> dict[tuple[str, str, str], float]:
    """(store name, kind, product title) -> time of the first `event_detected` line Phantom logged for it."""
    found: dict[tuple[str, str, str], float] = {}
    for line in log_text.splitlines():
        if '"event_detected"' not in line:
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        at = epoch(entry.get("timestamp"))
        key = (str(entry.get("store")), str(entry.get("kind")), str(entry.get("product")))
        if at is not None and key not in found:
            found[key] = at
    return found


def _ms(start: float | None, end: float | None) -> float | None:
    return None if start is None or end is None else (end - start) * 1000.0


def match_drops(
    drops: Sequence[Drop],
    received: Iterable[Received],
    attempts: Iterable[Mapping[str, Any]],
    sink_messages: Iterable[Mapping[str, Any]] = (),
    log_text: str = "",
    sched: Sequence[SchedSample] = (),
) -> list[DropTiming]:
    """Pair every drop with its new_product event (store name + title), then that product's checkout_link
    message, checkout attempt (store id + product id, first attempt), Discord embed (variant id) and
    Phantom's log lines (store name + title); and, from `sched`, how long Phantom's event-loop thread ran
    and waited for a CPU between detection and the link's arrival."""
    timings = {(d.store, d.title): DropTiming(d) for d in drops}
    logged = logged_events(log_text)
    for timing in timings.values():
        timing.event_logged_at = logged.get((timing.drop.store, "new_product", timing.drop.title))
        timing.link_logged_at = logged.get((timing.drop.store, "checkout_link", timing.drop.title))
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
    for t in timings.values():
        if t.detected_at is not None and t.link_received_at is not None:
            t.loop = sched_between(sched, t.detected_at, t.link_received_at)
    return [timings[(d.store, d.title)] for d in drops]


SchedSample = tuple[float, int, int]  # (time.time(), ns on a CPU, ns runnable but waiting), cumulative


def _at(samples: Sequence[SchedSample], when: float) -> tuple[float, float] | None:
    """Cumulative (cpu ns, wait ns) at `when`, interpolated between the samples around it (time order)."""
    i = bisect.bisect_left(samples, when, key=lambda s: s[0])
    if i == len(samples) or (i == 0 and samples[0][0] != when):
        return None
    t1, c1, w1 = samples[i]
    if t1 == when:
        return float(c1), float(w1)
    t0, c0, w0 = samples[i - 1]
    f = (when - t0) / (t1 - t0)
    return c0 + (c1 - c0) * f, w0 + (w1 - w0) * f


def sched_between(samples: Sequence[SchedSample], start: float, end: float) -> tuple[float, float] | None:
    """(ms on a CPU, ms waiting for one) between two times; None when the samples do not cover both."""
    a, b = _at(samples, start), _at(samples, end)
    if a is None or b is None:
        return None
    return (b[0] - a[0]) / 1e6, (b[1] - a[1]) / 1e6


def _embed_urls(body: object) -> list[str]:
    embeds = body.get("embeds") if isinstance(body, dict) else None
    return [str(e["url"]) for e in embeds or () if isinstance(e, dict) and e.get("url")]


# (key, label) of every measure `measures` computes, in table order.
MEASURES: tuple[tuple[str, str], ...] = (
    ("server", "server detection -> link (attempt link_at - detected_at)"),
    ("ws", "WS-delivered detection -> link (receive - detected_at)"),
    ("discord", "Discord-delivered detection -> link (sink receive - detected_at)"),
    ("write", "  1 write:   detected_at -> new_product logged"),
    ("match", "  2 match:   new_product logged -> attempt created_at"),
    ("prepare", "  3 prepare: attempt created_at -> link_at"),
    ("record", "  4 record:  link_at -> checkout_link logged"),
    ("deliver", "  5 deliver: checkout_link logged -> WS receive"),
    ("loop_cpu", "Phantom's loop thread on a CPU, detection -> WS receive"),
    ("loop_wait", "Phantom's loop thread runnable but waiting for a CPU, same window"),
    ("ws_less_wait", "WS-delivered minus that wait (had Phantom always had its CPU)"),
    ("event_ws", "new_product detected_at -> its WS receive"),
    ("poll", "drop visible -> detected_at (poll wait, context)"),
)


PHASES = ("write", "match", "prepare", "record", "deliver")
SLOWEST_COLUMNS = (*PHASES, "ws", "loop_wait")
SLOWEST = 5


def measures(t: DropTiming) -> dict[str, float | None]:
    ws = _ms(t.detected_at, t.link_received_at)
    cpu, wait = t.loop if t.loop is not None else (None, None)
    return {
        "server": _ms(t.attempt_detected_at, t.link_at),
        "ws": ws,
        "discord": _ms(t.detected_at, t.discord_received_at),
        "write": _ms(t.detected_at, t.event_logged_at),
        "match": _ms(t.event_logged_at, t.attempt_created_at),
        "prepare": _ms(t.attempt_created_at, t.link_at),
        "record": _ms(t.link_at, t.link_logged_at),
        "deliver": _ms(t.link_logged_at, t.link_received_at),
        "loop_cpu": cpu,
        "loop_wait": wait,
        "ws_less_wait": ws - wait if ws is not None and wait is not None else None,
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
    # Where the tail goes: the slowest drops by WS-delivered time, phase by phase.
    ranked = sorted((m for m in per_drop if m["ws"] is not None), key=lambda m: -(m["ws"] or 0.0))
    summary["slowest"] = [{k: m[k] for k in SLOWEST_COLUMNS} for m in ranked[:SLOWEST]]
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
    if summary["slowest"]:
        lines.append(f"  slowest drops (ms): {'  '.join(f'{p:>9}' for p in SLOWEST_COLUMNS)}")
        for m in summary["slowest"]:
            lines.append(f"  {'':<20}{'  '.join(f'{cell(m[p]):>9}' for p in SLOWEST_COLUMNS)}")
    verdict = "PASS" if passed(summary, target_ms) else "FAIL"
    lines.append(f"[{verdict}] WS-delivered detection -> link p95 <= {target_ms:g} ms, no link missing")
    return "\n".join(lines)
