"""Retention rules (the archivist's *Bewaartermijnen*) and the dates they give cases and reports.

A rule says how many months something is kept after its retention starts and what happens then (destroy, or keep
for the archive: only a case result may be kept). The defaults follow the VNG *Selectielijst gemeenten en
intergemeentelijke organen 2020*; each names its class in `source`, and the archivist changes them on the page.

A case's date is fixed when it closes or is merged, and a report's when it is handled
(docs/decisions/0022-retention-dates-fixed-at-closing.md): a later change of a rule applies to what closes
afterwards, as the ZGW Zaken API fixes `archiefactiedatum`. Reopening clears a case's date; a report returned to
triage loses its date until it is handled again. The services that close, merge, reopen, triage and record a
partner's final answer call the functions below inside their own unit of work.
"""
import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import AMSTERDAM, UTCDateTime, db
from gdt.models import Case, CaseResult, ReferenceChange, Referral, Report, User
from gdt.models.retention import NOMINATIONS, RULE_KINDS, RetentionRule
from gdt.services.core import audit
from gdt.services.core.errors import NotFound, ServiceError, ValidationFailed
from gdt.services.core.transaction import joins_unit_of_work, unit_of_work
from gdt.validation import InvalidValue, clean_text

MONTHS_MIN, MONTHS_MAX = 1, 1200
SOURCE_MAX = 300
FALLBACK = "*"  # the case_result rule for results without a rule of their own
HISTORY_TYPE = "retention_rule"  # reference_changes.object_type
HISTORY_FIELDS = ("months", "nomination", "source")

KIND_LABELS = {
    "case_result": _l("Casus, per resultaat"),
    "case_merged": _l("Samengevoegde casus"),
    "report": _l("Melding die niet is opgepakt"),
    "contact": _l("Contactgegevens van de melder"),
    "attachments": _l("Foto's en geluid bij een melding"),
    "audit": _l("Auditlog"),
}
# What starts the clock, per kind, as the page explains it.
KIND_STARTS = {
    "case_result": _l("vanaf het sluiten van de casus"),
    "case_merged": _l("vanaf het samenvoegen"),
    "report": _l("vanaf het laatste antwoord van de ketenpartner, anders vanaf de beoordeling"),
    "contact": _l("vanaf de afhandeling van de melding"),
    "attachments": _l("vanaf de afhandeling van de melding"),
    "audit": _l("vanaf de dag van de gebeurtenis"),
}
REPORT_KEY_LABELS = {
    "referred": _l("Melding doorverwezen naar een ketenpartner"),
    "partner_registration": _l("Aanmelding van een ketenpartner, niet opgepakt"),
}
NOMINATION_LABELS = {"destroy": _l("Vernietigen"), "keep": _l("Blijvend bewaren")}
FALLBACK_LABEL = _l("Elk ander resultaat")

_SELECTIELIJST = "Selectielijst gemeenten en intergemeentelijke organen 2020"
# kind, key, months, nomination, source. The periods count from the end of the process (closing, handling).
DEFAULT_RULES = (
    ("case_result", FALLBACK, 60, "destroy", f"{_SELECTIELIJST}, 6.1 Verzoeken behandelen – ingewilligd (5 jaar)"),
    ("case_result", "de-escalated", 60, "destroy",
     f"{_SELECTIELIJST}, 6.1 Verzoeken behandelen – ingewilligd (5 jaar)"),
    ("case_result", "handled-by-partner", 60, "destroy", f"{_SELECTIELIJST}, 21.1 Adviseren – verstrekt (5 jaar)"),
    # The Zorg- en Veiligheidshuis takes over the care and safety of the person: the case holds the team's
    # social-medical findings and advice, kept as long as the care file it feeds.
    ("case_result", "handed-over-zvh", 240, "destroy",
     f"{_SELECTIELIJST}, 21.1.3 Adviseren – sociaal-medisch advies (20 jaar)"),
    ("case_result", "stopped", 12, "destroy", f"{_SELECTIELIJST}, 6.3 Verzoeken behandelen – afgebroken (1 jaar)"),
    ("case_merged", "", 12, "destroy",
     f"{_SELECTIELIJST}, 6.3 Verzoeken behandelen – afgebroken (1 jaar): de inhoud ging over naar de andere casus"),
    # Not taken on by the team: the request to the team was in effect declined and passed on (the partner keeps
    # its own file under its own rules).
    ("report", "referred", 12, "destroy", f"{_SELECTIELIJST}, 6.2 Verzoeken behandelen – afgewezen (1 jaar)"),
    ("report", "partner_registration", 12, "destroy",
     f"{_SELECTIELIJST}, 6.2 Verzoeken behandelen – afgewezen (1 jaar)"),
    ("contact", "", 12, "destroy",
     "AVG art. 5 lid 1 onder c en e: na de afhandeling is contact met de melder niet meer nodig"),
    ("attachments", "", 12, "destroy",
     "AVG art. 5 lid 1 onder c en e: foto's en geluid zijn na de afhandeling niet meer nodig"),
    ("audit", "", 60, "destroy", f"BIO 8.15 (logging); {_SELECTIELIJST}, 6.1 (5 jaar), als de zaken waarover het gaat"),
)
_BUILT_IN = {(kind, key): (months, nomination, source) for kind, key, months, nomination, source in DEFAULT_RULES}


@dataclass(frozen=True)
class Terms:
    """What a rule says, from the table or, without a row, the built-in default."""

    months: int
    nomination: str
    source: str | None
    rule_id: int | None = None  # None: the built-in default


@dataclass(frozen=True)
class RuleRow:
    """One line of the rules page: a rule, or a case result that falls back to the "*" rule."""

    kind: str
    key: str
    label: str
    rule: RetentionRule | None  # None: a case result without a rule of its own
    terms: Terms
    result_active: bool = True


# --- the rules ---------------------------------------------------------------------------------------------------

def ensure_defaults() -> int:
    """Create the default rules that are missing (never touching existing ones); the number created."""
    with unit_of_work():
        known = {tuple(row) for row in db.session.execute(sa.select(RetentionRule.kind, RetentionRule.key))}
        created = 0
        for kind, key, months, nomination, source in DEFAULT_RULES:
            if (kind, key) in known:
                continue
            rule = RetentionRule(kind=kind, key=key, months=months, nomination=nomination, source=source)
            db.session.add(rule)
            _record_change(None, rule, "create", None, _snapshot(rule))
            created += 1
    return created


def rule_for(kind: str, key: str = "") -> Terms:
    """The terms for `kind`/`key`: its rule; for a case result without one the "*" rule; else the built-in one."""
    keys = [key, FALLBACK] if kind == "case_result" else [key]
    rules = {rule.key: rule for rule in db.session.scalars(
        sa.select(RetentionRule).where(RetentionRule.kind == kind, RetentionRule.key.in_(keys)))}
    for candidate in keys:
        if candidate in rules:
            rule = rules[candidate]
            return Terms(rule.months, rule.nomination, rule.source, rule.id)
    for candidate in keys:
        if (kind, candidate) in _BUILT_IN:
            return Terms(*_BUILT_IN[(kind, candidate)])
    return Terms(*_BUILT_IN[("case_result", FALLBACK)])


def find_rule(rule_id: int | str) -> RetentionRule:
    rule = db.session.get(RetentionRule, int(rule_id)) if str(rule_id).isdigit() and len(str(rule_id)) < 10 else None
    if rule is None:
        raise NotFound(_l("Deze bewaartermijn bestaat niet."))
    return rule


def rules_overview() -> list[RuleRow]:
    """Every rule in the order of RULE_KINDS; under case results every result (inactive ones last), with or without
    a rule of its own, and the "*" rule first."""
    rules = {(rule.kind, rule.key): rule for rule in db.session.scalars(sa.select(RetentionRule))}
    results = db.session.scalars(sa.select(CaseResult).order_by(CaseResult.is_active.desc(), CaseResult.position,
                                                                 CaseResult.label)).all()
    fallback = rule_for("case_result", FALLBACK)
    rows: list[RuleRow] = []
    for kind in RULE_KINDS:
        if kind == "case_result":
            rows.append(_row(kind, FALLBACK, str(FALLBACK_LABEL), rules, fallback))
            for result in results:
                rows.append(_row(kind, result.key, result.label, rules, fallback, result.is_active))
            named = {result.key for result in results} | {FALLBACK}
            rows += [_row(kind, key, key, rules, fallback) for (k, key) in sorted(rules) if k == kind
                     and key not in named]  # a rule for a result that was deleted since
        elif kind == "report":
            rows += [_row(kind, key, str(label), rules, None) for key, label in REPORT_KEY_LABELS.items()]
        else:
            rows.append(_row(kind, "", str(KIND_LABELS[kind]), rules, None))
    return rows


def _row(kind: str, key: str, label: str, rules: Mapping, fallback: Terms | None, active: bool = True) -> RuleRow:
    rule = rules.get((kind, key))
    if rule is not None:
        terms = Terms(rule.months, rule.nomination, rule.source, rule.id)
    else:
        terms = fallback if fallback is not None else rule_for(kind, key)
    return RuleRow(kind, key, label, rule, terms, active)


def rule_label(kind: str, key: str) -> str:
    """What a reader calls the rule: the case result's label, the kind of report, or the kind."""
    if kind == "case_result":
        if key == FALLBACK:
            return str(FALLBACK_LABEL)
        label = db.session.scalar(sa.select(CaseResult.label).where(CaseResult.key == key))
        return str(_l("Casus met resultaat ‘%(result)s’", result=label or key))
    if kind == "report":
        return str(REPORT_KEY_LABELS.get(key, key))
    return str(KIND_LABELS[kind])


def update_rule(rule: RetentionRule, data: Mapping[str, Any], *, actor: User) -> RetentionRule:
    """Change a rule's months, nomination and source; what closes afterwards gets the new date."""
    months, nomination, source = _clean(rule.kind, data)
    with unit_of_work():
        before = _snapshot(rule)
        rule.months, rule.nomination, rule.source, rule.updated_by_id = months, nomination, source, actor.id
        change = _record_change(actor, rule, "update", before, _snapshot(rule))
        if change is not None:
            audit.record(actor, "update", HISTORY_TYPE, _object_key(rule),
                         detail={"fields": sorted(change.changes or {})})
    return rule


def add_case_result_rule(result_key: str | None, data: Mapping[str, Any], *, actor: User) -> RetentionRule:
    """A rule of its own for a case result that falls back to "*" so far."""
    result = db.session.get(CaseResult, result_key) if result_key else None
    if result is None:
        raise NotFound(_l("Dit resultaat bestaat niet."))
    months, nomination, source = _clean("case_result", data)
    with unit_of_work():
        if db.session.scalar(sa.select(RetentionRule.id).where(RetentionRule.kind == "case_result",
                                                               RetentionRule.key == result.key)) is not None:
            raise ServiceError(_l("Dit resultaat heeft al een eigen bewaartermijn."), code="exists")
        rule = RetentionRule(kind="case_result", key=result.key, months=months, nomination=nomination,
                             source=source, updated_by_id=actor.id)
        db.session.add(rule)
        _record_change(actor, rule, "create", None, _snapshot(rule))
        audit.record(actor, "create", HISTORY_TYPE, _object_key(rule), detail={"fields": list(HISTORY_FIELDS)})
    return rule


def _clean(kind: str, data: Mapping[str, Any]) -> tuple[int, str, str | None]:
    errors: dict[str, str] = {}
    raw_months = str(data.get("months") if data.get("months") is not None else "").strip()
    months = int(raw_months) if raw_months.isdigit() and len(raw_months) < 6 else None
    if months is None or not MONTHS_MIN <= months <= MONTHS_MAX:
        errors["months"] = str(_l("Geef een termijn in hele maanden, van %(low)d tot en met %(high)d.",
                                  low=MONTHS_MIN, high=MONTHS_MAX))
    nomination = data.get("nomination") or "destroy"
    if nomination not in NOMINATIONS:
        errors["nomination"] = str(_l("Kies vernietigen of blijvend bewaren."))
    elif nomination == "keep" and kind != "case_result":
        errors["nomination"] = str(_l("Alleen een casus kan blijvend bewaard worden; contactgegevens, bestanden en "
                                      "logboeken worden altijd vernietigd."))
    source = None
    try:
        source = clean_text(data.get("source"), max_length=SOURCE_MAX, multiline=False)
    except InvalidValue as invalid:
        errors["source"] = str(invalid.message)
    else:
        if not source:
            errors["source"] = str(_l("Noem de bron van de termijn, zoals de categorie uit de Selectielijst."))
    if errors:
        raise ValidationFailed(errors)
    return months, nomination, source


def _object_key(rule: RetentionRule) -> str:
    return f"{rule.kind}:{rule.key}" if rule.key else rule.kind


def _snapshot(rule: RetentionRule) -> dict[str, Any]:
    return {field: getattr(rule, field) for field in HISTORY_FIELDS}


@joins_unit_of_work
def _record_change(actor: User | None, rule: RetentionRule, action: str, before: dict | None,
                   after: dict) -> ReferenceChange | None:
    """The values before and after, like reference data's history (gdt.services.admin.reference_history, which
    shows it; that package sits above this one, so the row is written here)."""
    before = before or {}
    changes = {field: [before.get(field), after.get(field)] for field in HISTORY_FIELDS
               if before.get(field) != after.get(field)}
    if action == "update" and not changes:
        return None
    change = ReferenceChange(actor_id=actor.id if actor is not None else None, object_type=HISTORY_TYPE,
                             object_key=_object_key(rule), action=action, changes=changes or None)
    db.session.add(change)
    return change


def history_key(rule: RetentionRule) -> str:
    """The key of `rule`'s rows in the reference history."""
    return _object_key(rule)


# --- the dates ---------------------------------------------------------------------------------------------------

def months_after(day: date, months: int) -> date:
    """The same day `months` months later (the month's last day when that month is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def months_before(day: date, months: int) -> date:
    return months_after(day, -months)


def local_day(moment: datetime) -> date:
    return moment.astimezone(AMSTERDAM).date()


@joins_unit_of_work
def case_closed(case: Case) -> None:
    """Fix the closed case's nomination and date from its result's rule."""
    _fix(case, rule_for("case_result", case.result or FALLBACK), local_day(case.closed_at))


@joins_unit_of_work
def case_merged(case: Case, moment: datetime) -> None:
    """Fix the merged (now empty) case's date from the case_merged rule, counted from the merge."""
    _fix(case, rule_for("case_merged", ""), local_day(moment))


@joins_unit_of_work
def case_reopened(case: Case) -> None:
    """A reopened case is not due for anything until it closes again."""
    case.archive_nomination = case.destruction_due_on = None


def _fix(case: Case, terms: Terms, start: date) -> None:
    case.archive_nomination = terms.nomination
    case.destruction_due_on = None if terms.nomination == "keep" else months_after(start, terms.months)


@joins_unit_of_work
def report_handled(report: Report) -> None:
    """Fix a report's own date: referred (a resident's report, or a partner's registration not taken on) from the
    partner's final answer, else from the referral; None for a report in a case or not (or no longer) triaged."""
    start = handled_at(report)
    if report.triage_outcome != "referred" or start is None:
        report.destruction_due_on = None
        return
    terms = rule_for("report", report_key(report))
    report.destruction_due_on = months_after(local_day(start), terms.months)


def report_key(report: Report) -> str:
    return "partner_registration" if report.channel == "partner" else "referred"


def handled_at(report: Report) -> datetime | None:
    """When the report was handled: the partner's final answer on the current referral (the latest referral
    finished since the triage), else the triage; None when it is not triaged."""
    if report.triaged_at is None:
        return None
    if report.triage_outcome != "referred":
        return report.triaged_at
    answers = [referral.finished_at for referral in report.referrals
               if referral.finished_at is not None and referral.finished_at >= report.triaged_at]
    return max(answers, default=report.triaged_at)


def handled_at_column() -> sa.ColumnElement:
    """`handled_at` as SQL on reports, for the queries that run over many reports (anonymisation)."""
    answered = (sa.select(sa.func.max(Referral.finished_at))
                .where(Referral.report_id == Report.id, Referral.finished_at >= Report.triaged_at)
                .correlate(Report).scalar_subquery())
    return sa.type_coerce(sa.case((Report.triage_outcome == "referred", sa.func.coalesce(answered, Report.triaged_at)),
                                  else_=Report.triaged_at), UTCDateTime())


@joins_unit_of_work
def fill_missing_dates() -> dict[str, int]:
    """Give the closed and merged cases and the handled referred reports that have no date yet one (data loaded in
    bulk, such as the demo, or closed before the rules existed): the same dates the services fix one by one."""
    done = {"cases": 0, "reports": 0}
    cases = db.session.scalars(sa.select(Case).where(
        Case.status.in_(("closed", "merged")), Case.archive_nomination.is_(None), Case.destroyed_at.is_(None))
        .order_by(Case.id)).all()
    for case in cases:
        if case.status == "closed":
            case_closed(case)
        else:
            case_merged(case, case.updated_at)
        done["cases"] += 1
    terms = {key: rule_for("report", key) for key in REPORT_KEY_LABELS}
    rows = db.session.execute(sa.select(Report.id, Report.channel, handled_at_column()).where(
        Report.triage_outcome == "referred", Report.destruction_due_on.is_(None), Report.destroyed_at.is_(None))
        .order_by(Report.id)).all()
    updates = []
    for report_id, channel, start in rows:
        key = "partner_registration" if channel == "partner" else "referred"
        updates.append({"report_id": report_id, "due": months_after(local_day(start), terms[key].months)})
    table = Report.__table__  # Core: a date of retention is no edit of the report (no new version)
    statement = sa.update(table).where(table.c.id == sa.bindparam("report_id")).values(
        destruction_due_on=sa.bindparam("due"))
    for first in range(0, len(updates), 1000):
        db.session.execute(statement, updates[first:first + 1000])
    done["reports"] = len(updates)
    return done
