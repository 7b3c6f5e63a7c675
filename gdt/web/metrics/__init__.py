"""Prometheus metrics at /metrics (README, "Health and metrics"): requests counted here as they are answered, and
figures read from the database when scraped. Only a scraper with the token, or from an allowed network, sees it."""
from flask import Blueprint

bp = Blueprint("metrics", __name__)

from gdt.web.metrics import instrumentation, views  # noqa: E402,F401

bp.record_once(lambda state: instrumentation.setup(state.app))
bp.before_app_request(instrumentation.started)
bp.after_app_request(instrumentation.answered)
