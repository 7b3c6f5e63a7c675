"""JSON API v1: problem+json errors (RFC 9457) and an API-Version header on every response."""
from flask import Blueprint, Flask, Response, json, request

from gdt.services.errors import ServiceError, ValidationFailed

API_VERSION = "1.0.0"

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def problem(status: int, title: str, detail: str | None = None, **extra) -> Response:
    body = {"type": "about:blank", "title": title, "status": status} | ({"detail": detail} if detail else {}) | extra
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")


@bp.errorhandler(ServiceError)
def _service_error(error: ServiceError) -> Response:
    extra = {}
    if isinstance(error, ValidationFailed):
        extra["invalidParams"] = [{"name": name, "reason": str(message)} for name, message in error.errors.items()]
    elif error.field:
        extra["invalidParams"] = [{"name": error.field, "reason": str(error.message)}]
    return problem(error.status, str(error.message), code=error.code, **extra)


def _version_header(response: Response) -> Response:
    """On every /api/ response, including 404s for paths that match no route (NL API Design Rules)."""
    if request.path.startswith("/api/"):
        response.headers["API-Version"] = API_VERSION
    return response


def register(app: Flask) -> None:
    from gdt.api import statistics  # noqa: F401  (routes)
    app.register_blueprint(bp)
    app.after_request(_version_header)

