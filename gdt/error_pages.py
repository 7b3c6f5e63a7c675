"""The app-wide answer to an error: problem+json under /api/, an HTML page everywhere else.

Wiring, like `create_app`: it is the one place that knows both the web and the API side, so neither imports the
other.
"""
from flask import Flask, make_response, redirect, render_template, request, url_for
from werkzeug import exceptions as http_exceptions
from werkzeug.exceptions import HTTPException

from gdt.api import problem_from_exception
from gdt.services.core.errors import ServiceError


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _error_page)
    app.register_error_handler(ServiceError, _service_refusal)


def _error_page(error: HTTPException):
    if request.path.startswith("/api/"):
        return problem_from_exception(error)
    if error.code == 401:
        return redirect(url_for("auth.login", next=request.path))
    return render_template("error.html", error=error), error.code


def _service_refusal(error: ServiceError):
    """A refusal no view caught (not found, forbidden, or any refusal of an API call)."""
    if request.path.startswith("/api/"):
        return problem_from_exception(error)
    page = http_exceptions.default_exceptions[error.status](str(error.message))
    response = make_response(render_template("error.html", error=page, message=error.message), error.status)
    response.headers["Referrer-Policy"] = "no-referrer"  # a refused link must not leak through the referrer either
    return response
