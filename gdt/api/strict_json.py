"""Strict reading of a JSON request body: what a lenient parser lets through is refused here.

Flask's `request.get_json()` accepts what a strict reader must refuse: `NaN` and `Infinity`,
`1e999` (read as infinity), duplicate keys (the last one silently wins) and lone surrogates such
as "\\ud800" (accepted now, an UnicodeEncodeError in the database driver later). This reader
refuses all of them, plus any other media type than JSON in UTF-8, bodies over MAX_BYTES, nesting
deeper than MAX_DEPTH and the NUL character (PostgreSQL text cannot hold it).

Every refusal is an HTTP error with a Dutch detail; gdt.web turns it into problem+json:
415 for another media type or charset, 413 for a body that is too large, 400 for the rest.

It is the only JSON reader of the API: the app and partner intake call `load_request_object` themselves,
and every `@blp.arguments(...)` body of the staff API comes through `StrictParser`, which flask-smorest's
blueprints (gdt.api.blueprint) use instead of webargs' lenient `json.loads`.
"""
import json
import math
from typing import Any, NoReturn

from flask import abort, request
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import RequestEntityTooLarge

# The largest valid report, every character written as a \u escape, is about 70 kB; twice that is plenty.
MAX_BYTES = 128 * 1024
MAX_DEPTH = 8  # a report is three levels deep (body, location/reporter, value)
# The staff API's largest valid body, a held meeting (20 000 characters of minutes, 50 decisions of 2 000,
# 50 names), is about 130 000 characters: 760 kB when every one is written as a \u escape.
STAFF_MAX_BYTES = 1024 * 1024

WRONG_MEDIA_TYPE = "Stuur de gegevens als JSON in UTF-8 (Content-Type: application/json)."
TOO_LARGE = "De aanvraag is te groot: hoogstens {limit} kB."
EMPTY = "De aanvraag heeft geen inhoud; stuur een JSON-object."
NOT_UTF8 = "De aanvraag is geen geldige UTF-8."
NOT_JSON = "De aanvraag is geen geldige JSON (regel {line}, kolom {column})."
NON_FINITE = "{value} is geen geldig getal in JSON."
TOO_BIG_NUMBER = "Het getal {value} is te groot."
DUPLICATE_KEY = 'Het veld "{key}" komt meer dan eens voor in hetzelfde object.'
LONE_SURROGATE = "De aanvraag bevat een ongeldig teken (een losse surrogaat, zoals \\ud800)."
NUL_CHARACTER = "De aanvraag bevat het teken NUL (\\u0000); dat is niet toegestaan."
TOO_DEEP = f"De JSON is te diep genest: hoogstens {MAX_DEPTH} niveaus."
NOT_AN_OBJECT = "Stuur een JSON-object ({...})."


class _Refused(ValueError):
    """Raised from inside json.loads' hooks; carries the Dutch detail."""


def load_request_object(*, max_bytes: int = MAX_BYTES) -> dict[str, Any]:
    """The request body as a JSON object, or abort with 400, 413 or 415."""
    document = loads(_body(max_bytes))
    if not isinstance(document, dict):
        _bad(NOT_AN_OBJECT)
    return document


def loads(body: bytes) -> Any:
    """Parse UTF-8 JSON bytes strictly; abort(400) with a Dutch detail on anything doubtful."""
    if not body.strip():
        _bad(EMPTY)
    try:
        text = body.decode("utf-8")  # strict: CESU-8 surrogates and overlong forms are refused too
    except UnicodeDecodeError:
        _bad(NOT_UTF8)
    try:
        document = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float,
                              object_pairs_hook=_unique_keys)
    except _Refused as refused:
        _bad(str(refused))
    except json.JSONDecodeError as error:
        _bad(NOT_JSON.format(line=error.lineno, column=error.colno))
    except RecursionError:  # nesting beyond Python's stack
        _bad(TOO_DEEP)
    except ValueError:  # an integer of more than 4300 digits
        _bad(TOO_BIG_NUMBER.format(value="in de aanvraag"))
    _check_values(document)
    return document


class StrictParser(FlaskParser):
    """webargs' parser with this module as its JSON reader: a body location is read strictly or refused."""

    def __init__(self, *, max_bytes: int = STAFF_MAX_BYTES, **kwargs):
        super().__init__(**kwargs)
        self.max_bytes = max_bytes

    def load_json(self, req, schema) -> dict[str, Any]:
        return load_request_object(max_bytes=self.max_bytes)

    def load_json_or_form(self, req, schema) -> dict[str, Any]:
        return load_request_object(max_bytes=self.max_bytes)


def _body(max_bytes: int) -> bytes:
    if request.mimetype != "application/json":
        abort(415, description=WRONG_MEDIA_TYPE)
    if request.mimetype_params.get("charset", "utf-8").lower() not in ("utf-8", "utf8"):
        abort(415, description=WRONG_MEDIA_TYPE)
    request.max_content_length = max_bytes  # also bounds a chunked body without Content-Length
    try:
        return request.get_data(cache=True)
    except RequestEntityTooLarge:
        abort(413, description=TOO_LARGE.format(limit=max_bytes // 1024))


def _refuse_constant(name: str) -> NoReturn:
    raise _Refused(NON_FINITE.format(value=name))


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(TOO_BIG_NUMBER.format(value=text[:40]))
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        seen = set()
        duplicate = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise _Refused(DUPLICATE_KEY.format(key=_printable(duplicate)))
    return document


def _check_values(document: Any) -> None:
    """Walk the parsed document without recursion: depth, lone surrogates and NUL in keys and strings."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            _bad(TOO_DEEP)
        if isinstance(value, dict):
            stack.extend((key, depth + 1) for key in value)
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            _check_text(value)


def _check_text(value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        _bad(LONE_SURROGATE)
    if "\x00" in value:
        _bad(NUL_CHARACTER)


def _printable(key: str) -> str:
    """A key for a message: shortened, and safe to encode even when it holds a lone surrogate."""
    return key[:40].encode("utf-8", "backslashreplace").decode("utf-8")


def _bad(detail: str) -> NoReturn:
    abort(400, description=detail)
