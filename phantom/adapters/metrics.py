"""Prometheus metrics on a registry of our own (not the global one: one engine, one registry)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

_LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 5.0, 10.0, 30.0, 60.0)


class PrometheusMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self._polls = Counter("phantom_polls", "Store polls by outcome", ["outcome"], registry=r)
        self._requests = Counter("phantom_store_requests", "HTTP requests sent to stores", registry=r)
        self._errors = Counter("phantom_poll_errors", "Failed polls by error kind", ["kind"], registry=r)
        self._events = Counter("phantom_events", "Events detected by kind", ["kind"], registry=r)
        self._detection = Histogram(
            "phantom_detection_latency_seconds",
            "Store-reported change time to detection",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self._deliveries = Counter(
            "phantom_deliveries", "Alert deliveries by outcome", ["outcome"], registry=r
        )
        self._delivery_latency = Histogram(
            "phantom_delivery_latency_seconds",
            "Detection to alert accepted by the channel",
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.stores = Gauge("phantom_stores", "Stores by health status", ["status"], registry=r)

    def poll(self, outcome: str) -> None:
        self._polls.labels(outcome).inc()

    def requests(self, count: int) -> None:
        self._requests.inc(count)

    def error(self, kind: str) -> None:
        self._errors.labels(kind).inc()

    def events(self, kind: str) -> None:
        self._events.labels(kind).inc()

    def detection_latency(self, seconds: float) -> None:
        self._detection.observe(max(seconds, 0.0))

    def delivery(self, outcome: str, latency_seconds: float | None) -> None:
        self._deliveries.labels(outcome).inc()
        if latency_seconds is not None:
            self._delivery_latency.observe(max(latency_seconds, 0.0))

    def render(self) -> bytes:
        return generate_latest(self.registry)
