"""Downloads of the yearly statistics for managers and coordinators: CSV, XLSX, PDF and anonymous data for BI tools.

Every download is audit-logged by gdt.services.reporting.exports; none holds personal data. The anonymous
rows are streamed (a server-side cursor feeding the response), so a year of a million reports
never sits in memory.
"""
from collections.abc import Iterable, Iterator
from itertools import islice

from flask import Response, abort, current_app, request, stream_with_context
from flask_login import current_user

from gdt.services.core.access import STATISTICS_ROLES
from gdt.services.reporting import exports
from gdt.web.access import role_required
from gdt.web.exports import bp
from gdt.web.responses import download

CHUNK_LINES = 1000  # CSV lines per chunk written to the client: fewer, larger writes
MACHINE = "machine"  # export.csv?format=machine: the CSV for BI tools


@bp.route("/statistics/<int:year>/export.csv")
@role_required(*STATISTICS_ROLES)
def statistics_csv(year: int):
    """For Excel by default (`;`, decimal comma, BOM, Dutch headers); `?format=machine` for BI tools (`,`, `.`,
    the English keys of `flask stats YEAR --format csv`)."""
    variant = request.args.get("format")
    if variant not in (None, MACHINE):
        abort(404)  # a script with a typo must not get the Excel form instead
    if variant == MACHINE:
        data = exports.export_statistics(year, "machine-csv", actor=current_user)
        return download(data, f"gdt-statistieken-{year}-bi.csv", exports.MEDIA_TYPES["machine-csv"])
    return _statistics(year, "csv")


@bp.route("/statistics/<int:year>/export.xlsx")
@role_required(*STATISTICS_ROLES)
def statistics_xlsx(year: int):
    return _statistics(year, "xlsx")


@bp.route("/statistics/<int:year>/export.pdf")
@role_required(*STATISTICS_ROLES)
def statistics_pdf(year: int):
    return _statistics(year, "pdf")


@bp.route("/statistics/<int:year>/rows.csv")
@role_required(*STATISTICS_ROLES)
def anonymous_rows(year: int):
    threshold = current_app.config["EXPORT_SMALL_CELL_THRESHOLD"]
    lines = exports.export_rows(year, actor=current_user, threshold=threshold)
    return _stream(lines, f"gdt-meldingen-{year}-anoniem.csv")


@bp.route("/statistics/<int:year>/counts.csv")
@role_required(*STATISTICS_ROLES)
def anonymous_counts(year: int):
    threshold = current_app.config["EXPORT_SMALL_CELL_THRESHOLD"]
    lines = exports.export_counts(year, actor=current_user, threshold=threshold)
    return _stream(lines, f"gdt-aantallen-{year}.csv")


def _statistics(year: int, fmt: str):
    data = exports.export_statistics(year, fmt, actor=current_user)
    return download(data, f"gdt-statistieken-{year}.{fmt}", exports.MEDIA_TYPES[fmt])


def _stream(lines: Iterator[str], filename: str):
    return download(Response(stream_with_context(_chunks(lines)), content_type=exports.MEDIA_TYPES["csv"]), filename)


def _chunks(lines: Iterable[str]) -> Iterator[bytes]:
    iterator = iter(lines)
    try:
        while chunk := "".join(islice(iterator, CHUNK_LINES)):
            yield chunk.encode("utf-8")
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()  # a client that hangs up ends the query too
