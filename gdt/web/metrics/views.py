"""/metrics: the Prometheus text format for an allowed scraper, the site's usual 404 page for anyone else."""
from flask import abort, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from gdt.web.access import public
from gdt.web.metrics import bp
from gdt.web.metrics.collector import DatabaseCollector
from gdt.web.metrics.instrumentation import Metrics


@bp.route("/metrics")
@public
def scrape():
    """Public in the access sense (no login): the token or the address decides, and a refusal looks like no page."""
    metrics: Metrics = current_app.extensions["gdt_metrics"]
    if not metrics.access.allows(request.headers.get("Authorization"), request.remote_addr):
        abort(404)
    body = generate_latest(metrics.registry or _all_processes(metrics.multiprocess_dir))
    return body, 200, {"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"}


def _all_processes(directory: str) -> CollectorRegistry:
    """Multiprocess mode: every process's request metrics from their files, and the database's figures."""
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)
    registry.register(DatabaseCollector())
    return registry
