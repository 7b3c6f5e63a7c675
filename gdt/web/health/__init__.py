"""Health for load balancers and monitoring (README, "Health and metrics"): /health/live and /health/ready."""
from flask import Blueprint

bp = Blueprint("health", __name__, url_prefix="/health")

from gdt.web.health import views  # noqa: E402,F401
