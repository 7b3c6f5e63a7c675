"""JSON API v1 (README, "The JSON API"): flask-smorest describes it at /api/v1/openapi.json; every error is RFC 9457.

flask-smorest would register a JSON error handler for the whole app; ours stays off so HTML pages
keep their error pages, and gdt.web sends every /api/ error through `problem_from_exception`.
"""
from http import HTTPStatus
from importlib import import_module

import flask_smorest
from flask import Flask, Response, json, request
from werkzeug.exceptions import HTTPException

from gdt.api import strict_json
from gdt.extensions import csrf
from gdt.services.core.errors import ServiceError, ValidationFailed

API_VERSION = "1.0.0"
URL_PREFIX = "/api/v1"
MODULES = ("statistics", "staff", "casework", "intake", "attachments", "partner", "search", "documents",
           "resident_questions", "letters", "resident_logbook", "interventions")


class Api(flask_smorest.Api):
    DEFAULT_ERROR_RESPONSE_NAME = None  # errors are problem+json, documented per operation

    def _register_error_handlers(self) -> None:
        """Errors are answered by gdt.web's handler, which knows pages from API paths."""


class Blueprint(flask_smorest.Blueprint):
    """Every `@blp.arguments(...)` JSON body is read by the strict reader (gdt.api.strict_json), never leniently."""

    ARGUMENTS_PARSER = strict_json.StrictParser()


def blueprint(name: str, description: str) -> Blueprint:
    """Endpoints are named api_<name>.<view>, apart from the pages' blueprints."""
    return Blueprint(f"api_{name}", f"gdt.api.{name}", url_prefix=URL_PREFIX, description=description)


def problem(status: int, detail: str | None = None, *, headers: dict | None = None, **extra) -> Response:
    """An RFC 9457 problem document; `invalidParams` carries field errors the ZGW way."""
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    body |= ({"detail": detail} if detail else {}) | {key: value for key, value in extra.items() if value is not None}
    return Response(json.dumps(body), status=status, mimetype="application/problem+json", headers=headers)


def problem_from_exception(error: Exception) -> Response:
    if isinstance(error, ServiceError):
        errors = error.errors if isinstance(error, ValidationFailed) else ({error.field: error.message}
                                                                              if error.field else {})
        return problem(error.status, str(error.message), code=error.code, invalidParams=_invalid_params(errors))
    assert isinstance(error, HTTPException)
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {}) | _kept_headers(error)
    if error.code == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="GDT"'
    fields = {}
    for location, errors in (data.get("messages") or {}).items():  # webargs: {"json": {...}} or {"json": [...]}
        fields |= errors if isinstance(errors, dict) else {location: errors}
    detail = "De aanvraag bevat ongeldige gegevens." if fields else error.description
    return problem(error.code, detail, headers=headers, invalidParams=_invalid_params(fields))


def _invalid_params(errors: dict) -> list[dict] | None:
    """{"field": ["reason", …] or "reason"} → [{"name", "reason"}]; nested schema errors flattened with dots."""
    params = []
    for name, reasons in errors.items():
        if isinstance(reasons, dict):
            params += [{"name": f"{name}.{param['name']}", "reason": param["reason"]}
                       for param in _invalid_params(reasons) or []]
        else:
            for reason in reasons if isinstance(reasons, list) else [reasons]:
                params.append({"name": str(name), "reason": str(reason)})
    return params or None


def _kept_headers(error: HTTPException) -> dict:
    """Headers the HTTP error itself carries that clients rely on (429 Retry-After, 405 Allow)."""
    response = error.get_response()
    return {name: response.headers[name] for name in ("Retry-After", "Allow") if name in response.headers}


def _version_header(response: Response) -> Response:
    """On every /api/ response, including 404s for paths that match no route (NL API Design Rules)."""
    if request.path.startswith("/api/"):
        response.headers["API-Version"] = API_VERSION
    return response


def register(app: Flask) -> None:
    app.config.update(API_TITLE="GDT", API_VERSION=API_VERSION, OPENAPI_VERSION="3.0.3",
                      OPENAPI_URL_PREFIX=URL_PREFIX, OPENAPI_JSON_PATH="openapi.json")
    api = Api(app, spec_kwargs={"info": {"description": "Meldingen, casussen en statistieken van het GDT."}})
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer",
                                                   "description": "API-client- of persoonlijk token"})
    api.spec.options["security"] = [{"bearer": []}]
    for name in MODULES:
        module = import_module(f"gdt.api.{name}")
        csrf.exempt(module.blp)  # bearer-token calls carry no cookie; session writes are checked in gdt.api.auth
        api.register_blueprint(module.blp)
    _make_public(app, "api-docs.openapi_json")  # the ADR wants the OpenAPI document open to all
    app.after_request(_version_header)


def _make_public(app: Flask, endpoint: str) -> None:
    view = app.view_functions[endpoint]

    def public_view(*args, **kwargs):
        return view(*args, **kwargs)

    public_view.required_roles = ()
    app.view_functions[endpoint] = public_view
