"""Demo data: the yearly shape of the 2019 annual report for the years up to today, one login per role, partners
with reserved addresses, a few overdue items, idempotent with if_empty."""
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from gdt.db import AMSTERDAM, utcnow
from gdt.models import AuditEvent, Case, CaseEvent, Partner, Report, ReportEvent, User
from gdt.services.admin import users
from gdt.services.casework import worklist
from gdt.services.core import auth
from gdt.services.core.errors import ServiceError
from gdt.services.core.reference_numbers import REFERENCE_PATTERN, next_reference
from gdt.services.demo import demo_data
from gdt.validation import normalise_postcode

DEMO_EMAILS = {email: role for role, email, _name, _password in demo_data.DEMO_LOGINS}


def in_year(year: int):
    return sa.and_(Report.received_at >= datetime(year, 1, 1, tzinfo=AMSTERDAM),
                   Report.received_at < datetime(year + 1, 1, 1, tzinfo=AMSTERDAM))


def count(db, query) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


@pytest.fixture
def loaded(db):
    return demo_data.load_demo(year=2025, reports=500, if_empty=False)


def test_demo_loads_the_requested_year_in_the_shape_of_the_annual_report(db, loaded):
    resident = sa.select(Report).where(in_year(2025), Report.channel != "partner")
    assert (loaded.loaded, loaded.years, loaded.reports) == (True, [2025], 500)
    assert count(db, resident) == 500
    assert 0.75 <= count(db, resident.where(Report.channel == "app")) / 500 <= 0.85
    escalated = count(db, resident.where(Report.triage_outcome == "escalated"))
    assert escalated == loaded.cases and 0.04 <= escalated / 500 <= 0.08
    assert count(db, resident.where(Report.triage_outcome == "referred")) == 500 - escalated
    referred_to = db.session.execute(
        sa.select(Report.referred_partner_id, sa.func.count()).where(Report.triage_outcome == "referred")
        .group_by(Report.referred_partner_id).order_by(sa.func.count().desc())).all()
    assert referred_to[0][1] / (500 - escalated) > 0.5 and len(referred_to) > 3  # mostly Ruimtelijk Domein

    from_reports = sa.select(Case).where(Case.source == "report")
    advice = count(db, from_reports.where(Case.mode == "advice"))
    assert 0.4 <= advice / escalated <= 0.65
    partner_cases = count(db, sa.select(Case).where(Case.source == "partner"))
    assert partner_cases == loaded.partner_registrations and 0.2 <= partner_cases / escalated <= 0.5
    closed = count(db, sa.select(Case).where(Case.status == "closed", Case.result.is_not(None)))
    assert closed / (escalated + partner_cases) > 0.6
    assert count(db, sa.select(Case).where(Case.coordinator_id.is_(None))) == 0


def test_demo_gives_the_intake_queue_recent_work_and_realistic_addresses(db, loaded):
    this_year = utcnow().astimezone(AMSTERDAM).year
    queue = db.session.scalars(sa.select(Report).where(Report.status == "received")).all()
    assert len(queue) == loaded.untriaged > 0
    assert all(report.received_at.astimezone(AMSTERDAM).year == this_year for report in queue)
    reports = db.session.scalars(sa.select(Report)).all()
    assert all(normalise_postcode(r.postcode) == r.postcode and 5611 <= int(r.postcode[:4]) <= 5658 for r in reports)
    assert all(r.city == "Eindhoven" and r.street and r.description for r in reports)
    repeats = db.session.execute(sa.select(Report.postcode, Report.house_number).group_by(
        Report.postcode, Report.house_number).having(sa.func.count() >= 3)).all()
    assert len(repeats) >= 5  # the address history has something to show
    assert any(r.reporter_is_anonymous for r in reports) and any(r.reporter_name for r in reports)
    located = [r for r in reports if r.wijk_code]  # the statistics page has wijken and buurten to show
    assert 0.8 < len(located) / len(reports) < 1
    assert all(r.buurt_code.startswith("BU" + r.wijk_code[2:]) for r in located)
    assert len({r.wijk_code for r in located}) > 5


def test_demo_writes_history_references_and_one_audit_event(db, loaded):
    reports = db.session.scalars(sa.select(Report)).all()
    events = db.session.scalars(sa.select(ReportEvent.event)).all()
    assert events.count("register") == len(reports)
    assert events.count("refer") + events.count("escalate") == sum(r.triage_outcome is not None for r in reports)
    case_events = set(db.session.scalars(sa.select(CaseEvent.event)))
    assert {"open", "assign_coordinator", "decide_mode", "close"} <= case_events
    references = [r.reference for r in reports] + list(db.session.scalars(sa.select(Case.reference)))
    assert len(set(references)) == len(references) and all(REFERENCE_PATTERN.fullmatch(r) for r in references)
    highest = max(int(r[-6:]) for r in references if r.startswith("GDT-2025-"))
    assert next_reference(2025) == f"GDT-2025-{highest + 1:06d}"
    assert db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action == "demo")).all() == ["demo"]


def test_demo_is_deterministic(db):
    def snapshot(since_id: int) -> list[tuple]:
        return db.session.execute(
            sa.select(Report.received_at, Report.channel, Report.postcode, Report.house_number, Report.triage_outcome,
                      Report.reporter_name).where(Report.id > since_id, in_year(2024)).order_by(Report.id)).all()

    demo_data.load_demo(year=2024, reports=120, if_empty=False)
    first_max = db.session.scalar(sa.select(sa.func.max(Report.id)))
    demo_data.load_demo(year=2024, reports=120, if_empty=False)

    assert snapshot(0)[:len(snapshot(first_max))] == snapshot(first_max)
    assert len(snapshot(first_max)) > 120  # partner registrations come on top


def test_demo_creates_one_login_per_role_once_and_leaves_existing_accounts_alone(db, make):
    admin = make.user(role="admin", email="admin@gdt.example", name="Echte Beheerder")
    admin_hash = admin.password_hash

    first = demo_data.load_demo(year=2025, reports=0, if_empty=False)
    second = demo_data.load_demo(year=2025, reports=0, if_empty=False)

    accounts = db.session.scalars(sa.select(User).where(User.email.in_(DEMO_EMAILS))).all()
    assert {user.email: user.role for user in accounts} == DEMO_EMAILS
    assert (admin.name, admin.password_hash) == ("Echte Beheerder", admin_hash)
    assert [login.created for login in first.logins] == [True, True, True, False, True, True, True]
    assert not any(login.created for login in second.logins)
    role, email, _name, password = demo_data.DEMO_LOGINS[1]
    assert auth.authenticate(email, password).role == role == "coordinator"
    _role, email, _name, password = demo_data.DEMO_LOGINS[4]
    assert auth.authenticate(email, password).partner.key == demo_data.DEMO_PARTNER


def test_if_empty_loads_nothing_when_reports_exist_but_still_lists_the_logins(db, loaded):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Report))

    again = demo_data.load_demo(year=2025, reports=500, if_empty=True)

    assert not again.loaded
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == before
    text = again.describe()
    assert "already present" in text
    assert all(email in text for email in DEMO_EMAILS) and "demo-intake-2026!" in text


def test_describe_says_what_was_loaded_and_lists_every_login(loaded):
    text = loaded.describe()
    assert "2025" in text and "500 reports" in text
    for role, email, _name, password in demo_data.DEMO_LOGINS:
        assert role in text and email in text and password in text


def test_by_default_the_current_year_up_to_today_and_the_two_before(db):
    summary = demo_data.load_demo(year=None, reports=300, if_empty=True)

    this_year = utcnow().astimezone(AMSTERDAM).year
    assert summary.years == [this_year - 2, this_year - 1, this_year]
    assert db.session.scalar(sa.select(sa.func.max(Report.received_at))) <= utcnow()
    assert db.session.scalar(sa.select(sa.func.max(Case.opened_at))) <= utcnow()
    assert count(db, sa.select(Report).where(in_year(this_year - 1), Report.channel != "partner")) == 300
    before = count(db, sa.select(Report).where(in_year(this_year - 2), Report.channel != "partner"))
    assert 250 < before < 300  # fewer the year before: the statistics page compares two different years


def test_the_years_follow_the_day_it_runs_with_reports_up_to_that_day(db):
    today = datetime(2025, 3, 10, 14, 0, tzinfo=UTC)

    summary = demo_data.load_demo(year=None, reports=1000, if_empty=False, now=today)

    assert summary.years == [2023, 2024, 2025]
    assert db.session.scalar(sa.select(sa.func.max(Report.received_at))) <= today
    assert db.session.scalar(sa.select(sa.func.min(Report.received_at))) >= datetime(2023, 1, 1, tzinfo=AMSTERDAM)
    assert db.session.scalar(sa.select(sa.func.max(Report.triaged_at))) <= today
    assert db.session.scalar(sa.select(sa.func.max(Case.closed_at))) <= today
    so_far = count(db, sa.select(Report).where(in_year(2025), Report.channel != "partner",
                                               Report.triaged_at.is_not(None)))
    assert 150 < so_far < 250  # a fifth of a year of reports, not a whole year squeezed into ten weeks
    assert "Loaded demo data for 2023–2025" in summary.describe()


def test_a_year_in_the_future_is_refused(db):
    with pytest.raises(ServiceError):
        demo_data.load_demo(year=2026, reports=10, if_empty=False, now=datetime(2025, 6, 1, tzinfo=UTC))
    assert count(db, sa.select(Report)) == 0


def test_partners_get_reserved_example_org_addresses_but_an_admins_address_stays(db, make):
    make.partner("politie", name="Politie", email="meldpunt@politie.example")

    demo_data.load_demo(year=2025, reports=0, if_empty=False)

    addresses = dict(db.session.execute(sa.select(Partner.key, Partner.email)).all())
    assert addresses.pop("politie") == "meldpunt@politie.example"
    assert addresses and all(email == f"{key}@example.org" for key, email in addresses.items())


def test_the_start_page_shows_a_few_overdue_reviews_and_actions_not_all(db):
    demo_data.load_demo(year=None, reports=3000, if_empty=True)  # what `make run` loads

    coordinator = users.user_by_email("coordinator@gdt.example")
    sections = worklist.for_coordinator(coordinator)
    assert 3 <= sections["my_overdue_reviews"].count <= 5
    assert 3 <= sections["my_overdue_actions"].count <= 5
    assert sections["overdue_acknowledgements"].count <= 5 and sections["failed_deliveries"].count == 1
    open_cases = count(db, sa.select(Case).where(Case.status == "open", Case.coordinator_id == coordinator.id))
    assert open_cases > 4 * sections["my_overdue_reviews"].count
    reviewed = sa.select(Case).where(Case.status == "open", Case.events.any(CaseEvent.event == "review"))
    assert count(db, reviewed) > sections["my_overdue_reviews"].count  # most were reviewed in time


def test_cli_demo_loads_and_prints_the_logins(runner, db):
    result = runner.invoke(args=["demo", "--reports", "200", "--year", "2025"])

    assert result.exit_code == 0, result.output
    assert "Loaded demo data for 2025: 200 reports" in result.output
    assert "coordinator@gdt.example" in result.output
    assert count(db, sa.select(Report).where(in_year(2025), Report.channel != "partner")) == 200

    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "already present" in again.output


def test_demo_gives_partners_referrals_with_feedback_and_one_failed_delivery(db, loaded):
    from gdt.models import Referral
    rows = db.session.execute(sa.select(Referral.status, Referral.delivery_status, sa.func.count())
                              .group_by(Referral.status, Referral.delivery_status)).all()
    counts = {(status, delivery): count for status, delivery, count in rows}
    assert counts[("awaiting", "failed")] == 1 and counts[("taken_on", "sent")] > 0 and counts[("awaiting", "sent")] > 0
    assert sum(counts.values()) == 40
    referred = db.session.scalars(sa.select(Referral).where(Referral.delivery_status == "sent").limit(5)).all()
    assert all(referral.report.status == "referred" and referral.acknowledge_due_at for referral in referred)


def test_demo_gives_running_regie_cases_meetings_actions_and_people(db):
    from gdt.models import Action, Meeting
    demo_data.load_demo(year=None, reports=3000, if_empty=False)  # the default: enough running regie cases
    statuses = dict(db.session.execute(sa.select(Meeting.status, sa.func.count()).group_by(Meeting.status)).all())
    assert statuses.get("held") == statuses.get("planned") > 0
    actions = db.session.scalars(sa.select(Action)).all()
    assert actions and all(action.status == "open" and action.case.status == "open" and action.owner_partner
                           for action in actions)
    assert all(action.owner_partner_id in {link.partner_id for link in action.case.partners} for action in actions)


def test_demo_fills_the_indicator_table_once(db, loaded):
    from gdt.services.reporting import indicator_table, indicators
    assert [indicator.key for indicator in indicators.list_indicators()][:2] == ["meldingen-woonoverlast",
                                                                                 "aandeel-escalatie"]
    demo_data.load_demo(year=2025, reports=0, if_empty=False)
    assert len(indicators.list_indicators()) == 5
    table = indicator_table.table(range(2021, 2026))
    police = next(row for row in table.rows if row.key == "politie-incidenten")
    assert [int(cell.value) for cell in police.cells[:4]] == [365, 261, 463, 669]
    reports_row = next(row for row in table.rows if row.key == "meldingen-woonoverlast")
    from gdt.services.reporting import statistics
    assert reports_row.cells[-1].value == statistics.yearly_statistics(2025)["reports"]["total"]  # computed


def test_every_demo_area_gets_a_name_and_an_imported_name_stays(db):
    from gdt.models import Area
    from gdt.services.core import areas

    areas.add_missing_names({"WK077201": "Centrum (door de gemeente)"}, actor=None)
    demo_data.load_demo(year=2025, reports=300, if_empty=False)
    codes = {code for pair in db.session.execute(sa.select(Report.wijk_code, Report.buurt_code)) for code in pair
             if code}
    names = dict(db.session.execute(sa.select(Area.code, Area.name)).all())
    assert codes and codes <= set(names)
    assert names["WK077201"] == "Centrum (door de gemeente)" and names["BU07720102"] == "Witte Dame"
    assert sum(code.startswith("WK") for code in names) == 12 and sum(code.startswith("BU") for code in names) == 48


def test_every_triaged_demo_report_carries_the_reason_written_at_triage(db, loaded):
    escalated = db.session.scalars(sa.select(Report.triage_reason).where(Report.triage_outcome == "escalated")).all()
    referred = db.session.scalars(sa.select(Report.triage_reason).where(Report.triage_outcome == "referred")).all()
    assert escalated and all(escalated) and set(escalated) <= {*demo_data.ESCALATION_REASONS.values(),
                                                                demo_data.ESCALATION_REASON}
    assert referred and set(referred) == {demo_data.REFERRAL_REASON}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report).where(
        Report.triage_outcome.is_(None), Report.triage_reason.is_not(None))) == 0
