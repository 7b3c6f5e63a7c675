"""Correcting a report before triage: its category, its address or (beside the resident's own words) its description.

A mistake at intake (a misheard street, the wrong category, a typo) is put right by the clerk who registered the
report or by a coordinator, always with a reason, and only while the report awaits triage (the lifecycle's `correct`
event): a triaged report is a decision taken on what it said. Every changed field is one "correct" event in the
report's history with a `ReportCorrection` holding the old and new value and the reason, and one audit event names
the fields. The report's version guards against a colleague's change in the meantime.

The description the resident (or the clerk on the phone) gave is never overwritten: it is evidence. A correction
is stored beside it (`Report.description_corrected`) and both are shown; docs/decisions/0016-corrections-keep-the-
reporters-words.md says why. The statistics follow by themselves: the report tallies are kept by triggers on every
update of `reports`, so a new category or wijk moves the report's count in the same transaction.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from gdt import labels
from gdt.db import db
from gdt.models import Category, Report, ReportCorrection, User
from gdt.services.core import access, audit, lifecycle
from gdt.services.core.errors import Conflict, Forbidden, ServiceError, ValidationFailed
from gdt.services.core.transaction import check_version, unit_of_work
from gdt.services.intake import report_intake
from gdt.validation import InvalidValue, clean_fields, clean_text, required

REASON_MAX = 2000
ADDRESS_COLUMNS = ("postcode", "house_number", "house_number_addition", "street", "city", "bag_id", "wijk_code",
                   "buurt_code", "lat", "lon", "rd_x", "rd_y")

NOT_ALLOWED = _l("U mag deze melding niet corrigeren.")
ALREADY_TRIAGED = _l("Deze melding is al beoordeeld (%(status)s). Corrigeren kan alleen zolang een melding nog niet "
                     "beoordeeld is; neem contact op met de regisseur.")
NOTHING_CHANGED = _l("Er is niets gewijzigd. Pas de categorie, het adres of de beschrijving aan, of ga terug naar "
                     "de melding.")
DESCRIPTION_EMPTY = _l("De beschrijving kan niet leeg zijn. Laat de tekst staan als die niet verandert.")


@dataclass
class CorrectionInput:
    """What the correction form sends: the fields as they should be, and why."""

    category: str | None
    postcode: str | None
    house_number: str | int | None
    house_number_addition: str | None
    street: str | None
    city: str | None
    description: str | None
    reason: str | None
    bag_id: str | None = None  # the BAG address chosen after a lookup, or the report's own when unchanged


def may_correct(user: User, report: Report) -> bool:
    """Whether to offer "Corrigeren": the user may, and the report is not triaged yet. The service asks again."""
    return access.can_correct_report(user, report) and lifecycle.allows(report, "correct")


def check_correctable(report: Report, *, actor: User) -> None:
    """Forbidden for a user who may not correct this report; Conflict, in words, once it is triaged."""
    if not access.can_correct_report(actor, report):
        raise Forbidden(NOT_ALLOWED)
    if not lifecycle.allows(report, "correct"):
        status = str(labels.REPORT_STATUS_LABELS.get(report.status, report.status))
        raise Conflict(ALREADY_TRIAGED % {"status": status[:1].lower() + status[1:]}, code="already_triaged")


def correct_report(report: Report, data: CorrectionInput, *, actor: User,
                   seen_version: int | None) -> list[ReportCorrection]:
    """Put right what changed in `data`, with its reason; refused as a whole when anything is wrong.

    The address service is asked (before the transaction) only when the address changed: a confirmed address brings
    its BAG id, street, city, wijk and buurt; otherwise it is stored as typed, without the old address's codes.
    """
    check_correctable(report, actor=actor)
    fields = _clean(report, data)
    if _address_changed(report, fields, data.bag_id):
        fields |= _address_ids(fields, data.bag_id)
    else:
        fields = {name: value for name, value in fields.items() if name not in ADDRESS_COLUMNS}
    with unit_of_work():
        check_correctable(report, actor=actor)
        check_version(report, seen_version)
        changes = _changes(report, fields)
        if not changes:
            raise ServiceError(NOTHING_CHANGED, code="nothing_changed")
        _apply(report, changes, fields)
        corrections = [_record(report, change, fields["reason"], actor) for change in changes]
        audit.record(actor, "correct", "report", report.reference,
                     detail={"fields": [correction.field for correction in corrections]}
                     | _category_keys(changes))
    return corrections


def _clean(report: Report, data: CorrectionInput) -> dict:
    """Every field checked at once with the intake's rules, so the form shows all mistakes together."""
    rules = {name: report_intake.RULES[name]
             for name in ("category", "postcode", "house_number", "house_number_addition", "street", "city")}
    # A category retired since the report came in stays when it is left as it is; only a new one must be active.
    rules["category"] = lambda raw: report.category if raw == report.category.key else report_intake.RULES[
        "category"](raw)
    rules["description"] = lambda raw: _description(report, raw)
    rules["reason"] = required(lambda raw: clean_text(raw, max_length=REASON_MAX),
                               _l("Geef de reden van de correctie."))
    raw = {name: getattr(data, name) for name in rules}
    fields, errors = clean_fields(rules, raw)
    if errors:
        raise ValidationFailed(errors)
    return fields


def _description(report: Report, raw: str | None) -> str | None:
    """The text as it should read, with plain line ends (a browser sends CR LF); blank only when there never was one."""
    text = clean_text(_lines(raw), max_length=report_intake.DESCRIPTION_MAX)
    if not text and (report.description_corrected or report.description):
        raise InvalidValue(DESCRIPTION_EMPTY)
    return text


def _lines(text: str | None) -> str | None:
    return text.replace("\r\n", "\n").replace("\r", "\n") if text is not None else None


def _address_changed(report: Report, fields: dict, chosen: str | None) -> bool:
    typed = ("postcode", "house_number", "house_number_addition", "street", "city")
    return any(fields[name] != getattr(report, name) for name in typed) or (chosen or None) != report.bag_id


def _address_ids(fields: dict, chosen: str | None) -> dict:
    """The BAG's answer for the new address, or None for every code: the old address's wijk must not stay."""
    address = {name: fields[name] for name in ("postcode", "house_number", "house_number_addition", "street", "city")}
    found = report_intake.with_address_ids(address, chosen=chosen or None, bag_wins=True)
    return found | {name: found.get(name) for name in ("bag_id", "wijk_code", "buurt_code", "lat", "lon", "rd_x",
                                                       "rd_y")}


@dataclass(frozen=True)
class _Change:
    field: str
    before: str | None
    after: str | None
    detail: dict


def _changes(report: Report, fields: dict) -> list[_Change]:
    changes = []
    category: Category = fields["category"]
    if category.id != report.category_id:
        changes.append(_Change("category", report.category.label, category.label,
                               {"from": report.category.key, "to": category.key}))
    if any(name in fields and fields[name] != getattr(report, name) for name in ADDRESS_COLUMNS):
        after = Report(**{name: fields[name] for name in ADDRESS_COLUMNS})
        changes.append(_Change("address", report.display_address, after.display_address,
                               {"validated": fields["bag_id"] is not None}))
    corrected = fields["description"] if fields["description"] != _lines(report.description) else None
    if corrected != report.description_corrected:
        changes.append(_Change("description", report.description_corrected, corrected, {}))
    return changes


def _apply(report: Report, changes: list[_Change], fields: dict) -> None:
    """Every change to the report first, so it is written (and its version moves) once."""
    for change in changes:
        if change.field == "category":
            report.category = fields["category"]
        elif change.field == "address":
            for name in ADDRESS_COLUMNS:
                setattr(report, name, fields[name])
        else:
            report.description_corrected = change.after


def _record(report: Report, change: _Change, reason: str, actor: User) -> ReportCorrection:
    """One "correct" event in the history, with the correction it stands for."""
    lifecycle.transition_report(report, "correct", actor, detail={"field": change.field} | change.detail)
    correction = ReportCorrection(report=report, event=report.events[-1], field=change.field, before=change.before,
                                  after=change.after, reason=reason)
    db.session.add(correction)
    return correction


def _category_keys(changes: list[_Change]) -> dict:
    """Category keys are no personal data: the audit may name them."""
    return next(({"category": change.detail} for change in changes if change.field == "category"), {})
