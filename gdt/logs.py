"""Log lines as JSON with a request id (README, "Logs"): one object per line from the web app, the worker, beat and
the relay, and one line per request that names its route, never its path.

Outside development (and whenever `LOG_FORMAT=json`) every record leaves as one JSON object on stderr: `time`, `level`,
`logger`, `message`, the `request_id` of the request (or task) it belongs to, and for the request and task lines the
fields below. Nothing else of a record is written (an `extra` that is not listed in FIELDS is dropped), link tokens
and query strings are masked in every message and traceback, and the request line has the route's rule
(`/reports/<reference>/refer`) and endpoint instead of the path, so no reference, token, name or search term reaches
the log by it.

The request id is taken from an incoming `X-Request-ID` when it looks like an id (SAFE_ID), else made here; the
response echoes it, every record logged while the request runs carries it (a context variable, read by
ContextFilter), and so do the tasks the request queues (worker/task_logs.py puts it in the message headers) and the
outbox messages it writes (gdt.services.core.outbox keeps it on the row for the relay).

Development (`make run`) keeps the readable text logs of Flask, werkzeug and Celery. Plain Python and Flask only:
gunicorn.conf.py imports this module before any app exists.
"""
import contextlib
import logging
import os
import re
import sys
import time
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from gdt.log_filters import MaskLinkTokens, mask_link_tokens

HEADER = "X-Request-ID"
SAFE_ID = re.compile(r"[A-Za-z0-9-]{8,64}")
# The only record attributes written besides time, level, logger, message and the exception: what the request and
# task lines and a few services set, none of them personal data.
FIELDS = ("request_id", "method", "route", "endpoint", "status", "duration_ms", "user_id", "client_id", "task",
          "task_id", "state", "error", "process")
QUERY_MASK = "?[query]"
# A query string after a path or a host: `?` right after a character of a word or a path, up to the next space or
# quote, when it holds a `=`. A question in prose ("Klopt dit? Ja = nee") has a space after its mark and stays.
_QUERY = re.compile(r"(?<=[^\s\"'<>?])\?(?=[^\s\"'<>]*=)[^\s\"'<>]*")
# Left at WARNING in JSON: werkzeug's request lines hold the raw path and query (the app's own line replaces them);
# alembic lists its plugins at every start of every process.
_QUIET_IN_JSON = ("werkzeug", "alembic.runtime.plugins")

request_id: ContextVar[str | None] = ContextVar("gdt.request_id", default=None)
log = logging.getLogger("gdt.request")


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(offered: str | None) -> str:
    """An incoming id when it looks like one (letters, digits and hyphens, 8 to 64 of them), else a new one."""
    return offered if offered and SAFE_ID.fullmatch(offered) else new_request_id()


def current_request_id() -> str | None:
    return request_id.get()


@contextlib.contextmanager
def request_id_as(value: str | None) -> Iterator[None]:
    """Run the block with `value` as the current request id (a task queued inside carries it)."""
    token = request_id.set(value)
    try:
        yield
    finally:
        request_id.reset(token)


def json_wanted(log_format: str | None = None, environment: str | None = None) -> bool:
    """JSON unless told otherwise (`LOG_FORMAT=text`), except in development, which keeps text unless `LOG_FORMAT=json`.
    Without arguments, read from the environment as the app's settings do (gunicorn.conf.py has no app yet)."""
    log_format = os.environ.get("LOG_FORMAT", "") if log_format is None else log_format
    environment = ("production" if os.environ.get("GDT_ENV") == "production" else "development") \
        if environment is None else environment
    if log_format.lower() in ("json", "text"):
        return log_format.lower() == "json"
    return environment == "production"


def json_configured(config) -> bool:
    """Whether an app with these settings writes JSON (the test suite's None: never)."""
    return config.get("LOG_FORMAT") is not None and json_wanted(config["LOG_FORMAT"], config["ENVIRONMENT"])


def mask_query_strings(text: str) -> str:
    return _QUERY.sub(QUERY_MASK, text) if "?" in text else text


def mask(text: str) -> str:
    """Link tokens and query strings out of a message or a traceback."""
    return mask_query_strings(mask_link_tokens(text))


class ContextFilter(logging.Filter):
    """Puts the current request id on every record that has none (a handler filter: records of every logger)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get()
        return True


class JsonFormatter(_JsonFormatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, the listed FIELDS that are set, and
    the exception; link tokens and query strings masked."""

    def add_fields(self, log_data: dict, record: logging.LogRecord, message_dict: dict) -> None:
        log_data["time"] = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = mask(str(record.message))
        for field in FIELDS:
            value = record.__dict__.get(field)
            if value is not None:
                log_data[field] = mask(value) if isinstance(value, str) else value
        for field in ("exc_info", "stack_info"):
            if message_dict.get(field):
                log_data[field] = mask(str(message_dict[field]))


def json_handler(stream=None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    handler.addFilter(MaskLinkTokens())
    return handler


def install_json_logging(level: str | int = "INFO") -> None:
    """Make the root logger write JSON (once per process: a second call keeps the handler it finds), and route
    warnings through it."""
    root = logging.getLogger()
    if not json_installed():
        for handler in list(root.handlers):
            if not _belongs_to_pytest(handler):
                root.removeHandler(handler)
        root.addHandler(json_handler())
    root.setLevel(level)
    logging.captureWarnings(True)
    for name in _QUIET_IN_JSON:
        logging.getLogger(name).setLevel(logging.WARNING)


def json_installed() -> bool:
    """Whether this process writes JSON already (migrations/env.py then keeps it instead of alembic.ini's text)."""
    return any(isinstance(handler.formatter, JsonFormatter) for handler in logging.getLogger().handlers)


def _belongs_to_pytest(handler: logging.Handler) -> bool:
    return type(handler).__module__.startswith("_pytest")


def configure(app) -> None:
    """Called once from create_app: the request id for every request, and JSON logging when it is wanted."""
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request)
    app.after_request_funcs.setdefault(None, []).insert(0, _finish_request)  # after_request runs last-added first
    app.teardown_request_funcs.setdefault(None, []).insert(0, _end_request)
    if json_configured(app.config):
        from flask.logging import default_handler
        install_json_logging(app.config.get("LOG_LEVEL") or "INFO")
        app.logger.removeHandler(default_handler)  # the app's records go to the root's JSON handler only


def _start_request() -> None:
    from flask import g, request
    g.gdt_request_started = time.perf_counter()
    g.gdt_request_id = accepted_request_id(request.headers.get(HEADER))
    request_id.set(g.gdt_request_id)


def _finish_request(response):
    from flask import g, request
    rid = g.get("gdt_request_id") or accepted_request_id(None)
    response.headers[HEADER] = rid
    started = g.get("gdt_request_started")
    line = {
        "request_id": rid, "method": request.method, "status": response.status_code,
        "route": request.url_rule.rule if request.url_rule is not None else None, "endpoint": request.endpoint,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started is not None else None,
        "user_id": _user_id(), "client_id": _client_id(),
    }
    level = logging.WARNING if response.status_code >= 500 else logging.INFO
    log.log(level, "%s %s %s", request.method, request.endpoint or "-", response.status_code, extra=line)
    return response


def _end_request(_error=None) -> None:
    request_id.set(None)


def _user_id() -> int | None:
    """The logged-in staff member (page session or API token), from what the request already loaded: asking now
    would query the database after the answer, and a user's id is all that is written."""
    from flask import g
    for name in ("_login_user", "api_user"):
        user = g.get(name)
        if user is not None and getattr(user, "is_authenticated", False):
            return _primary_key(user)
    return None


def _client_id() -> int | None:
    from flask import g
    client = g.get("api_client")
    return _primary_key(client) if client is not None else None


def _primary_key(instance) -> int | None:
    """The row's id without loading it again (an expired instance after a commit would query)."""
    import sqlalchemy as sa
    state = sa.inspect(instance, raiseerr=False)
    identity = state.identity if state is not None else None
    return identity[0] if identity else None


def gunicorn_json(error_log: logging.Logger, access_log: logging.Logger) -> None:
    """Gunicorn's own logs when JSON is wanted (gunicorn.conf.py's logger class): its error log as JSON wherever it
    goes (stderr or GDT_ERROR_LOG), its access log off — the app writes one line per request itself, with the
    route instead of the path."""
    for handler in error_log.handlers:
        handler.setFormatter(JsonFormatter())
        if not any(isinstance(existing, ContextFilter) for existing in handler.filters):
            handler.addFilter(ContextFilter())
    for handler in list(access_log.handlers):
        access_log.removeHandler(handler)
    access_log.addHandler(logging.NullHandler())
    access_log.propagate = False
    access_log.disabled = True
