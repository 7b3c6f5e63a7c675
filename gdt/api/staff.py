"""The staff API: reports and cases within the caller's need-to-know, triage, mode and closing.

A personal token (`flask users token EMAIL`) makes the API apply that user's role exactly as the pages
do, through the same services: need-to-know, workflow, history and audit are decided there, once.
Every view parses, loads through the audited `view_*` service the page uses, calls one service and
serialises (gdt.api.staff_schemas).

Optimistic locking: a report or case answer carries `ETag: "<version>"`. A write may send it back as
`If-Match`; when the record changed in between the answer is 412 and nothing changes. The request
bodies carry no version, so a write without If-Match applies to the current version; a race between
that read and the commit is still refused (409) by the version column. The tag names the row's
version only (not the history or address context around it), so it serves If-Match, not caching.

Names: query keys camelCase, JSON members snake_case (see gdt.api.staff_schemas). `@staff` sits
above `@blp.arguments`, so a caller without the role gets 403 before its body is even read.
"""
import json

import marshmallow as ma
from flask import abort, request
from werkzeug.http import quote_etag

from gdt.api import blueprint
from gdt.api.auth import api_user, staff
from gdt.api.docs import API_VERSION_HEADER
from gdt.api.staff_schemas import (
    ETAG_HEADER,
    IF_MATCH,
    CaseDetailSchema,
    CloseSchema,
    ModeSchema,
    ReportDetailSchema,
    ReportFilterSchema,
    ReportSummarySchema,
    TriageResultSchema,
    TriageSchema,
    problems,
)
from gdt.services.casework import cases
from gdt.services.core import pagination, reference_data
from gdt.services.triage import report_queries, report_triage

blp = blueprint("staff", "Meldingen en casussen voor medewerkers, binnen hun need-to-know (persoonlijk token).")

REPORT_READERS, COORDINATORS = ("intake", "coordinator"), ("coordinator",)
TAGGED = {"ETag": ETAG_HEADER, "API-Version": API_VERSION_HEADER}
# flask-smorest's own component types the header as an object; on the wire it is a JSON string.
PAGINATION_HEADER = {"description": "JSON-object als tekst: total, total_pages, first_page, last_page, page, "
                                    "previous_page, next_page.", "schema": {"type": "string"}}
PAGED = {"X-Pagination": PAGINATION_HEADER, "API-Version": API_VERSION_HEADER}
PRIVATE = {"Cache-Control": "no-store"}  # personal data: no cache may keep it (the pages do so for sessions)
STALE = "Dit record is intussen door iemand anders gewijzigd. Haal het opnieuw op en probeer het nog eens."


class ReportDetail:
    """A report plus what the caller may know about its address; every other attribute is the report's."""

    def __init__(self, report, context: report_queries.AddressContext):
        self.report, self.address_signal = report, context.signal
        self.address_history, self.address_open_case = context.history, context.open_case
        self.suggested_partner = reference_data.suggested_partner(report.category)

    def __getattr__(self, name: str):
        return getattr(self.report, name)


@blp.route("/reports")
@staff(*REPORT_READERS)
@blp.arguments(ReportFilterSchema, location="query", unknown=ma.RAISE)
@blp.response(200, ReportSummarySchema(many=True), headers=PAGED)
@problems(blp, 401, 403, 422)
@blp.doc(summary="Meldingen", description="De meldingen die u mag zien, nieuwste eerst: intake ziet de eigen "
         "registraties, de regisseur alles. Gepagineerd met page en pageSize (max. 100); X-Pagination geeft "
         "de totalen.")
def list_reports(filters: dict):
    page, page_size = filters.pop("page"), filters.pop("page_size")
    # A page past the end is an empty list (a client paging until nothing comes back stops), never the last page.
    found = pagination.paginate(report_queries.list_visible_reports(api_user(), **filters), page, per_page=page_size,
                                clamp=False)
    # The header @blp.paginate() would send; its own query key `page_size` would break the camelCase rule.
    metadata = blp._make_pagination_metadata(page, page_size, found.total)
    return found.items, PRIVATE | {"X-Pagination": json.dumps(metadata)}


@blp.route("/reports/<reference>")
@staff(*REPORT_READERS)
@blp.response(200, ReportDetailSchema, headers=TAGGED)
@problems(blp, 401, 403, 404)
@blp.doc(summary="Melding", description="Een melding met melder, beoordeling en geschiedenis; elke inzage staat "
         "in de auditlog. address_history (eerdere meldingen op het adres) alleen voor de regisseur.")
def show_report(reference: str):
    user = api_user()
    report = report_triage.view_report(reference, actor=user)
    return _tagged(report, ReportDetail(report, report_queries.address_context(report, actor=user)))


@blp.route("/reports/<reference>/triage", methods=["POST"])
@staff(*COORDINATORS)
@blp.arguments(TriageSchema)
@blp.response(200, TriageResultSchema, headers=TAGGED)
@problems(blp, 400, 401, 403, 404, 409, 412, 413, 415, 422)
@blp.doc(summary="Melding beoordelen", parameters=[IF_MATCH],
         description='Doorverwijzen ({"outcome": "referred", "partner": KEY, "question": "…"}) of escaleren '
                     '({"outcome": "escalated"}); het antwoord noemt bij escalatie de geopende casus.')
def triage_report(decision: dict, reference: str):
    user = api_user()
    report = report_triage.view_report(reference, actor=user)
    seen = _seen_version(report)
    if decision["outcome"] == "referred":
        report_triage.refer_report(
            report, decision.get("partner"), decision.get("reason"), actor=user, seen_version=seen,
            question=decision.get("question"),
        )
    else:
        report_triage.escalate_report(report, decision.get("reason"), actor=user, seen_version=seen)
    return _tagged(report)


@blp.route("/cases/<reference>")
@staff(*COORDINATORS)
@blp.response(200, CaseDetailSchema, headers=TAGGED)
@problems(blp, 401, 403, 404)
@blp.doc(
    summary="Casus",
    description="Een GDT-casus met meldingen, ketenpartners, journaal en geschiedenis; "
    "elke inzage staat in de auditlog.",
)
def show_case(reference: str):
    return _tagged(cases.view_case(reference, actor=api_user()))


@blp.route("/cases/<reference>/mode", methods=["POST"])
@staff(*COORDINATORS)
@blp.arguments(ModeSchema)
@blp.response(200, CaseDetailSchema, headers=TAGGED)
@problems(blp, 400, 401, 403, 404, 409, 412, 413, 415, 422)
@blp.doc(
    summary="Werkwijze bepalen",
    parameters=[IF_MATCH],
    description="advice (informatie/advies aan ketenpartner) of regie (casus-/procesregie), alleen bij een open casus.",
)
def decide_mode(choice: dict, reference: str):
    user = api_user()
    case = cases.view_case(reference, actor=user)
    cases.decide_mode(case, choice["mode"], actor=user, seen_version=_seen_version(case))
    return _tagged(case)


@blp.route("/cases/<reference>/close", methods=["POST"])
@staff(*COORDINATORS)
@blp.arguments(CloseSchema)
@blp.response(200, CaseDetailSchema, headers=TAGGED)
@problems(blp, 400, 401, 403, 404, 409, 412, 413, 415, 422)
@blp.doc(summary="Casus sluiten", parameters=[IF_MATCH], description="Sluit een open casus met een resultaat.")
def close_case(closing: dict, reference: str):
    user = api_user()
    case = cases.view_case(reference, actor=user)
    cases.close_case(
        case,
        closing["result"],
        closing.get("note"),
        actor=user,
        seen_version=_seen_version(case),
        carry_over=closing["carry_over"],
    )
    return _tagged(case)


def _seen_version(record) -> int:
    """The version the client read: If-Match must name the current one; without If-Match, the current one."""
    if request.if_match and not request.if_match.contains(str(record.version)):
        abort(412, description=STALE)
    return record.version


def _tagged(record, body=None):
    return (record if body is None else body), PRIVATE | {"ETag": quote_etag(str(record.version))}
