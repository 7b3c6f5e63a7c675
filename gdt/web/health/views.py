"""Open to anyone and without a login: they say how the system is, never what is in it."""
from flask import jsonify

from gdt.services.operations import health
from gdt.web.access import public
from gdt.web.health import bp


@bp.route("/live")
@public
def live():
    """The process answers; asks nothing of the database."""
    return _fresh({"status": "ok"}, 200)


@bp.route("/ready")
@public
def ready():
    """Every check with its result: 200 when all pass, 503 when one fails."""
    readiness = health.readiness()
    return _fresh(readiness.as_dict(), 200 if readiness.ready else 503)


def _fresh(body: dict, status: int):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
