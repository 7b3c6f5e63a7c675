"""Requests from the people concerned (AVG art. 15–17): the privacy officer's register, rectification and erasure.

A request is recorded when it arrives (kind, day of receipt, the requester's name, a note, the reports and cases it
concerns by reference) and answered within one month of receipt (AVG art. 12(3)); the list shows how long each
open request has run. Once decided, a request is read-only.

* **Inspection** (art. 15): the export of the selected references is the privacy-search pages' own; here the
  decision is recorded.
* **Rectification** (art. 16): the reporter's name, e-mail address and phone number are replaced (contact
  details, not evidence; the wrong value is not kept, it is what the person asked to have put right). The
  description as the reporter sent it is never changed (docs/decisions/0016): a rectification of it is a correction
  beside it (`Report.description_corrected`) with a `ReportCorrection` holding the old and new text and the reason,
  where retention finds and clears them. The address is not rectified here: it is where the nuisance was reported
  and the key of the address history; a wrong one is put right before triage (intake correction), and a person
  wrongly linked to an address asks for erasure. Every rectification is a "rectify" event in the report's history
  (detail: the field and the request's reference) and is listed, with its reason, on the request.
* **Erasure** (art. 17): the selected reports and cases go through the same content removal as destruction
  (gdt.services.retention.content_removal) in one transaction, their files deleted after the commit; the rows and
  keys stay, so every statistic stays the same. A legal hold in force refuses it. A refusal names its legal ground.

Every step is audited under object type "subject_request" and the request's reference; an erasure also per report
or case erased. The request names what was done by reference and field, never by content.
"""
import calendar
import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db, utcnow
from gdt.models import Case, Report, ReportCorrection, SubjectRequest, User
from gdt.models.privacy import REQUEST_KINDS
from gdt.services.core import audit, lifecycle
from gdt.services.core.errors import Conflict, ServiceError, ValidationFailed
from gdt.services.core.transaction import unit_of_work
from gdt.services.core.working_days import today
from gdt.validation import (
    InvalidValue,
    clean_fields,
    clean_text,
    name_line,
    normalise_email,
    normalise_phone,
    one_of,
    required,
)

NOTE_MAX = 4000
REASON_MAX = 2000
GROUND_MAX = 2000
DESCRIPTION_MAX = 10000
MAX_REFERENCES = 50
KIND_LABELS = {"inspection": _l("Inzage (art. 15)"), "rectification": _l("Rectificatie (art. 16)"),
               "erasure": _l("Wissen (art. 17)")}
DECISION_LABELS = {"granted": _l("Toegewezen"), "partly_granted": _l("Deels toegewezen"),
                   "refused": _l("Afgewezen")}
# The grounds a refusal (or the refused part) most often rests on; the privacy officer adds the explanation.
REFUSAL_GROUNDS = {
    "art-17-3-b": _l("AVG art. 17 lid 3 onder b: nodig voor een wettelijke verplichting of een taak van algemeen "
                     "belang of openbaar gezag"),
    "art-17-3-c": _l("AVG art. 17 lid 3 onder c: redenen van algemeen belang op het gebied van volksgezondheid"),
    "art-17-3-d": _l("AVG art. 17 lid 3 onder d: archivering in het algemeen belang, wetenschappelijk of historisch "
                     "onderzoek of statistische doeleinden"),
    "art-17-3-e": _l("AVG art. 17 lid 3 onder e: instelling, uitoefening of onderbouwing van een rechtsvordering"),
    "art-17-3-a": _l("AVG art. 17 lid 3 onder a: vrijheid van meningsuiting en informatie"),
    "art-12-5": _l("AVG art. 12 lid 5: het verzoek is kennelijk ongegrond of buitensporig"),
    "art-15-4": _l("AVG art. 15 lid 4: afbreuk aan de rechten en vrijheden van anderen"),
    "uavg-41": _l("UAVG art. 41: beperking ter bescherming van onder meer de betrokkene, de rechten van anderen, "
                  "of de voorkoming en opsporing van strafbare feiten"),
    "other": _l("Andere grond (licht toe)"),
}
RECTIFIABLE_FIELDS = {
    "reporter_name": _l("Naam van de melder"),
    "reporter_email": _l("E-mailadres van de melder"),
    "reporter_phone": _l("Telefoonnummer van de melder"),
    "description": _l("Beschrijving (correctie naast de tekst zoals gemeld)"),
}
CONTACT_FIELDS = ("reporter_name", "reporter_email", "reporter_phone")
_REFERENCE_SPLIT = re.compile(r"[\s,;]+")
_REFERENCE_SHAPE = re.compile(r"[A-Z0-9][A-Z0-9-]{2,39}")
_REQUEST_LOCK = 7_301_715  # pg_advisory_xact_lock key: one new request number at a time

DECIDED = _l("Dit verzoek is al beslist en kan niet meer worden gewijzigd.")
MISSING = _l("Dit verzoek bestaat niet.")


@dataclass
class RequestInput:
    """What the new-request form sends."""

    kind: str | None
    received_on: date | str | None
    subject_name: str | None
    note: str | None
    references: str | None  # typed: separated by spaces, commas or new lines


@dataclass
class RectificationInput:
    reference: str | None
    field: str | None
    value: str | None
    reason: str | None


@dataclass(frozen=True)
class RequestRow:
    """One line of the register, as the list shows it."""

    request: SubjectRequest
    due_on: date
    days_open: int | None  # None once decided
    is_overdue: bool


def answer_due(received_on: date) -> date:
    """One month after receipt (AVG art. 12(3)): the same day next month, or that month's last day."""
    year, month = (received_on.year + 1, 1) if received_on.month == 12 else (received_on.year, received_on.month + 1)
    return date(year, month, min(received_on.day, calendar.monthrange(year, month)[1]))


def row(request: SubjectRequest, *, now_day: date | None = None) -> RequestRow:
    now_day = now_day or today()
    due = answer_due(request.received_on)
    if request.decision is not None:
        return RequestRow(request, due, None, False)
    return RequestRow(request, due, (now_day - request.received_on).days, now_day > due)


def list_requests() -> sa.Select:
    """Open requests first (the oldest on top), then decided ones, the newest first."""
    return sa.select(SubjectRequest).order_by(
        SubjectRequest.decision.is_not(None), sa.case((SubjectRequest.decision.is_(None), SubjectRequest.received_on)),
        SubjectRequest.received_on.desc(), SubjectRequest.id.desc())


def view_list(*, actor: User) -> None:
    """The register holds names: looking at it is audited."""
    audit.record_now(actor, "view", "subject_request", None)


def get(reference: str, *, actor: User) -> SubjectRequest:
    """The request, its view audited; NotFound when there is none."""
    found = db.session.scalar(sa.select(SubjectRequest).where(SubjectRequest.reference == reference))
    return audit.audited_view(found, actor=actor, object_type="subject_request", object_ref=reference,
                              may_view=lambda user, _request: user is not None and user.role == "privacy",
                              missing=MISSING, refused=None)


def create(data: RequestInput, *, actor: User, now_day: date | None = None) -> SubjectRequest:
    """Record a new request; refused as a whole (every field's message at once) when anything is wrong."""
    fields = _clean_request(data, now_day or today())
    with unit_of_work():
        request = SubjectRequest(reference=_next_reference(fields["received_on"].year), created_by_id=actor.id,
                                 **fields)
        db.session.add(request)
        db.session.flush()
        audit.record(actor, "create", "subject_request", request.reference,
                     detail={"kind": request.kind, "references": len(request.references)})
    return request


def parse_references(raw: str | None) -> list[str]:
    """Typed references (spaces, commas, new lines), each an existing report or case, without repeats."""
    tokens = [token.upper() for token in _REFERENCE_SPLIT.split(raw or "") if token]
    if not tokens:
        raise InvalidValue(_l("Vul ten minste één kenmerk van een melding of casus in, zoals GDT-2026-000123."))
    unique = list(dict.fromkeys(tokens))
    if len(unique) > MAX_REFERENCES:
        raise InvalidValue(_l("Vul hoogstens %(max)d kenmerken in.", max=MAX_REFERENCES))
    malformed = [token for token in unique if not _REFERENCE_SHAPE.fullmatch(token)]
    known = set() if malformed else _existing(unique)
    unknown = malformed or [token for token in unique if token not in known]
    if unknown:
        raise InvalidValue(_l("Geen melding of casus met dit kenmerk: %(references)s. Controleer het kenmerk.",
                              references=", ".join(unknown[:10])))
    return unique


def request_reports(request: SubjectRequest) -> list[Report]:
    """The reports a request concerns: those named, and those of the cases named."""
    references = request.references or []
    found = db.session.scalars(
        sa.select(Report).outerjoin(Case, Report.case_id == Case.id)
        .where(sa.or_(Report.reference.in_(references), Case.reference.in_(references)))
        .order_by(Report.received_at, Report.id))
    return list(found)


def rectify(request: SubjectRequest, data: RectificationInput, *, actor: User) -> None:
    """Put one field of one of the request's reports right, with the reason; nothing changes when anything is
    wrong. The request stays open for more, until it is decided."""
    fields = _clean_rectification(request, data)
    with unit_of_work():
        _lock_open(request)
        report = fields["report"]
        _check_rectifiable(report, fields["field"], fields["value"])
        _apply_rectification(request, report, fields, actor)
        audit.record(actor, "rectify", "subject_request", request.reference,
                     detail={"report": report.reference, "field": fields["field"]})
        audit.record(actor, "rectify", "report", report.reference,
                     detail={"fields": [fields["field"]], "request": request.reference})


def rectifications(request: SubjectRequest) -> list[dict]:
    return list((request.detail or {}).get("rectifications", []))


def decide(request: SubjectRequest, decision: str | None, ground: str | None, explanation: str | None, *,
           actor: User) -> None:
    """The answer to an inspection or rectification request, or the refusal of an erasure (which `erase` grants).

    A refusal and a partial grant need a legal ground; a granted rectification needs a rectification applied.
    """
    allowed = ("refused",) if request.kind == "erasure" else ("granted", "partly_granted", "refused")
    fields, errors = clean_fields({"decision": one_of(allowed, _l("Kies een beslissing."))}, {"decision": decision})
    legal_ground, ground_errors = _legal_ground(ground, explanation,
                                                needed=fields.get("decision") in ("refused", "partly_granted"))
    if errors | ground_errors:
        raise ValidationFailed(errors | ground_errors)
    if request.kind == "rectification" and fields["decision"] != "refused" and not rectifications(request):
        raise ServiceError(_l("Er is nog niets gerectificeerd. Pas eerst de rectificatie toe, of wijs het verzoek "
                              "af met een grond."), field="decision")
    with unit_of_work():
        _lock_open(request)
        _close(request, fields["decision"], legal_ground, actor)
        audit.record(actor, "decide", "subject_request", request.reference,
                     detail={"decision": fields["decision"], "kind": request.kind})


def erase(request: SubjectRequest, selected: list[str] | None, ground: str | None, explanation: str | None, *,
          actor: User, now_day: date | None = None) -> list[str]:
    """Grant an erasure request for the selected references (all: granted; some: partly granted, with the ground
    for the rest). Refused as a whole when a legal hold is in force on any of them. Returns what was erased."""
    from gdt.services.retention import content_removal

    if request.kind != "erasure":
        raise ServiceError(_l("Alleen een verzoek om te wissen kan worden gewist."))
    chosen = [reference for reference in (request.references or []) if reference in set(selected or [])]
    if not chosen:
        raise ServiceError(_l("Kies ten minste één melding of casus om te wissen."), field="references")
    partly = len(chosen) < len(request.references or [])
    legal_ground, errors = _legal_ground(ground, explanation, needed=partly)
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work():
        _lock_open(request)
        cases, reports = _erasable(chosen)
        _check_holds(cases, reports, now_day or today())
        files = _remove(content_removal, cases, reports, request, actor)
        _close(request, "partly_granted" if partly else "granted", legal_ground, actor,
               detail={"erased": chosen, "files": len(files)})
        audit.record(actor, "erase", "subject_request", request.reference,
                     detail={"references": chosen, "decision": request.decision})
    content_removal.delete_files(files)
    return chosen


def _clean_request(data: RequestInput, now_day: date) -> dict:
    rules = {
        "kind": one_of(REQUEST_KINDS, _l("Kies het soort verzoek.")),
        "received_on": lambda raw: _received_on(raw, now_day),
        "subject_name": required(name_line(120), _l("Vul de naam van de verzoeker in.")),
        "note": lambda raw: clean_text(raw, max_length=NOTE_MAX),
        "references": parse_references,
    }
    fields, errors = clean_fields(rules, {name: getattr(data, name) for name in rules})
    if errors:
        raise ValidationFailed(errors)
    return fields


def _received_on(raw: date | str | None, now_day: date) -> date:
    if isinstance(raw, date):
        day = raw
    else:
        text = (raw or "").strip()
        if not text:
            raise InvalidValue(_l("Vul de datum van ontvangst in, zoals 15-05-2026."))
        day = _parse_day(text)
    if day > now_day:
        raise InvalidValue(_l("De datum van ontvangst kan niet na vandaag liggen."))
    if day.year < now_day.year - 10:
        raise InvalidValue(_l("Controleer het jaar van de datum van ontvangst."))
    return day


def _parse_day(text: str) -> date:
    iso, dutch = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", text), re.fullmatch(
        r"([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})", text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if dutch:
            return date(int(dutch[3]), int(dutch[2]), int(dutch[1]))
    except ValueError:
        raise InvalidValue(_l("Deze datum bestaat niet.")) from None
    raise InvalidValue(_l("Vul een datum in als dag-maand-jaar, zoals 15-05-2026."))


def _existing(references: list[str]) -> set[str]:
    reports = db.session.scalars(sa.select(Report.reference).where(Report.reference.in_(references)))
    cases = db.session.scalars(sa.select(Case.reference).where(Case.reference.in_(references)))
    return set(reports) | set(cases)


def _next_reference(year: int) -> str:
    """AVG-2026-0003: numbered per year of receipt. PostgreSQL queues concurrent creators on an advisory lock;
    SQLite has one writer at a time; the unique reference is the last guard (a clash is a Conflict)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _REQUEST_LOCK})
    prefix = f"AVG-{year}-"
    last = db.session.scalar(sa.select(sa.func.max(SubjectRequest.reference))
                             .where(SubjectRequest.reference.like(f"{prefix}%")))
    return f"{prefix}{(int(last[len(prefix):]) if last else 0) + 1:04d}"


def _lock_open(request: SubjectRequest) -> None:
    """Read the request again under a row lock: a colleague's decision in the meantime refuses this step."""
    db.session.refresh(request, with_for_update=True)
    if request.decision is not None:
        raise Conflict(DECIDED, code="decided")


def _close(request: SubjectRequest, decision: str, legal_ground: str | None, actor: User, *,
           detail: dict | None = None) -> None:
    decided_by_id = actor.id  # read before the first assignment: loading it must not flush half a decision
    request.decision, request.legal_ground = decision, legal_ground
    request.decided_at, request.decided_by_id = utcnow(), decided_by_id
    if detail:
        request.detail = (request.detail or {}) | detail


def _legal_ground(ground: str | None, explanation: str | None, *, needed: bool) -> tuple[str | None, dict]:
    """The ground as stored: its label, and the explanation after it. Required when `needed`; "other" needs the
    explanation. Returns (text, errors)."""
    try:
        text = clean_text(explanation, max_length=GROUND_MAX)
    except InvalidValue as invalid:
        return None, {"explanation": invalid.message}
    if not ground:
        if needed:
            return None, {"ground": _l("Kies de grond waarop (een deel van) het verzoek wordt afgewezen.")}
        return text, {}
    if ground not in REFUSAL_GROUNDS:
        return None, {"ground": _l("Kies een grond uit de lijst.")}
    if ground == "other":
        if not text:
            return None, {"explanation": _l("Licht de grond toe.")}
        return text, {}
    label = str(REFUSAL_GROUNDS[ground])
    return (f"{label} — {text}" if text else label), {}


def _clean_rectification(request: SubjectRequest, data: RectificationInput) -> dict:
    reports = {report.reference: report for report in request_reports(request)}
    value_rules = {
        "reporter_name": required(name_line(120), _l("Vul de juiste naam in.")),
        "reporter_email": required(normalise_email, _l("Vul het juiste e-mailadres in.")),
        "reporter_phone": required(normalise_phone, _l("Vul het juiste telefoonnummer in.")),
        "description": required(lambda raw: clean_text(raw, max_length=DESCRIPTION_MAX),
                                _l("Vul de gecorrigeerde beschrijving in.")),
    }
    rules = {
        "reference": lambda raw: _report_of(reports, raw),
        "field": one_of(RECTIFIABLE_FIELDS, _l("Kies wat wordt gerectificeerd.")),
        "reason": required(lambda raw: clean_text(raw, max_length=REASON_MAX),
                           _l("Geef de reden van de rectificatie.")),
    }
    fields, errors = clean_fields(rules, {name: getattr(data, name) for name in rules})
    if "field" in fields:
        value, value_errors = clean_fields({"value": value_rules[fields["field"]]}, {"value": data.value})
        fields |= value
        errors |= value_errors
    if errors:
        raise ValidationFailed(errors)
    fields["report"] = fields.pop("reference")
    return fields


def _report_of(reports: dict[str, Report], raw: str | None) -> Report:
    if raw not in reports:
        raise InvalidValue(_l("Kies een melding van dit verzoek."))
    return reports[raw]


def _check_rectifiable(report: Report, field: str, value: str) -> None:
    if report.destroyed_at is not None:
        raise ServiceError(_l("De inhoud van melding %(reference)s is al vernietigd.", reference=report.reference),
                           field="reference")
    if field in CONTACT_FIELDS:
        if report.reporter_is_anonymous:
            raise ServiceError(_l("De melder van %(reference)s is anoniem: er zijn geen contactgegevens om te "
                                  "rectificeren.", reference=report.reference), field="field")
        if report.contact_removed_at is not None:
            raise ServiceError(_l("De contactgegevens van %(reference)s zijn al verwijderd na de bewaartermijn.",
                                  reference=report.reference), field="field")
    if field == "description":
        current = report.description_corrected or report.description
    else:
        current = getattr(report, field)
    if value == current:
        raise ServiceError(_l("Dit is al de huidige waarde; er is niets gewijzigd."), field="value")


def _apply_rectification(request: SubjectRequest, report: Report, fields: dict, actor: User) -> None:
    field, value = fields["field"], fields["value"]
    before = report.description_corrected
    if field == "description":
        # The reporter's own words stay; back to exactly them withdraws the correction (decision 0016).
        report.description_corrected = None if value == report.description else value
    else:
        setattr(report, field, value)
    lifecycle.record_report_event(report, "rectify", actor, detail={"field": field, "request": request.reference})
    if field == "description":
        db.session.add(ReportCorrection(report=report, event=report.events[-1], field="description", before=before,
                                        after=report.description_corrected, reason=fields["reason"]))
    entry = {"reference": report.reference, "field": field, "reason": fields["reason"],
             "at": utcnow().isoformat(timespec="seconds"), "by": actor.id}
    request.detail = (request.detail or {}) | {"rectifications": [*rectifications(request), entry]}


def _erasable(chosen: list[str]) -> tuple[list[Case], list[Report]]:
    """The chosen cases, and the chosen reports that are not inside a chosen case (that removal takes them);
    what was destroyed already has nothing left to erase."""
    cases = list(db.session.scalars(sa.select(Case).where(Case.reference.in_(chosen), Case.destroyed_at.is_(None))
                                    .order_by(Case.id)))
    taken = {case.id for case in cases}
    reports = [report for report in db.session.scalars(
        sa.select(Report).where(Report.reference.in_(chosen), Report.destroyed_at.is_(None)).order_by(Report.id))
        if report.case_id not in taken]
    return cases, reports


def held_references(request: SubjectRequest, *, now_day: date | None = None) -> set[str]:
    """The request's references that a legal hold in force keeps from erasure (the page says so at each)."""
    cases, reports = _erasable(list(request.references or []))
    return set(_held(cases, reports, now_day or today()))


def _held(cases: list[Case], reports: list[Report], now_day: date) -> list[str]:
    from gdt.services.retention import holds

    return sorted({case.reference for case in cases if holds.in_force(case.id, now_day)}
                  | {report.reference for report in reports
                     if report.case_id is not None and holds.in_force(report.case_id, now_day)})


def _check_holds(cases: list[Case], reports: list[Report], now_day: date) -> None:
    held = _held(cases, reports, now_day)
    if held:
        raise ServiceError(_l("Wissen kan niet: op %(references)s rust een bewaarplicht (juridische blokkade) zolang "
                              "die geldt. Haal ze uit de selectie, of wijs het verzoek af met een grond (bijvoorbeeld "
                              "art. 17 lid 3 onder e).", references=", ".join(held)), field="references",
                           code="legal_hold")


def _remove(content_removal, cases: list[Case], reports: list[Report], request: SubjectRequest,
            actor: User) -> list[str]:
    files: list[str] = []
    for case in cases:
        files += content_removal.remove_case(case)
        audit.record(actor, "erase", "case", case.reference, detail={"request": request.reference})
    for report in reports:
        files += content_removal.remove_report(report)
        audit.record(actor, "erase", "report", report.reference, detail={"request": request.reference})
    return files
