"""The inspection export (AVG art. 15): what the team holds about one person in the reports and cases the privacy
officer selected, as JSON and as a readable Dutch PDF.

The person is identified by the same fields as the search for a person (gdt.services.privacy.people.Criteria);
within each selected report or case only the entries that are that person's are given. The rule for the rights of
others (art. 15(4)) is deliberately conservative:

* A report the person made (they are its reporter): everything of it — their description (as sent, and the team's
  correction beside it), the address, their contact details, the dates, category and status, the attachments by
  name and size, their logbook on Mijn melding, the team's questions with their answers, their satisfaction
  answer — and the partners it was shared with and when.
* A report at the person's address that they did not make: the report's facts (reference, dates, category,
  status, address) and who it was shared with; never the reporter's name or contact details and never the
  description, which the reporter wrote and may identify them.
* A partner registration: the registrant their own details; the person it concerns, their name as registered.
  The registration's free text (the reason, what was tried) is written by a professional about them and may name
  others: it is withheld here and listed as such.
* A case: the case facts (reference, dates, status, mode, result) where the person is a party, a reporter of one
  of its reports, a contact person or an invitee; their own entry (as party: name, role, note; as contact person:
  their details; as invitee: the meeting's date and whether they attended); the partners involved and when, and
  the referrals. Other parties, journal notes, meeting minutes and agreements are never included; the dossier's
  documents, letters and interventions are named by count under "withheld".

What is withheld is named (not its content) under "withheld", so the privacy officer can assess it by hand and
give it, blacked out where needed. A selected reference without anything of the person is listed as such.

Every export is audited per reference (action "export", object type "inspection"), with the format and which
search fields identified the person — never the values. The PDF follows gdt.services.casework.meeting_pdf: Dutch
whatever the reader's language, self-contained HTML, tagged (PDF/UA-1).
"""
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale, format_date, format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from gdt.db import db, utcnow
from gdt.labels import (
    CASE_RESULT_LABELS,
    CASE_STATUS_LABELS,
    CHANNEL_LABELS,
    MODE_LABELS,
    PARTY_ROLE_LABELS,
    REFERRAL_STATUS_LABELS,
    REPORT_STATUS_LABELS,
)
from gdt.models import Case, Referral, Report, User
from gdt.models.documents import CaseDocument
from gdt.models.interventions import Intervention
from gdt.models.resident import ResidentLogEntry
from gdt.models.resident_contact import ResidentQuestion, SatisfactionResponse
from gdt.services.core import audit
from gdt.services.core.errors import ServiceError, ValidationFailed
from gdt.services.core.transaction import unit_of_work
from gdt.services.privacy import subject_requests
from gdt.services.privacy.people import Criteria
from gdt.validation import InvalidValue

TEMPLATE = "privacy/inspection_pdf.html"
FORMATS = ("json", "pdf")
MOMENT_FORMAT = "d MMMM y 'om' HH:mm"  # as the meeting summary writes them (gdt.services.casework.meeting_pdf)
DATE_FORMAT = "d MMMM y"


@dataclass(frozen=True)
class Sharing:
    """A partner a report or case was shared with: a referral (delivered when) or a partner involved in a case."""

    partner: str
    kind: str  # "referral" or "case_partner"
    at: datetime | None  # delivered_at of a referral, added_at of a case partner
    status: str | None  # a referral's status, in Dutch


@dataclass(frozen=True)
class AttachmentEntry:
    name: str
    size_bytes: int
    added_at: datetime


@dataclass
class ReportPart:
    reference: str
    roles: list[str]  # "melder", "adres", "aanmelder", "betrokkene"
    channel: str
    received_at: datetime
    category: str
    status: str
    address: str | None
    description: str | None = None  # only for the reporter
    description_corrected: str | None = None
    contact: dict | None = None  # the reporter's own details: name, email, phone, may_contact
    registration: dict | None = None  # the registrant's own details, or the concerned person's name
    attachments: list[AttachmentEntry] = field(default_factory=list)
    logbook: list[dict] = field(default_factory=list)  # the reporter's own entries on Mijn melding
    questions: list[dict] = field(default_factory=list)  # the team's questions to the reporter and their answers
    satisfaction: dict | None = None  # their answer to the satisfaction question
    shared_with: list[Sharing] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)


@dataclass
class CasePart:
    reference: str
    roles: list[str]
    opened_at: datetime
    closed_at: datetime | None
    status: str
    mode: str | None
    result: str | None
    parties: list[dict] = field(default_factory=list)  # the person's own entries: name, role, note, added_at
    contacts: list[dict] = field(default_factory=list)  # as a partner's contact person
    invitations: list[dict] = field(default_factory=list)  # meetings the person was invited to
    shared_with: list[Sharing] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)


@dataclass
class Inspection:
    made_at: datetime
    references: list[str]  # as selected
    identified_by: list[str]  # which search fields identified the person (not their values)
    reports: list[ReportPart]
    cases: list[CasePart]
    not_found: list[str]  # selected, but nothing of the person in it
    rule: str  # the art. 15(4) rule in words


RULE = _l("Deze inzage bevat de gegevens over u in de gekozen meldingen en casussen. Gegevens over anderen staan er "
          "niet in (AVG art. 15 lid 4): geen namen of contactgegevens van andere melders of betrokkenen, geen "
          "journaalnotities en geen verslagen van overleggen. Tekst die iemand anders schreef (zoals de beschrijving "
          "van een melding die u niet deed, of de reden van een aanmelding) staat hieronder als 'niet opgenomen' en "
          "wordt apart beoordeeld.")


def build(references: list[str] | str, wanted: Criteria) -> Inspection:
    """What is held about the person in the selected references (call inside force_locale("nl"))."""
    chosen = references if isinstance(references, list) else subject_requests.parse_references(references)
    cases = list(db.session.scalars(sa.select(Case).where(Case.reference.in_(chosen), Case.destroyed_at.is_(None))
                                    .order_by(Case.opened_at, Case.id)))
    reports = list(db.session.scalars(sa.select(Report).where(
        sa.or_(Report.reference.in_(chosen), Report.case_id.in_([case.id for case in cases])),
        Report.destroyed_at.is_(None)).order_by(Report.received_at, Report.id)))
    report_parts = [part for part in (_report_part(report, wanted) for report in reports) if part is not None]
    case_parts = [part for part in (_case_part(case, wanted, report_parts) for case in cases) if part is not None]
    held = {part.reference for part in report_parts} | {part.reference for part in case_parts}
    return Inspection(made_at=utcnow(), references=list(chosen), identified_by=wanted.fields,
                      reports=report_parts, cases=case_parts, not_found=[ref for ref in chosen if ref not in held],
                      rule=str(RULE))


def inspection_json(references: list[str] | str, wanted: Criteria, *, actor: User) -> bytes:
    """The export as UTF-8 JSON bytes, audited per reference."""
    chosen = _chosen(references, wanted)
    with force_locale("nl"):
        document = build(chosen, wanted)
        text = json.dumps(asdict(document), ensure_ascii=False, indent=2, default=_json_value)
    _audit(chosen, wanted, "json", actor)
    return text.encode("utf-8")


def inspection_pdf(references: list[str] | str, wanted: Criteria, *, actor: User) -> bytes:
    """The export as a tagged Dutch PDF, audited per reference."""
    chosen = _chosen(references, wanted)
    with force_locale("nl"):
        html = render_template(TEMPLATE, inspection=build(chosen, wanted),
                               moment=lambda value: format_datetime(value, MOMENT_FORMAT),
                               day=lambda value: format_date(value, DATE_FORMAT))
    from weasyprint import HTML  # lazily: needs Pango, see tests/system_packages.py
    from weasyprint.urls import URLFetcher
    document = HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols=()))
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    _audit(chosen, wanted, "pdf", actor)
    return pdf


def _chosen(references: list[str] | str, wanted: Criteria | None) -> list[str]:
    errors = {}
    try:
        chosen = subject_requests.parse_references(references if isinstance(references, str)
                                                   else " ".join(references or []))
    except InvalidValue as invalid:
        errors["references"] = invalid.message
    if errors:
        raise ValidationFailed(errors)
    if wanted is None or not wanted.fields:
        raise ServiceError(_l("Vul in wie de betrokkene is: een naam, e-mailadres, telefoonnummer, of postcode met "
                              "huisnummer."), field="person_name")
    return chosen


def _audit(chosen: list[str], wanted: Criteria, fmt: str, actor: User) -> None:
    with unit_of_work():
        for reference in chosen:
            audit.record(actor, "export", "inspection", reference, detail={"format": fmt, "fields": wanted.fields})


def _json_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)  # lazy Dutch labels


def _report_part(report: Report, wanted: Criteria) -> ReportPart | None:
    registration = report.registration
    roles = []
    if wanted.is_person(report.reporter_name, report.reporter_email, report.reporter_phone):
        roles.append("melder")
    if wanted.is_address(report.postcode, report.house_number):
        roles.append("adres")
    if registration is not None and wanted.is_person(registration.registrant_name, registration.registrant_email,
                                                     registration.registrant_phone):
        roles.append("aanmelder")
    if registration is not None and wanted.is_name(registration.concerned_name):
        roles.append("betrokkene")
    if not roles:
        return None
    part = ReportPart(reference=report.reference, roles=roles, channel=str(CHANNEL_LABELS[report.channel]),
                      received_at=report.received_at, category=report.category.label,
                      status=str(REPORT_STATUS_LABELS.get(report.status, report.status)),
                      address=report.display_address if report.postcode else None,
                      shared_with=_report_sharing(report))
    if "melder" in roles:
        part.description, part.description_corrected = report.description, report.description_corrected
        part.contact = {"name": report.reporter_name, "email": report.reporter_email, "phone": report.reporter_phone,
                        "may_contact": report.reporter_may_contact}
        part.attachments = [AttachmentEntry(attachment.original_name or f"{attachment.kind}.{attachment.extension}",
                                            attachment.size_bytes, attachment.created_at)
                            for attachment in report.attachments]
        _resident_contact(part, report)
    elif report.description:
        part.withheld.append(_("De beschrijving van de melding, geschreven door de melder"))
    if registration is not None:
        part.registration = _registration(registration, roles)
        part.withheld.append(_("De reden van de aanmelding en wat al is geprobeerd, geschreven door de ketenpartner"))
    return part


def _resident_contact(part: ReportPart, report: Report) -> None:
    """What the reporter wrote on their own page and in answer to the team: theirs, so all of it."""
    part.logbook = [{"happened_on": entry.happened_on, "happened_at": entry.happened_at,
                     "duration_minutes": entry.duration_minutes, "text": entry.text, "written_at": entry.created_at,
                     "files": len(entry.attachments)}
                    for entry in db.session.scalars(sa.select(ResidentLogEntry)
                                                    .where(ResidentLogEntry.report_id == report.id)
                                                    .order_by(ResidentLogEntry.happened_on, ResidentLogEntry.id))]
    part.questions = [{"asked_at": question.asked_at, "question": question.text, "answer": question.answer,
                       "answered_at": question.answered_at, "withdrawn": question.withdrawn_at is not None}
                      for question in db.session.scalars(sa.select(ResidentQuestion)
                                                         .where(ResidentQuestion.report_id == report.id)
                                                         .order_by(ResidentQuestion.asked_at))]
    answer = db.session.scalar(sa.select(SatisfactionResponse).where(SatisfactionResponse.report_id == report.id))
    if answer is not None:
        part.satisfaction = {"score": answer.score, "comment": answer.comment, "answered_at": answer.answered_at}


def _registration(registration, roles: list[str]) -> dict:
    entry = {"registered_by": registration.partner.name}
    if "aanmelder" in roles:
        entry |= {"registrant_name": registration.registrant_name,
                  "registrant_function": registration.registrant_function,
                  "registrant_email": registration.registrant_email,
                  "registrant_phone": registration.registrant_phone}
    if "betrokkene" in roles:
        entry["concerned_name"] = registration.concerned_name
    return entry


def _report_sharing(report: Report) -> list[Sharing]:
    own = [_referral(referral) for referral in report.referrals]
    via_case = db.session.scalars(sa.select(Referral).where(Referral.shared_reports.any(Report.id == report.id),
                                                            Referral.report_id.is_(None)).order_by(Referral.id))
    return own + [_referral(referral) for referral in via_case]


def _referral(referral: Referral) -> Sharing:
    return Sharing(partner=referral.partner.name, kind="referral", at=referral.delivered_at,
                   status=str(REFERRAL_STATUS_LABELS.get(referral.status, referral.status)))


def _case_part(case: Case, wanted: Criteria, report_parts: list[ReportPart]) -> CasePart | None:
    own_reports = {part.reference for part in report_parts}
    parties = [{"name": party.name, "role": str(PARTY_ROLE_LABELS.get(party.role, party.role)), "note": party.note,
                "added_at": party.added_at} for party in case.parties if wanted.is_name(party.name)]
    contacts = [{"partner": item.partner.name, "name": item.contact_name, "email": item.contact_email,
                 "phone": item.contact_phone, "added_at": item.added_at}
                for item in case.partners if wanted.is_person(item.contact_name, item.contact_email,
                                                              item.contact_phone)]
    invitations = [{"meeting_at": meeting.starts_at, "name": invitee.name, "attended": invitee.attended}
                   for meeting in case.meetings for invitee in meeting.invitees
                   if invitee.name is not None and wanted.is_name(invitee.name)]
    reporter = any(report.reference in own_reports for report in case.reports)
    roles = [role for role, present in (("betrokkene", parties), ("melder", reporter), ("contactpersoon", contacts),
                                        ("genodigde", invitations)) if present]
    if not roles:
        return None
    part = CasePart(reference=case.reference, roles=roles, opened_at=case.opened_at, closed_at=case.closed_at,
                    status=str(CASE_STATUS_LABELS.get(case.status, case.status)),
                    mode=str(MODE_LABELS[case.mode]) if case.mode else None,
                    result=str(CASE_RESULT_LABELS.get(case.result, case.result)) if case.result else None,
                    parties=parties, contacts=contacts, invitations=invitations,
                    shared_with=[Sharing(partner=item.partner.name, kind="case_partner", at=item.added_at, status=None)
                                 for item in case.partners] + [_referral(referral) for referral in case.referrals])
    if case.notes:
        part.withheld.append(_("Journaalnotities van het team (%(count)d)", count=len(case.notes)))
    if any(meeting.minutes for meeting in case.meetings):
        part.withheld.append(_("Verslagen van casusoverleggen"))
    _dossier_withheld(part, case)
    return part


def _dossier_withheld(part: CasePart, case: Case) -> None:
    """The dossier is the team's and may name others: named here by count, to be assessed and given by hand."""
    documents = db.session.scalar(sa.select(sa.func.count()).select_from(CaseDocument)
                                  .where(CaseDocument.case_id == case.id))
    interventions = db.session.scalar(sa.select(sa.func.count()).select_from(Intervention)
                                      .where(Intervention.case_id == case.id))
    if documents:
        part.withheld.append(_("Documenten en brieven in het dossier (%(count)d)", count=documents))
    if interventions:
        part.withheld.append(_("Interventies van het team, met hun besluiten (%(count)d)", count=interventions))
