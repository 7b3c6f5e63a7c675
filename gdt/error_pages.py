"""The app-wide answer to an error: problem+json under /api/, an HTML page everywhere else.

Wiring, like `create_app`: it is the one place that knows both the web and the API side, so neither imports the
other.
"""
import contextlib
import logging

import psycopg
import sqlalchemy as sa
from flask import Flask, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug import exceptions as http_exceptions
from werkzeug.exceptions import HTTPException

from gdt.api import problem_from_exception
from gdt.db import database_unavailable, db
from gdt.services.core.errors import ServiceError

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5  # a restart or failover takes seconds; a client that waits this long is likely served


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _error_page)
    app.register_error_handler(ServiceError, _service_refusal)
    for database_error in (sa.exc.SQLAlchemyError, psycopg.Error):
        app.register_error_handler(database_error, _database_error)


def _error_page(error: HTTPException):
    if request.path.startswith("/api/"):
        return problem_from_exception(error)
    if error.code == 401:
        return redirect(url_for("auth.login", next=request.path))
    return render_template("error.html", error=error), error.code


def _database_error(error: Exception):
    """503 with Retry-After while the database cannot be reached, instead of a 500; anything else stays a 500.

    Nothing was stored (a report gets its reference only with its commit), and a retry is safe: the API's
    Idempotency-Key and the webform's one-time key recognise a report whose commit did reach the database.
    The failed session is dropped, so its dead connection leaves the pool and the next request starts afresh.
    The page is one of its own: the usual layout asks the database who is logged in.
    """
    with contextlib.suppress(Exception):
        db.session.remove()
    if not database_unavailable(error):
        raise error
    log.warning("database unavailable: %s answered 503 (%s)", request.path, type(error).__name__)
    unavailable = http_exceptions.ServiceUnavailable(
        _("De dienst is even niet bereikbaar. Probeer het over enkele seconden opnieuw."),
        retry_after=RETRY_AFTER_SECONDS)
    if request.path.startswith("/api/"):
        return problem_from_exception(unavailable)
    response = make_response(render_template("errors/503.html", retry_after=RETRY_AFTER_SECONDS), 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def _service_refusal(error: ServiceError):
    """A refusal no view caught (not found, forbidden, or any refusal of an API call)."""
    if request.path.startswith("/api/"):
        return problem_from_exception(error)
    page = http_exceptions.default_exceptions[error.status](str(error.message))
    response = make_response(render_template("error.html", error=page, message=error.message), error.status)
    response.headers["Referrer-Policy"] = "no-referrer"  # a refused link must not leak through the referrer either
    return response
