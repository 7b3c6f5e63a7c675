"""Request counts and latency per Flask endpoint, method and status: never the path, which holds references,
link tokens and search terms.

With PROMETHEUS_MULTIPROC_DIR set (gunicorn with several worker processes) prometheus-client keeps each
process's values in a file there and /metrics adds them up; otherwise they live in this process's registry.
"""
import os
import time
from dataclasses import dataclass

from flask import Flask, current_app, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics

from gdt.web.metrics.access import ScrapeAccess
from gdt.web.metrics.collector import DatabaseCollector

BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)  # seconds
METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"))
UNMATCHED = "unmatched"  # a path no route knows (404, or 405 for an unknown method)
_STARTED = "gdt_metrics_started"


class RequestMetrics:
    def __init__(self, registry: CollectorRegistry | None):
        self.requests = Counter("gdt_http_requests", "HTTP requests answered, by Flask endpoint, method and status.",
                                ["endpoint", "method", "status"], registry=registry)
        self.duration = Histogram("gdt_http_request_duration_seconds",
                                  "Seconds from the request's start to its answer, by Flask endpoint and method.",
                                  ["endpoint", "method"], buckets=BUCKETS, registry=registry)


@dataclass(frozen=True)
class Metrics:
    access: ScrapeAccess
    requests: RequestMetrics
    registry: CollectorRegistry | None  # None: multiprocess mode, a registry is put together at each scrape
    multiprocess_dir: str | None


def setup(app: Flask) -> None:
    """Read the access settings (a wrong network refuses to start) and make this app's request metrics."""
    disable_created_metrics()  # no `_created` series beside every counter
    access = ScrapeAccess.from_config(app.config)
    multiprocess_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None
    if multiprocess_dir:
        os.makedirs(multiprocess_dir, exist_ok=True)
        registry = None
    else:
        registry = CollectorRegistry()
        registry.register(DatabaseCollector())
    app.extensions["gdt_metrics"] = Metrics(access, RequestMetrics(registry), registry, multiprocess_dir)


def started() -> None:
    g.setdefault(_STARTED, time.perf_counter())


def answered(response):
    metrics: Metrics = current_app.extensions["gdt_metrics"]
    endpoint = request.endpoint or UNMATCHED
    method = request.method if request.method in METHODS else "other"
    metrics.requests.requests.labels(endpoint, method, str(response.status_code)).inc()
    began = g.get(_STARTED)
    if began is not None:
        metrics.requests.duration.labels(endpoint, method).observe(time.perf_counter() - began)
    return response
