"""The destruction statement (verklaring van vernietiging) of a list, as a PDF for the archivist to sign and keep.

It is made from the list and its items only, the content-free records: references, dates, category, channel,
result or outcome. Never a description, a name or an address, because after execution there is none to read.
Dutch, dates included (Europe/Amsterdam), whatever the reader's UI language. As with the meeting summary
(gdt.services.casework.meeting_pdf), WeasyPrint is imported only when a PDF is made, the HTML is self-contained,
WeasyPrint may fetch nothing, and the PDF is tagged (PDF/UA-1).
"""
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale, format_date, format_datetime
from flask_babel import lazy_gettext as _l

from gdt.db import db, utcnow
from gdt.labels import CHANNEL_LABELS, MODE_LABELS, OUTCOME_LABELS
from gdt.models import User
from gdt.models.retention import DestructionItem, DestructionList
from gdt.services.core import audit
from gdt.services.retention import destruction

TEMPLATE = "retention/statement_pdf.html"
MOMENT_FORMAT = "d MMMM y 'om' HH:mm"
DATE_FORMAT = "d MMMM y"
SHORT_DATE = "dd-MM-y"
TYPE_LABELS = {"case": _l("Casus"), "report": _l("Melding"), "audit_day": _l("Auditdag")}
TYPE_PLURALS = {"case": _l("Casussen"), "report": _l("Meldingen"), "audit_day": _l("Dagen van het auditlog")}
KIND_LABELS = {"records": _l("Casussen en meldingen"), "audit": _l("Auditlog")}
STATUS_LABELS = {"proposed": _l("Voorgesteld"), "approved": _l("Goedgekeurd, wordt uitgevoerd"),
                 "executed": _l("Uitgevoerd")}


@dataclass(frozen=True)
class Row:
    reference: str
    kind: str
    received: str
    closed: str
    due: str
    category: str
    result: str  # a case's result (and mode), a report's triage outcome, an audit day's number of events
    excluded: str | None = None  # the reason it was taken off, with who and when


@dataclass(frozen=True)
class Statement:
    """Everything the document shows, as display strings: the template reads nothing else."""

    municipality: str
    reference: str
    kind: str
    status: str
    as_of: str
    proposed: str
    approved: str | None
    executed: str | None
    per_type: list[tuple[str, int]]
    per_result: list[tuple[str, int]]
    per_year: list[tuple[str, int]]
    rows: list[Row]  # destroyed (or, before execution, still to be destroyed)
    excluded: list[Row]
    made_at: str


def render(lst: DestructionList, *, actor: User | None = None) -> bytes:
    """The statement as PDF bytes; making it is audited (who printed which list)."""
    with force_locale("nl"):
        html = render_template(TEMPLATE, statement=summarise(lst))
    from weasyprint import HTML  # lazily: needs Pango, see tests/system_packages.py
    from weasyprint.urls import URLFetcher
    document = HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols=()))
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")  # tagged, for screen readers (accessible documents)
    audit.record_now(actor, "destruction_statement", "destruction_list", lst.reference,
                     detail={"list_id": lst.id})
    return pdf


def summarise(lst: DestructionList) -> Statement:
    """The content of the statement (call inside force_locale("nl"))."""
    items = db.session.scalars(destruction.items_of(lst).options(
        sa.orm.selectinload(DestructionItem.excluded_by))).all()
    categories, results = destruction.display_labels()
    kept = [item for item in items if item.excluded_at is None]
    return Statement(
        municipality=current_app.config["MUNICIPALITY_NAME"], reference=lst.reference,
        kind=str(KIND_LABELS[lst.kind]), status=str(STATUS_LABELS[lst.status]),
        as_of=format_date(lst.as_of, DATE_FORMAT),
        proposed=_by(lst.proposed_at, lst.proposed_by, _l("de nachtelijke run")),
        approved=_by(lst.approved_at, lst.approved_by, None) if lst.approved_at else None,
        executed=format_datetime(lst.executed_at, MOMENT_FORMAT) if lst.executed_at else None,
        per_type=_counted(str(TYPE_PLURALS[item.object_type]) for item in kept),
        per_result=_counted(_result(item, results) for item in kept if item.object_type != "audit_day"),
        per_year=_counted(str(item.received_on.year) for item in kept if item.received_on),
        rows=[_row(item, categories, results) for item in kept],
        excluded=[_row(item, categories, results) for item in items if item.excluded_at is not None],
        made_at=format_datetime(utcnow(), MOMENT_FORMAT))


def _by(moment, user: User | None, nobody) -> str:
    who = user.name if user is not None else str(nobody)
    return f"{format_datetime(moment, MOMENT_FORMAT)}, {who}"


def _counted(values) -> list[tuple[str, int]]:
    return sorted(Counter(values).items())


def _result(item: DestructionItem, results: dict[str, str]) -> str:
    if item.object_type == "audit_day":
        return str(_l("%(count)d gebeurtenissen", count=item.report_count))
    if item.object_type == "case":
        if item.outcome == "merged":
            return str(_l("Samengevoegd"))
        label = results.get(item.result or "", item.result or "–")
        return f"{label} ({MODE_LABELS[item.mode]})" if item.mode in MODE_LABELS else label
    return str(OUTCOME_LABELS.get(item.outcome or "", item.outcome or "–"))


def _row(item: DestructionItem, categories: dict[int, str], results: dict[str, str]) -> Row:
    category = categories.get(item.category_id, "–")
    if item.channel in CHANNEL_LABELS:
        category = f"{category} · {CHANNEL_LABELS[item.channel]}"
    excluded = None
    if item.excluded_at is not None:
        who = item.excluded_by.name if item.excluded_by else _l("bij de uitvoering")
        excluded = f"{item.exclusion_reason} ({who}, {format_date(item.excluded_at, SHORT_DATE)})"
    return Row(reference=item.reference, kind=str(TYPE_LABELS[item.object_type]), received=_date(item.received_on),
               closed=_date(item.closed_on), due=_date(item.due_on), category=category,
               result=_result(item, results), excluded=excluded)


def _date(day) -> str:
    return format_date(day, SHORT_DATE) if day else "–"
