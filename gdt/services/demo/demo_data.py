"""Demo data with the shape of real GDT years (the 2019 annual report's shares), and one demo login per role.

gdt.services.demo.demo_plan decides what the years look like; this module creates the logins, gives the
default partners an address on a reserved domain and writes the plans. Rows go in with bulk inserts and
one reference-counter bump per year, so 3000 reports a year take seconds.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from gdt.db import AMSTERDAM, db, utcnow
from gdt.models import (
    Action,
    Case,
    CaseEvent,
    CaseNote,
    CasePartner,
    CaseParty,
    Category,
    Meeting,
    MeetingInvitee,
    Notification,
    Partner,
    Referral,
    Report,
    ReportEvent,
    SavedList,
    SavedListPin,
    referral_reports,
)
from gdt.services.admin import partners as partner_service
from gdt.services.admin import users
from gdt.services.core import audit, deadlines, reference_data
from gdt.services.core.bulk import bulk_insert
from gdt.services.core.errors import ServiceError
from gdt.services.core.reference_numbers import format_reference, reserve_numbers
from gdt.services.core.transaction import unit_of_work
from gdt.services.demo import demo_contact, demo_documents, demo_interventions, demo_people, demo_resident
from gdt.services.demo.demo_areas import demo_area, name_demo_areas
from gdt.services.demo.demo_plan import (
    CASE_PARTNER_ROLES,
    NOTES,
    UNTRIAGED_RECENT,
    PlannedCase,
    PlannedReport,
    Planner,
    year_sizes,
)
from gdt.services.geo.demo_points import demo_point
from gdt.services.interventions import catalogue as intervention_types
from gdt.services.letters import admin as letter_templates
from gdt.services.reporting import indicators
from gdt.services.retention import rules as retention_rules
from gdt.services.texts import admin as standard_texts

# One account per role; documented in the README. Never use these outside a demo.
DEMO_LOGINS = (
    ("intake", "intake@gdt.example", "Ingrid Intake", "demo-intake-2026!"),
    ("coordinator", "coordinator@gdt.example", "Rob Regisseur", "demo-coordinator-2026!"),
    ("manager", "manager@gdt.example", "Marieke Manager", "demo-manager-2026!"),
    ("admin", "admin@gdt.example", "Bram Beheerder", "demo-admin-2026!"),
    ("partner", "partner@gdt.example", "Wendy Wijkagent", "demo-partner-2026!"),
    ("archivist", "archivist@gdt.example", "Anouk Archivaris", "demo-archivist-2026!"),
    ("privacy", "privacy@gdt.example", "Pieter Privacy", "demo-privacy-2026!"),
)
DEMO_PARTNER = "politie"  # the organisation of the partner demo login
PARTNER_MAIL_DOMAIN = "example.org"  # reserved (RFC 2606): referral mails never reach a real organisation
DEMO_YEARS = 3  # the current year up to today and the two before it, so the statistics have a comparison


@dataclass
class DemoLogin:
    role: str
    email: str
    password: str
    created: bool


@dataclass
class DemoSummary:
    logins: list[DemoLogin]
    loaded: bool = False
    years: list[int] = field(default_factory=list)
    reports: int = 0  # resident reports received in those years
    cases: int = 0  # cases from those reports
    partner_registrations: int = 0
    untriaged: int = 0  # recent reports in the intake queue

    def describe(self) -> str:
        """What was loaded (or that nothing was), then always the logins, so `make run` shows them."""
        if self.loaded:
            years = str(self.years[0]) if len(self.years) == 1 else f"{self.years[0]}–{self.years[-1]}"
            lines = [f"Loaded demo data for {years}: {self.reports} reports, {self.cases} GDT cases from reports "
                     f"and {self.partner_registrations} partner registrations; "
                     f"{self.untriaged} recent reports await triage."]
        else:
            lines = ["Demo data already present; nothing loaded."]
        if hint := demo_resident.hint():
            lines.append(hint)
        lines.append("Demo logins (role, e-mail, password):")
        lines += [f"  {login.role:<12} {login.email:<26} {login.password}" for login in self.logins]
        return "\n".join(lines)


def load_demo(*, year: int | None, reports: int, if_empty: bool, now: datetime | None = None) -> DemoSummary:
    """Default categories, partners (with demo addresses) and demo logins; then reports unless `if_empty` finds some.

    Without `year`: the current year up to `now` (default: the clock) and the two before it, `reports` in
    the last full year and a few percent fewer or more in the others (demo_plan.year_sizes); with `year`:
    that year only. The few untriaged reports land in the last days before `now`.
    """
    now = now or utcnow()
    this_year = now.astimezone(AMSTERDAM).year
    if reports < 0 or (year or this_year) > this_year:
        raise ServiceError("Kies een aantal meldingen van 0 of meer en een jaar dat niet in de toekomst ligt.")
    years = [year] if year else list(range(this_year - DEMO_YEARS + 1, this_year + 1))
    reference_data.ensure_defaults()
    retention_rules.ensure_defaults()
    standard_texts.ensure_defaults()
    letter_templates.ensure_defaults()
    intervention_types.ensure_defaults()
    _partner_addresses()
    logins = _ensure_logins()
    name_demo_areas()
    if if_empty and db.session.scalar(sa.select(Report.id).limit(1)) is not None:
        return DemoSummary(logins=logins)
    planner = Planner(years[0], reports, now)
    plans = [plan for planned_year, size in year_sizes(years, reports, now).items()
             for plan in planner.year(planned_year, size)]
    recent = planner.untriaged(UNTRIAGED_RECENT if reports else 0)
    planner.reviews(plans, current_app.config["CASE_REVIEW_WEEKS"])
    with unit_of_work():
        _write(plans + recent, now)
        retention_rules.fill_missing_dates()  # the closed cases and referred reports get the dates closing gives
        audit.record(None, "demo", "report", None, detail={"years": years, "reports": len(plans) + len(recent)})
    _indicators(years)
    from_reports = [plan for plan in plans if plan.channel != "partner"]
    return DemoSummary(logins=logins, loaded=True, years=years, reports=len(from_reports),
                       cases=sum(plan.case is not None for plan in from_reports),
                       partner_registrations=len(plans) - len(from_reports), untriaged=len(recent))


def _indicators(years: list[int]) -> None:
    """The safety plan's indicator table: computed rows, a police figure entered by hand, historic values, targets.

    Only when there are none yet, so a second demo load leaves an admin's indicators alone.
    """
    if indicators.list_indicators():
        return
    rows = (("meldingen-woonoverlast", "Meldingen van woonoverlast", "reports_total", "count", None, ("lt", 3500)),
            ("aandeel-escalatie", "Aandeel dreigende escalatie (GDT)", "share_escalated", "percent", None, ("le", 7)),
            ("gdt-casussen", "GDT-casussen", "cases_total", "count", None, None),
            ("triagetijd", "Mediaan dagen tot triage", "median_days_to_triage", "days", None, ("lt", 3)),
            ("politie-incidenten", "Incidenten woonoverlast (politie)", "manual", "count",
             "Bron: politie-eenheid, jaarcijfers; ingevoerd door de gemeente.", ("lt", 650)))
    for key, name, source, unit, footnote, target in rows:
        indicator = indicators.create_indicator(key, name, source=source, unit=unit, footnote=footnote, actor=None)
        for year in years if target else ():
            indicators.set_target(indicator, year=year, comparator=target[0], value=target[1], actor=None)
    police = indicators.get_indicator("politie-incidenten")
    for offset, value in enumerate((365, 261, 463, 669)):  # historic figures from before the system
        indicators.set_value(police, year=years[0] - 4 + offset, value=value, actor=None)


def _partner_addresses() -> None:
    """Every default partner that has no address yet gets key@example.org, so referral mail can go out (and
    is kept locally without a mail server); an address an admin entered is never changed."""
    for key, _name, _kind in reference_data.DEFAULT_PARTNERS:
        partner = reference_data.partner_by_key(key)
        if partner is not None and not partner.email and partner.delivery_method == "email":
            partner_service.update_partner(partner, name=partner.name, email=f"{key}@{PARTNER_MAIL_DOMAIN}",
                                           kind=partner.kind, actor=None)


def _ensure_logins() -> list[DemoLogin]:
    """Create the demo accounts that are missing; an existing account is never changed."""
    logins = []
    for role, email, name, password in DEMO_LOGINS:
        created = users.user_by_email(email) is None
        if created:
            users.create_user(email, name, role, password, actor=None,
                              partner_key=DEMO_PARTNER if role == "partner" else None)
        logins.append(DemoLogin(role, email, password, created))
    return logins


# --- writing: one counter bump per year, bulk inserts ----------------------------------------------

def _write(plans: list[PlannedReport], now: datetime) -> None:
    coordinator_id = users.user_by_email("coordinator@gdt.example").id
    intake_id = users.user_by_email("intake@gdt.example").id
    categories = {category.key: category for category in db.session.scalars(sa.select(Category))}
    partners = dict(db.session.execute(sa.select(Partner.key, Partner.id)).all())
    _assign_references(plans)
    cases = [plan.case for plan in plans if plan.case is not None]
    case_ids = bulk_insert(Case, [_case_values(case, coordinator_id) for case in cases], key="reference")
    for case in cases:
        case.id = case_ids[case.reference]
    report_ids = bulk_insert(Report, [_report_values(plan, categories, partners, coordinator_id, intake_id)
                                      for plan in plans], key="reference")
    for plan in plans:
        plan.id = report_ids[plan.reference]
    bulk_insert(ReportEvent, [event for plan in plans for event in _report_events(plan, coordinator_id, intake_id)])
    bulk_insert(CaseEvent, [event for plan in plans if plan.case for event in _case_events(plan, coordinator_id)])
    bulk_insert(CasePartner, [dict(case_id=case.id, partner_id=partners[key], role=CASE_PARTNER_ROLES[key],
                                   added_at=case.mode_decided_at) for case in cases for key in case.partners])
    bulk_insert(CaseNote, [dict(case_id=case.id, author_id=coordinator_id, body=NOTES[case.mode],
                                created_at=case.mode_decided_at) for case in cases if case.mode])
    bulk_insert(Referral, _referral_values(plans, partners, coordinator_id))
    already = sa.select(referral_reports.c.referral_id).where(referral_reports.c.referral_id == Referral.id)
    shared = sa.select(Referral.id, Referral.report_id, Referral.created_at).where(  # each shares its report
        Referral.report_id.is_not(None), ~already.exists())
    db.session.execute(sa.insert(referral_reports).from_select(["referral_id", "report_id", "shared_at"], shared))
    _casework(cases, partners, coordinator_id, now)
    demo_people.add(now)  # one person in two cases, a possible duplicate pair
    demo_documents.add(now)  # documents on the running cases, some shared with their partners
    demo_interventions.add(now)  # the ladder climbed on those cases, and on the closed ones for the statistics
    demo_contact.add(now)  # questions to a resident (one answered, one open), a satisfaction answer
    demo_resident.add(now)  # that resident's logbook: two entries, one with a photo
    _notifications(cases, coordinator_id, now)
    _work_lists(coordinator_id)


# The open regie cases get what a coordinator runs them with: a held meeting with decisions, the next meeting
# planned, and the people involved, so the workspace and the partner view show real work. The first decision
# of OVERDUE_ACTIONS of them is past due; every other decision is due in the coming weeks.
DEMO_CASEWORK = 6
OVERDUE_ACTIONS = 3


def _casework(cases: list[PlannedCase], partners: dict, coordinator_id: int, now: datetime) -> None:
    """A few rows per case: plain ORM objects (the bulk path is for the thousands of reports)."""
    running = [case for case in cases if case.mode == "regie" and not case.closed_at and case.partners
               and case.mode_decided_at < now - timedelta(days=21)]  # before their held meeting
    calendar = deadlines.calendar()
    for number, case in enumerate(running[-DEMO_CASEWORK:]):
        partner_ids = [partners[key] for key in case.partners]
        held_at = _ten_oclock(calendar.add_working_days(now - timedelta(days=16 + number), 0))
        held = Meeting(case_id=case.id, starts_at=held_at, location="Stadhuis, zaal 2", status="held",
                       minutes=DEMO_MINUTES, created_by_id=coordinator_id,
                       invitees=[MeetingInvitee(partner_id=partner_id, attended=True) for partner_id in partner_ids])
        upcoming = Meeting(case_id=case.id, starts_at=_ten_oclock(calendar.add_working_days(now, 2 + number)),
                           location="Online (link in de agenda)", status="planned", created_by_id=coordinator_id,
                           invitees=[MeetingInvitee(partner_id=partner_id) for partner_id in partner_ids])
        visit_due = calendar.add_working_days(held_at, 5) if number < OVERDUE_ACTIONS else \
            calendar.add_working_days(now, 2 + number)
        decisions = [Action(case_id=case.id, meeting=held, description=description, owner_partner_id=partner_ids[0],
                            due_at=due_at, status="open")
                     for description, due_at in (("Huisbezoek en gesprek met de bewoners", visit_due),
                                                 ("Terugkoppeling in het volgende overleg",
                                                  calendar.add_working_days(now, 8 + number)))]
        parties = [CaseParty(case_id=case.id, name=name, role=role, added_at=held_at)
                   for name, role in (("Bewoner nummer 12", "subject"), ("Buren nummer 14", "reporter"))]
        db.session.add_all([held, upcoming, *decisions, *parties])


def _notifications(cases: list[PlannedCase], coordinator_id: int, now: datetime) -> None:
    """What the demo coordinator finds under Meldingen voor mij: the newest open cases, as if just assigned to them
    (only in the app: loading the demo sends no mail)."""
    newest = [case for case in cases if not case.closed_at][-3:]
    db.session.add_all([Notification(user_id=coordinator_id, kind="assigned", delivery="app", case_id=case.id,
                                     created_at=now - timedelta(hours=hours)) for hours, case in enumerate(newest)])


def _work_lists(coordinator_id: int) -> None:
    """Two work lists the demo coordinator shares with the team and has on the start page (README "Saved work
    lists"): filters only, no personal data."""
    present = set(db.session.scalars(sa.select(SavedList.name).where(SavedList.owner_id == coordinator_id)))
    lists = [SavedList(owner_id=coordinator_id, name=name, kind=kind, filters=filters, shared_with_team=True)
             for name, kind, filters in (("Open regiecasussen", "cases", {"status": "open", "mode": "regie"}),
                                         ("Triage te laat", "reports", {"age": "overdue"}))
             if name not in present]  # a second load (another year) adds none again
    db.session.add_all(lists)
    db.session.flush()
    db.session.add_all([SavedListPin(user_id=coordinator_id, list_id=saved.id) for saved in lists])


def _ten_oclock(day: datetime) -> datetime:
    """Meetings start at ten on the (working) day given, Amsterdam time."""
    return datetime.combine(day.astimezone(AMSTERDAM).date(), time(10), tzinfo=AMSTERDAM)


DEMO_MINUTES = ("Situatie besproken met alle betrokken partners. De spanning tussen de buren loopt op; "
                "de wijkagent legt een huisbezoek af en het wijkteam biedt hulp aan.")


# The last referrals of the year get delivery and feedback records, so the partner pages, the start page and
# the delivery overview have something to show: received, taken on, some unacknowledged, one failed. None is
# handled yet: that would close the report, and the partner can do it in the demo itself.
DEMO_REFERRALS = 40
FEEDBACK_CYCLE = ("taken_on", "received", "taken_on", "awaiting", "received")


def _referral_values(plans: list[PlannedReport], partners: dict, coordinator_id: int) -> list[dict]:
    referred = sorted((plan for plan in plans if plan.outcome == "referred"), key=lambda plan: plan.triaged_at)
    values = []
    for number, plan in enumerate(referred[-DEMO_REFERRALS:]):
        sent = plan.triaged_at + timedelta(minutes=2)
        status = FEEDBACK_CYCLE[number % len(FEEDBACK_CYCLE)]
        failed = number == DEMO_REFERRALS - 1
        values.append(dict(
            report_id=plan.id, partner_id=partners[plan.partner], created_by_id=coordinator_id,
            delivery_method="email", delivery_status="failed" if failed else "sent",
            delivery_attempts=6 if failed else 1, delivered_at=None if failed else sent,
            last_delivery_error="Mailserver: ConnectionRefusedError" if failed else None,
            status="awaiting" if failed else status,
            acknowledge_due_at=None if failed else deadlines.acknowledge_due(sent),
            acknowledged_at=None if failed or status == "awaiting" else sent + timedelta(days=1),
            created_at=plan.triaged_at, updated_at=sent))
    return values


def _assign_references(plans: list[PlannedReport]) -> None:
    """Ascending numbers per year in time order, drawn in one go per year."""
    by_year = defaultdict(list)
    for moment, item in [(plan.received_at, plan) for plan in plans] + \
                        [(plan.case.opened_at, plan.case) for plan in plans if plan.case]:
        by_year[moment.astimezone(AMSTERDAM).year].append((moment, item))
    for year, items in sorted(by_year.items()):
        items.sort(key=lambda pair: pair[0])
        for number, (_, item) in zip(reserve_numbers(year, len(items)), items):
            item.reference = format_reference(year, number)


def _case_values(case: PlannedCase, coordinator_id: int) -> dict:
    return dict(reference=case.reference, source=case.source, status="closed" if case.closed_at else "open",
                mode=case.mode, coordinator_id=coordinator_id, received_at=case.received_at, opened_at=case.opened_at,
                closed_at=case.closed_at, result=case.result,
                review_due_at=None if case.closed_at else deadlines.review_due(case.last_review_at or case.opened_at))


def _report_values(plan: PlannedReport, categories: dict, partners: dict, coordinator_id: int, intake_id: int) -> dict:
    street, postcode, house_number, addition = plan.address
    return dict(
        reference=plan.reference, channel=plan.channel, received_at=plan.received_at, status=plan.outcome or "received",
        triage_due_at=deadlines.triage_due(plan.received_at, categories[plan.category]),
        category_id=categories[plan.category].id, description=plan.description, postcode=postcode,
        house_number=house_number, house_number_addition=addition, street=street, city="Eindhoven",
        **demo_area(postcode, house_number), **plan.reporter,
        **demo_point(postcode, house_number, located=house_number % 10 != 0),  # as demo_area: one in ten typed
        triage_outcome=plan.outcome, triaged_at=plan.triaged_at, triaged_by_id=coordinator_id if plan.outcome else None,
        triage_reason=_triage_reason(plan),
        referred_partner_id=partners[plan.partner] if plan.partner else None,
        case_id=plan.case.id if plan.case else None, registered_by_id=intake_id if plan.channel == "phone" else None,
    )


# What the coordinator wrote at triage: "Waarom dreigt escalatie?" per category, or why it went to a partner.
ESCALATION_REASONS = {
    "intimidatie": "Bewoners voelen zich bedreigd; er is al eerder gescholden en met geweld gedreigd.",
    "verward-gedrag": "Verward gedrag met risico voor de bewoner zelf en de buren; zorg is nog niet in beeld.",
    "drugsoverlast": "Aanloop en handel in het portiek; buren durven niets meer te zeggen.",
    "verwaarlozing": "Zorgen over de bewoner en de woning; eerdere meldingen hebben niets veranderd.",
}
ESCALATION_REASON = "Herhaalde meldingen op dit adres en de spanning tussen de buren loopt op."
REFERRAL_REASON = "Geen dreigende escalatie; past bij de taak van de ketenpartner."


def _triage_reason(plan: PlannedReport) -> str | None:
    if plan.outcome == "escalated":
        return ESCALATION_REASONS.get(plan.category, ESCALATION_REASON)
    return REFERRAL_REASON if plan.outcome == "referred" else None


def _report_events(plan: PlannedReport, coordinator_id: int, intake_id: int) -> list[dict]:
    registered_by = intake_id if plan.channel == "phone" else None
    events = [dict(report_id=plan.id, occurred_at=plan.received_at, actor_id=registered_by, event="register",
                   from_status=None, to_status="received", detail={"channel": plan.channel})]
    if plan.outcome:
        event, detail = ("refer", {"partner": plan.partner}) if plan.outcome == "referred" else \
            ("escalate", {"case": plan.case.reference})
        events.append(dict(report_id=plan.id, occurred_at=plan.triaged_at, actor_id=coordinator_id, event=event,
                           from_status="received", to_status=plan.outcome, detail=detail))
    return events


def _case_events(plan: PlannedReport, coordinator_id: int) -> list[dict]:
    case = plan.case

    def event(name: str, at: datetime, to_status: str = "open", detail: dict | None = None, from_status="open") -> dict:
        return dict(case_id=case.id, occurred_at=at, actor_id=coordinator_id, event=name, from_status=from_status,
                    to_status=to_status, detail=detail)

    events = [event("open", case.opened_at, from_status=None, detail={"report": plan.reference}),
              event("assign_coordinator", case.opened_at, detail={"from": None, "to": coordinator_id})]
    if case.mode:
        events.append(event("decide_mode", case.mode_decided_at, detail={"from": None, "to": case.mode}))
        events += [event("involve_partner", case.mode_decided_at, detail={"partner": key}) for key in case.partners]
        events.append(event("add_note", case.mode_decided_at))
    if case.last_review_at:
        events.append(event("review", case.last_review_at, detail={"was_due": None}))
    if case.closed_at:
        events.append(event("close", case.closed_at, to_status="closed", detail={"result": case.result}))
    return events
