"""Request counts and latency for Prometheus, counted in every process that serves.

Under gunicorn several processes serve; with ``PROMETHEUS_MULTIPROC_DIR`` set (gunicorn.conf.py sets
it) each writes its counts there and a scrape of any process adds them all up.
"""

import os
import time

from flask import Flask, Response, g, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.exposition import CONTENT_TYPE_LATEST

REQUESTS = Counter("lms_http_requests", "Requests answered", ["method", "endpoint", "status"])
LATENCY = Histogram(
    "lms_http_request_duration_seconds",
    "Time to answer a request",
    ["endpoint"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def start_timer() -> None:
    g.metrics_started = time.perf_counter()


def count_request(response: Response) -> Response:
    # The endpoint, not the path: ids in paths would make a series per learner.
    endpoint = request.endpoint or "unmatched"
    REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
    started = g.get("metrics_started")
    if started is not None:
        LATENCY.labels(endpoint).observe(time.perf_counter() - started)
    return response


def process_metrics() -> bytes:
    """The counts of every serving process (multiprocess mode) or of this one."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest()


def register_request_metrics(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, start_timer)
    app.after_request(count_request)


__all__ = ["CONTENT_TYPE_LATEST", "process_metrics", "register_request_metrics"]
