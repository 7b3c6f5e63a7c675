"""Bundling: further reports join an existing case, or two cases merge into one. Nothing is lost or counted twice.

A report joins as an escalation into that case (the triage decision the coordinator takes by adding
it), so it is counted once, under its own year, as before. A merge moves everything of one case to
the other (reports, partners, parties, notes, meetings, actions, referrals); the merged case stays,
empty and marked *merged* with a pointer, so its reference still leads somewhere, and the statistics
no longer count it as a case of its own.
"""
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db, utcnow
from gdt.models import Action, Case, CaseNote, CaseParty, Meeting, Referral, Report, User
from gdt.services.core import access, audit
from gdt.services.core.errors import Forbidden, NotFound, ServiceError
from gdt.services.core.lifecycle import allows, record_report_event, transition_case, transition_report
from gdt.services.core.transaction import check_version, joins_unit_of_work, unit_of_work
from gdt.services.intake.report_intake import same_address
from gdt.services.retention import rules as retention_rules
from gdt.services.triage import claims


def candidates(case: Case, limit: int = 20) -> list[Report]:
    """Untriaged reports at the addresses of the case's reports: the ones a coordinator most likely adds."""
    if not case.reports:
        return []
    at_any_address = sa.or_(*(same_address(Report, report) for report in case.reports))
    return list(db.session.scalars(sa.select(Report).where(Report.status == "received", at_any_address)
                                   .order_by(Report.received_at.desc()).limit(limit)))


def is_at_case_address(case: Case, report: Report) -> bool:
    """Whether the report concerns an address of the case's reports (a case without reports has none to differ)."""
    if not case.reports:
        return True
    at_any_address = sa.or_(*(same_address(Report, other) for other in case.reports))
    return db.session.scalar(sa.select(sa.func.count()).select_from(Report)
                             .where(Report.id == report.id, at_any_address)) > 0


def addresses(case: Case) -> list[str]:
    """The distinct addresses of the case's reports, in the order they came in."""
    return list(dict.fromkeys(report.display_address for report in case.reports))


def add_report(case: Case, reference: str | None, *, actor: User, seen_version: int | None,
               other_address: bool = False) -> Report:
    """An untriaged report joins the case: triaged as escalated into it, with the history on both sides.

    A report about another address joins only when the coordinator confirms it (`other_address`): a typo in the
    reference would otherwise put one household's report into another's case without a word.
    """
    report = db.session.scalar(sa.select(Report).where(Report.reference == (reference or "").strip().upper()))
    if report is None:
        raise NotFound(_l("Er is geen melding met dit kenmerk."), field="report")
    with unit_of_work():
        _check(case, actor, seen_version)
        if report.status != "received":
            raise ServiceError(_l("Alleen een melding die nog niet is beoordeeld kan aan een casus worden "
                                  "toegevoegd; voeg anders de casussen samen."), field="report")
        elsewhere = not is_at_case_address(case, report)
        if elsewhere and not other_address:
            raise ServiceError(_l(
                "Melding %(reference)s gaat over %(address)s, een ander adres dan de meldingen in deze casus "
                "(%(case_addresses)s). Voeg haar alleen toe als het om dezelfde situatie gaat, en bevestig dat "
                "hieronder.", reference=report.reference, address=report.display_address,
                case_addresses="; ".join(addresses(case))), field="other_address", code="other_address")
        claims.check_before_triage(report, actor)  # adding it is its triage: a colleague's claim holds it
        claims.end_on_triage(report)
        report.case = case
        report.triage_outcome, report.triaged_at, report.triaged_by_id = "escalated", utcnow(), actor.id
        transition_report(report, "escalate", actor, detail={"case": case.reference, "bundled": True})
        transition_case(case, "change", actor, detail={"report": report.reference, "bundled": True}
                        | ({"other_address": True} if elsewhere else {}))
        if report.received_at < case.received_at:
            case.received_at = report.received_at  # counts in its first report's year (docs/domain.md, "Statistics")
        case.updated_at = utcnow()
        audit.record(actor, "bundle", "case", case.reference, detail={"report": report.reference})
    return report


@dataclass(frozen=True)
class MergeOutlook:
    """What a merge will do, for the page that asks to confirm it."""

    target: Case
    target_addresses: list[str]
    reports: int
    actions: int
    meetings: int
    notes: int
    partners: int


def merge_outlook(source: Case, target_reference: str | None, *, actor: User) -> MergeOutlook:
    """Check that `source` may merge into the case with this reference, and say what would move. Changes nothing
    but the audit log: the page shows the target's addresses and coordinator, a view of that case."""
    target = _merge_target(source, target_reference)
    if not access.can_edit_case(actor, source):
        raise Forbidden(_l("U heeft geen toegang tot deze casus."))
    audit.audited_view(target, actor=actor, object_type="case", object_ref=target.reference,
                       may_view=access.can_edit_case, missing=_l("Er is geen casus met dit kenmerk."),
                       refused=_l("U heeft geen toegang tot deze casus."))
    if not (allows(source, "merge") and target.status == "open"):
        raise ServiceError(_l("Kies een open casus om mee samen te voegen."), field="target")
    return MergeOutlook(target=target, target_addresses=addresses(target), reports=len(source.reports),
                        actions=len(source.actions), meetings=len(source.meetings), notes=len(source.notes),
                        partners=len(source.partners))


def _merge_target(source: Case, target_reference: str | None) -> Case:
    target = db.session.scalar(sa.select(Case).where(Case.reference == (target_reference or "").strip().upper()))
    if target is None:
        raise NotFound(_l("Er is geen casus met dit kenmerk."), field="target")
    if target.id == source.id:
        raise ServiceError(_l("Kies een andere casus dan deze."), field="target")
    return target


def merge(source: Case, target_reference: str | None, *, actor: User, seen_version: int | None) -> Case:
    """Move everything of `source` into the target case; `source` becomes *merged*. Returns the target."""
    target = _merge_target(source, target_reference)
    with unit_of_work():
        _check(source, actor, seen_version)
        _check(target, actor, target.version)
        source.merged_into = target  # first: the CHECK holds at the autoflush
        transition_case(source, "merge", actor, into=target, detail={"into": target.reference})
        moved = _move_everything(source, target)
        transition_case(target, "change", actor, detail={"merged": source.reference, **moved})
        for report in target.reports:
            if report.case_id == target.id and report.reference in moved["report_refs"]:
                record_report_event(report, "merge", actor, {"case": target.reference, "from": source.reference})
        target.received_at = min(target.received_at, source.received_at)
        target.updated_at = utcnow()
        retention_rules.case_merged(source, target.updated_at)
        audit.record(actor, "merge", "case", source.reference, detail={"into": target.reference})
    return target


@joins_unit_of_work
def _move_everything(source: Case, target: Case) -> dict:
    report_refs = [report.reference for report in source.reports]
    for model in (Report, CaseNote, CaseParty, Meeting, Action, Referral):
        db.session.execute(sa.update(model).where(model.case_id == source.id).values(case_id=target.id))
    involved = {link.partner_id for link in target.partners}
    for link in list(source.partners):
        if link.partner_id in involved:
            db.session.delete(link)  # already involved in the target: the target's role and contact stay
        else:
            link.case_id = target.id
    db.session.flush()
    for case in (source, target):
        db.session.expire(case, ["reports", "notes", "parties", "meetings", "actions", "referrals", "partners"])
    return {"reports": len(report_refs), "report_refs": report_refs}


def _check(case: Case, actor: User, seen_version: int | None) -> None:
    if not access.can_edit_case(actor, case):
        raise Forbidden(_l("U heeft geen toegang tot deze casus."))
    check_version(case, seen_version)
