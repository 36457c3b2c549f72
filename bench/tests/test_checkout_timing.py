"""Pairing drops with their events, links, attempts and Discord embeds; phases, counts and the verdict;
and the generated config carrying the `[checkout]` section."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bench.checkout_latency import cpu_per_drop, sched_ns
from bench.checkout_timing import (
    Drop,
    Received,
    epoch,
    match_drops,
    measures,
    passed,
    sched_between,
    summarise,
    table,
)
from bench.phantom_proc import PhantomConfig
from phantom.core.settings import load_settings

T0 = 1_800_000_000.0


def iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


def event(kind: str, store: str, product: str, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "store_id": f"id-{store}", "store_name": store, "product_id": product, **extra}


def logged(store: str, kind: str, title: str, at: float) -> str:
    entry = {"store": store, "kind": kind, "product": title, "event": "event_detected", "timestamp": iso(at)}
    return json.dumps(entry)


def test_epoch_reads_the_apis_utc_datetimes() -> None:
    assert epoch(iso(T0 + 0.25)) == pytest.approx(T0 + 0.25)
    assert epoch("2027-01-15T08:00:00.5+00:00") == pytest.approx(1_800_000_000.5)
    assert epoch(None) is None


def test_each_drop_gets_its_event_link_attempt_and_embed() -> None:
    a = Drop("s0", "Latency Probe x 0000", T0, ("11", "12"))
    b = Drop("s1", "Latency Probe x 0001", T0 + 0.4, ("21",))
    missing = Drop("s0", "Latency Probe x 0002", T0 + 0.8, ("31",))
    received = [
        Received(
            T0 + 0.31, event("new_product", "s0", "p1", product_title=a.title, detected_at=iso(T0 + 0.3))
        ),
        # An unrelated product and a link for it are ignored.
        Received(T0 + 0.32, event("new_product", "s0", "px", product_title="Other", detected_at=iso(T0))),
        Received(T0 + 0.33, event("checkout_link", "s0", "px", task_id="tx")),
        Received(
            T0 + 0.70, event("new_product", "s1", "p2", product_title=b.title, detected_at=iso(T0 + 0.6))
        ),
        Received(T0 + 0.64, event("checkout_link", "s1", "p2", task_id="t2")),  # read out of order
        Received(T0 + 0.33, event("checkout_link", "s0", "p1", task_id="t1")),
        Received(T0 + 0.35, event("checkout_link", "s0", "p1", task_id="t1")),  # a duplicate
        Received(
            T0 + 0.9, event("new_product", "s0", "p3", product_title=missing.title, detected_at=iso(T0 + 0.9))
        ),
    ]
    attempts = [
        {
            "number": 2,
            "store_id": "id-s0",
            "product_id": "p1",
            "detected_at": iso(T0 + 9),
            "created_at": iso(T0 + 9),
        },
        {
            "number": 1,
            "store_id": "id-s0",
            "product_id": "p1",
            "detected_at": iso(T0 + 0.3),
            "created_at": iso(T0 + 0.31),
            "link_at": iso(T0 + 0.32),
        },
    ]
    sink = [
        {"received_at": T0 + 0.5, "body": {"embeds": [{"url": "http://127.0.0.1:9/shop/s0/cart/12:1?x=1"}]}},
        {"received_at": T0 + 0.6, "body": {"embeds": [{"url": "http://127.0.0.1:9/shop/s0/products/h"}]}},
    ]

    log = "\n".join(
        [
            "First start: access token phx_x",
            logged("s0", "new_product", a.title, T0 + 0.304),
            logged("s0", "new_product", a.title, T0 + 5),  # a later line for the same key is ignored
            "not json {",
            logged("s0", "checkout_link", a.title, T0 + 0.325),
            logged("s1", "new_product", "Other", T0 + 0.1),
            '{"event": "checkout_finished", "task": "t1", "timestamp": "2027-01-15T08:00:01Z"}',
        ]
    )
    ta, tb, tm = match_drops([a, b, missing], received, attempts, sink, log)

    assert (ta.task_id, ta.links, tb.task_id, tb.links, tm.links) == ("t1", 2, "t2", 1, 0)
    ma = measures(ta)
    assert ma["server"] == pytest.approx(20.0, abs=1e-3)
    assert ma["ws"] == pytest.approx(30.0, abs=1e-3)
    assert ma["write"] == pytest.approx(4.0, abs=1e-3)
    assert ma["match"] == pytest.approx(6.0, abs=1e-3)
    assert ma["prepare"] == pytest.approx(10.0, abs=1e-3)
    assert ma["record"] == pytest.approx(5.0, abs=1e-3)
    assert ma["deliver"] == pytest.approx(5.0, abs=1e-3)
    assert ma["event_ws"] == pytest.approx(10.0, abs=1e-3)
    assert ma["poll"] == pytest.approx(300.0, abs=1e-3)
    assert ma["discord"] == pytest.approx(200.0, abs=1e-3)
    mb = measures(tb)
    assert mb["ws"] == pytest.approx(40.0, abs=1e-3) and mb["server"] is None and mb["discord"] is None
    assert mb["write"] is None and mb["deliver"] is None

    summary = summarise([ta, tb, tm])
    assert summary["counts"] == {
        "drops": 3,
        "events": 3,
        "tasks": 1,
        "links": 2,
        "duplicate_links": 1,
        "discord": 1,
        "missing": 1,
    }
    assert summary["ws"]["n"] == 2 and summary["ws"]["max"] == pytest.approx(40.0, abs=0.01)
    assert [m["ws"] for m in summary["slowest"]] == pytest.approx([40.0, 30.0], abs=1e-3)
    assert summary["slowest"][1]["write"] == pytest.approx(4.0, abs=1e-3)
    assert not passed(summary)  # one drop never got its link
    assert "[FAIL]" in table(summary)


def test_verdict_is_the_ws_p95_against_the_target() -> None:
    drops = [Drop("s", f"t{i}", T0, ()) for i in range(20)]
    received = []
    for i, d in enumerate(drops):
        received.append(
            Received(T0, event("new_product", "s", f"p{i}", product_title=d.title, detected_at=iso(T0)))
        )
        received.append(Received(T0 + (0.01 if i < 19 else 0.2), event("checkout_link", "s", f"p{i}")))
    summary = summarise(match_drops(drops, received, []))
    assert summary["counts"]["missing"] == 0
    assert summary["ws"]["p50"] == pytest.approx(10.0, abs=0.01)
    assert passed(summary) and not passed(summary, target_ms=5.0)
    assert "[PASS]" in table(summary)


def test_extra_toml_reaches_phantoms_settings(tmp_path: Path) -> None:
    config = PhantomConfig(
        stores=[("bench-0", "http://127.0.0.1:9/shop/bench-0")],
        sink_url="http://127.0.0.1:9/sink/checkout/webhooks/1/token",
        db_path=tmp_path / "p.db",
        data_dir=tmp_path / "data",
        interval=0.5,
        events=("new_product", "checkout_link"),
        extra_toml="[checkout]\nopen_browser = false\nconcurrency = 3\n",
    )
    path = tmp_path / "phantom.toml"
    path.write_text(config.toml(), encoding="utf-8")
    settings = load_settings(path)
    assert settings.checkout.open_browser is False and settings.checkout.concurrency == 3
    assert [e.value for e in settings.notifications[0].events] == ["new_product", "checkout_link"]


def test_cpu_per_drop_takes_the_polling_rate_out() -> None:
    sched = {
        "quiet": {"seconds": 4.0, "cpu_ms": 40.0, "runqueue_wait_ms": 0.0},
        "drops": {"seconds": 25.0, "cpu_ms": 1150.0, "runqueue_wait_ms": 0.0},
    }
    assert cpu_per_drop(sched, 60) == pytest.approx((1150 - 250) / 60, abs=0.01)
    assert cpu_per_drop({"drops": sched["drops"]}, 60) is None


def test_sched_ns_reads_this_process() -> None:
    ran, waited = sched_ns(os.getpid())
    assert ran > 0 and waited >= 0
    assert sched_ns(2**22 + 12345) == (0, 0)  # no such process


def test_sched_between_interpolates_the_loop_threads_samples() -> None:
    ms = 1_000_000
    samples = [(T0, 0, 0), (T0 + 0.01, 4 * ms, 6 * ms), (T0 + 0.02, 10 * ms, 6 * ms)]
    cpu, wait = sched_between(samples, T0 + 0.005, T0 + 0.02) or (0.0, 0.0)
    assert cpu == pytest.approx(8.0, abs=1e-3) and wait == pytest.approx(3.0, abs=1e-3)
    assert sched_between(samples, T0, T0 + 0.01) == pytest.approx((4.0, 6.0), abs=1e-3)
    assert sched_between(samples, T0 - 0.001, T0 + 0.01) is None  # before the first sample
    assert sched_between(samples, T0, T0 + 0.03) is None  # after the last
    assert sched_between([], T0, T0) is None


def test_ws_less_wait_takes_the_loop_threads_run_queue_wait_out() -> None:
    d = Drop("s", "t", T0, ())
    ms = 1_000_000
    samples = [(T0, 0, 0), (T0 + 0.1, 20 * ms, 50 * ms)]
    received = [
        Received(T0 + 0.01, event("new_product", "s", "p", product_title="t", detected_at=iso(T0))),
        Received(T0 + 0.08, event("checkout_link", "s", "p")),
    ]
    (t,) = match_drops([d], received, [], sched=samples)
    m = measures(t)
    assert m["ws"] == pytest.approx(80.0, abs=1e-3)
    assert m["loop_cpu"] == pytest.approx(16.0, abs=1e-3) and m["loop_wait"] == pytest.approx(40.0, abs=1e-3)
    assert m["ws_less_wait"] == pytest.approx(40.0, abs=1e-3)
