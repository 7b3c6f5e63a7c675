"""Running a case: meetings with invitations, the plan of action, closing and reopening, bundling and merging."""
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from gdt.models import Action, Case, CaseEvent
from gdt.services.casework import actions, bundling, cases, meetings
from gdt.services.core import partner_links
from gdt.services.core.errors import Conflict, Forbidden, NotFound, ServiceError, ValidationFailed
from gdt.services.referrals import partner_view
from gdt.services.reporting import statistics
from gdt.services.triage import report_triage

NEXT_WEEK = datetime.now(UTC) + timedelta(days=7)


@pytest.fixture
def coordinator(make):
    return make.user("coordinator")


@pytest.fixture
def case(make, coordinator):
    report = make.report(description="Geschreeuw en bedreigingen in het portiek.")
    opened = report_triage.escalate_report(report, "Dreiging", actor=coordinator, seen_version=report.version)
    police = make.partner("politie", name="Politie", email="wijkagent@politie.example")
    make.partner("wijkteam", name="Wijkteam", email="wijkteam@gemeente.example")
    cases.involve_partner(opened, "politie", "Wijkagent", actor=coordinator, seen_version=opened.version,
                          contact_name="Agent De Boer", contact_phone="0612345678")
    assert police.id in {link.partner_id for link in opened.partners}
    return opened


def plan(case, coordinator, **overrides):
    arguments = dict(
        starts_at=NEXT_WEEK, location="Stadhuis, zaal 3", partner_keys=["politie"], people=["Buurtbemiddelaar"]
    )
    return meetings.plan(case, **(arguments | overrides), actor=coordinator)


def test_a_planned_meeting_invites_the_partner_by_mail_with_a_link_and_no_personal_data(db, case, coordinator, inbox):
    meeting = plan(case, coordinator)
    [(recipients, mail)] = inbox.received
    text = mail.get_content()
    assert recipients == ["wijkagent@politie.example"] and case.reference in mail["Subject"]
    link = re.search(r"http://\S+/casus/(\S+)", text).group(1)
    assert partner_links.read_case(link) == (case.id, case.partners[0].partner_id)
    for private in ("Geschreeuw", "5611", "Jan Jansen", "Agent De Boer", "Buurtbemiddelaar"):
        assert private not in text
    assert [invitee.label for invitee in meeting.invitees] == ["Politie", "Buurtbemiddelaar"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"starts_at": datetime(2020, 1, 1, tzinfo=UTC)}, "starts_at"),
        ({"starts_at": None}, "starts_at"),
        ({"location": " "}, "location"),
        ({"partner_keys": ["bestaat-niet"]}, "partners"),
    ],
)
def test_a_meeting_needs_a_future_moment_a_place_and_real_partners(db, case, coordinator, overrides, field):
    with pytest.raises(ValidationFailed) as refused:
        plan(case, coordinator, **overrides)
    assert field in refused.value.errors and case.meetings == []


def test_holding_a_meeting_records_attendance_minutes_and_decisions_as_actions(db, case, coordinator, inbox):
    meeting = plan(case, coordinator)
    police_invitee = meeting.invitees[0]
    decisions = [
        meetings.Decision("Huisbezoek door de wijkagent", "partner:politie", 5),
        meetings.Decision("Gesprek met de verhuurder", f"user:{coordinator.id}", 10),
    ]
    meetings.hold(
        meeting,
        attended={police_invitee.id},
        minutes="Situatie besproken.",
        decisions=decisions,
        actor=coordinator,
        seen_version=meeting.version,
        earlier_than_planned=True,
    )
    assert meeting.status == "held" and [invitee.attended for invitee in meeting.invitees] == [True, False]
    assert [action.description for action in meeting.decisions] == [
        "Huisbezoek door de wijkagent",
        "Gesprek met de verhuurder",
    ]
    first = meeting.decisions[0]
    assert first.owner_label == "Politie" and first.status == "open" and first.due_at > meeting.created_at
    with pytest.raises(Conflict):  # held is final
        meetings.cancel(meeting, "Te laat", actor=coordinator, seen_version=meeting.version)


def test_a_bad_decision_row_is_named_and_nothing_is_recorded(db, case, coordinator):
    meeting = plan(case, coordinator)
    with pytest.raises(ValidationFailed) as refused:
        meetings.hold(
            meeting,
            attended=set(),
            minutes="x",
            decisions=[meetings.Decision("", "partner:politie", 5)],
            actor=coordinator,
            seen_version=meeting.version,
        )
    assert "decisions.0.description" in refused.value.errors and meeting.status == "planned"


def test_a_stale_meeting_form_is_refused(db, case, coordinator):
    meeting = plan(case, coordinator)
    seen = meeting.version
    meetings.cancel(meeting, "Ziekte", actor=coordinator, seen_version=seen)
    with pytest.raises(Conflict):
        meetings.hold(meeting, attended=set(), minutes=None, decisions=[], actor=coordinator, seen_version=seen,
                      earlier_than_planned=True)


def test_the_agenda_is_the_open_actions(db, case, coordinator):
    done = actions.agree(case, "Buren uitnodigen", owner=f"user:{coordinator.id}", working_days=3, actor=coordinator)
    still = actions.agree(case, "Verhuurder bellen", owner="partner:politie", working_days=3, actor=coordinator)
    actions.update(done, outcome="complete", actor=coordinator, seen_version=done.version)
    assert meetings.agenda(plan(case, coordinator)) == [still]


def test_action_due_dates_count_working_days_and_dropping_needs_a_reason(db, case, coordinator):
    action = actions.agree(case, "Huisbezoek", owner="partner:politie", working_days=0, actor=coordinator)
    assert action.due_at.astimezone(UTC).second == 59  # the end of a (working) day, Amsterdam time
    with pytest.raises(ServiceError) as refused:
        actions.update(action, outcome="drop", actor=coordinator, seen_version=action.version)
    assert refused.value.field == "reason" and action.status == "open"
    actions.update(action, outcome="drop", reason="Bewoner verhuisd", actor=coordinator, seen_version=action.version)
    assert (action.status, action.drop_reason) == ("dropped", "Bewoner verhuisd") and action.finished_at


@pytest.mark.parametrize(
    ("owner", "days", "field"),
    [
        ("partner:bestaat-niet", 5, "owner"),
        ("", 5, "owner"),
        ("partner:politie", -1, "working_days"),
        ("partner:politie", "tien", "working_days"),
    ],
)
def test_an_action_needs_a_real_owner_and_a_sensible_deadline(db, case, coordinator, owner, days, field):
    with pytest.raises(ValidationFailed) as refused:
        actions.agree(case, "Iets", owner=owner, working_days=days, actor=coordinator)
    assert field in refused.value.errors and case.actions == []


def test_a_partner_updates_only_its_own_actions(db, case, coordinator, make):
    police_action = actions.agree(case, "Huisbezoek", owner="partner:politie", working_days=5, actor=coordinator)
    own_action = actions.agree(
        case, "Verhuurder bellen", owner=f"user:{coordinator.id}", working_days=5, actor=coordinator
    )
    police = police_action.owner_partner
    actions.update(
        police_action,
        progress="Afspraak staat voor dinsdag.",
        actor=None,
        partner_id=police.id,
        seen_version=police_action.version,
    )
    assert police_action.progress.startswith("Afspraak")
    with pytest.raises(Forbidden):
        actions.update(
            own_action, outcome="complete", actor=None, partner_id=police.id, seen_version=own_action.version
        )
    stranger = make.user("partner", partner=make.partner("ggz", name="GGZ"))
    with pytest.raises(Forbidden):
        actions.update(police_action, outcome="complete", actor=stranger, seen_version=police_action.version)


def test_a_case_closes_only_when_its_actions_are_settled_or_carried_over(db, case, coordinator):
    action = actions.agree(case, "Huisbezoek", owner="partner:politie", working_days=5, actor=coordinator)
    with pytest.raises(ServiceError) as refused:
        cases.close_case(case, "de-escalated", None, actor=coordinator, seen_version=case.version)
    assert refused.value.code == "case_close_needs_settled_actions" and case.status == "open"
    with pytest.raises(ServiceError) as needs_reason:
        cases.close_case(case, "stopped", None, actor=coordinator, seen_version=case.version, carry_over=True)
    assert needs_reason.value.field == "note"

    cases.close_case(case, "handed-over-zvh", None, actor=coordinator, seen_version=case.version, carry_over=True)
    assert case.status == "closed" and action.carried_over and action.status == "open"

    cases.reopen_case(case, "Nieuwe incidenten in het portiek.", actor=coordinator, seen_version=case.version)
    assert case.status == "open" and case.result is None and not action.carried_over
    assert case.events[-1].event == "reopen" and case.events[-1].detail["result"] == "handed-over-zvh"
    with pytest.raises(ServiceError):
        cases.close_case(case, "weggegooid", None, actor=coordinator, seen_version=case.version)


def test_bundling_adds_an_untriaged_report_once_and_statistics_count_it_once(db, case, coordinator, make):
    year = case.received_at.year
    before = statistics.yearly_statistics(year)
    extra = make.report(received_at=case.received_at + timedelta(days=2))
    assert extra in bundling.candidates(case)
    bundling.add_report(case, extra.reference.lower(), actor=coordinator, seen_version=case.version)
    assert extra.case == case and extra.status == "escalated" and extra.events[-1].detail["bundled"] is True
    after = statistics.yearly_statistics(year)
    assert after["reports"]["total"] == before["reports"]["total"] + 1  # the new report, once
    assert after["gdt"]["all_cases"]["total"] == before["gdt"]["all_cases"]["total"]  # still one case
    with pytest.raises(ServiceError):
        bundling.add_report(case, extra.reference, actor=coordinator, seen_version=case.version)
    with pytest.raises(NotFound):
        bundling.add_report(case, "GDT-1999-000001", actor=coordinator, seen_version=case.version)


def test_merging_moves_everything_and_the_statistics_count_one_case(db, case, coordinator, make):
    other_report = make.report(received_at=case.received_at - timedelta(days=1))
    other = report_triage.escalate_report(
        other_report, "Ook dreiging", actor=coordinator, seen_version=other_report.version
    )
    cases.add_note(other, "Intern: vermoeden van drugshandel.", actor=coordinator)
    actions.agree(
        other, "Woningcorporatie inlichten", owner=f"user:{coordinator.id}", working_days=5, actor=coordinator
    )
    year = case.received_at.year
    before = statistics.yearly_statistics(year)

    target = bundling.merge(other, case.reference, actor=coordinator, seen_version=other.version)
    db.session.expire_all()
    assert target == case and other.status == "merged" and other.merged_into == case
    assert {report.id for report in case.reports} >= {other_report.id} and len(case.notes) == 1
    assert [action.description for action in case.actions] == ["Woningcorporatie inlichten"]
    assert case.received_at == other_report.received_at  # the case now counts from its first report
    after = statistics.yearly_statistics(year)
    assert after["reports"] == before["reports"] and after["triage"] == before["triage"]
    assert after["gdt"]["all_cases"]["total"] == before["gdt"]["all_cases"]["total"] - 1
    events = db.session.scalars(sa.select(CaseEvent.event).where(CaseEvent.case_id == other.id)).all()
    assert events[-1] == "merge"
    with pytest.raises(Conflict):  # merged is final
        bundling.merge(other, case.reference, actor=coordinator, seen_version=other.version)
    with pytest.raises(ServiceError):
        bundling.merge(case, case.reference, actor=coordinator, seen_version=case.version)


def test_the_partner_view_holds_only_what_is_meant_for_partners(db, case, coordinator, make):
    cases.add_note(case, "Intern: zorgen over de kinderen.", actor=coordinator)
    cases.add_note(case, "Gedeeld: bewoner werkt mee.", actor=coordinator, shareable=True)
    invited = plan(case, coordinator)
    plan(case, coordinator, partner_keys=[])
    police = case.partners[0].partner
    view = partner_view.for_partner(case, police)
    assert [note.body for note in view.notes] == ["Gedeeld: bewoner werkt mee."]
    assert view.meetings == [invited]

    member, outsider = make.user("partner", partner=police), make.user("partner", partner=make.partner("ggz"))
    assert partner_view.for_user(case.reference, actor=member).case == case
    with pytest.raises(Forbidden):
        partner_view.for_user(case.reference, actor=outsider)
    with pytest.raises(Forbidden):
        partner_view.for_user(case.reference, actor=make.user("intake"))
    grant = partner_view.exchange_link(partner_links.issue_for_case(case.id, police.id))
    assert grant.path == f"/casus/{case.id}" and partner_view.open_link(case.id, grant.key).partner == police
    with pytest.raises(Forbidden):  # a link for a partner that does not take part
        partner_view.exchange_link(partner_links.issue_for_case(case.id, outsider.partner_id))
    with pytest.raises(NotFound):  # a referral link is not a case link
        partner_view.exchange_link(partner_links.issue(make.referral(partner=police)))


def test_regie_kind_only_with_regie(db, case, coordinator):
    cases.decide_mode(case, "regie", actor=coordinator, seen_version=case.version, regie_kind="proces")
    assert (case.mode, case.regie_kind) == ("regie", "proces")
    cases.decide_mode(case, "advice", actor=coordinator, seen_version=case.version, regie_kind="proces")
    assert (case.mode, case.regie_kind) == ("advice", None)


def test_parties_need_a_name_and_a_role(db, case, coordinator):
    cases.add_party(case, "Karel Jansen", "subject", "Woont op nummer 12", actor=coordinator)
    with pytest.raises(ServiceError):
        cases.add_party(case, "Iemand", "schurk", None, actor=coordinator)
    assert [(party.name, party.role) for party in case.parties] == [("Karel Jansen", "subject")]


def test_a_closed_case_takes_no_meetings_or_actions(db, case, coordinator):
    cases.close_case(case, "de-escalated", None, actor=coordinator, seen_version=case.version)
    with pytest.raises(Conflict):
        plan(case, coordinator)
    with pytest.raises(Conflict):
        actions.agree(case, "Nog iets", owner="partner:politie", working_days=5, actor=coordinator)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Action)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(Case.status == "closed")) == 1


# The day a meeting was held --------------------------------------------------------------------------------------


def _local_day(moment):
    from gdt.db import AMSTERDAM
    return moment.astimezone(AMSTERDAM).date()


def test_a_meeting_is_held_today_by_default_and_the_day_is_in_its_history(db, case, coordinator):
    meeting = plan(case, coordinator, starts_at=datetime.now(UTC) + timedelta(minutes=5))
    meeting.starts_at = datetime.now(UTC) - timedelta(minutes=1)  # its moment has come
    meetings.hold(meeting, attended=set(), minutes=None, decisions=[], actor=coordinator,
                  seen_version=meeting.version)
    assert meeting.held_on == meetings.today()
    held = [event.detail for event in case.events if (event.detail or {}).get("meeting") == "held"]
    assert held == [{"meeting": "held", "meeting_id": meeting.id, "held_on": meetings.today().isoformat(),
                     "decisions": 0}]


def test_a_meeting_held_before_its_planned_day_is_refused_unless_confirmed(db, case, coordinator):
    meeting = plan(case, coordinator)
    with pytest.raises(ValidationFailed) as refused:
        meetings.hold(meeting, attended=set(), minutes="x", decisions=[], actor=coordinator,
                      seen_version=meeting.version)
    assert list(refused.value.errors) == ["earlier_than_planned"]
    assert _local_day(NEXT_WEEK).strftime("%d-%m-%Y") in str(refused.value.errors["earlier_than_planned"])
    assert meeting.status == "planned" and meeting.held_on is None and meeting.minutes is None
    meetings.hold(meeting, attended=set(), minutes="x", decisions=[], actor=coordinator,
                  seen_version=meeting.version, earlier_than_planned=True)
    assert meeting.status == "held" and meeting.held_on == meetings.today()


@pytest.mark.parametrize("days", [1, -400])
def test_a_meeting_cannot_be_held_in_the_future_or_before_it_was_planned(db, case, coordinator, days):
    meeting = plan(case, coordinator)
    day = meetings.today() + timedelta(days=days)
    with pytest.raises(ValidationFailed) as refused:
        meetings.hold(meeting, attended=set(), minutes=None, decisions=[], actor=coordinator,
                      seen_version=meeting.version, held_on=day, earlier_than_planned=True)
    assert list(refused.value.errors) == ["held_on"] and meeting.status == "planned"


def test_every_refusal_of_a_hold_comes_at_once(db, case, coordinator):
    meeting = plan(case, coordinator)
    with pytest.raises(ValidationFailed) as refused:
        meetings.hold(meeting, attended={999999}, minutes=None, decisions=[meetings.Decision("", "iemand", 5)],
                      actor=coordinator, seen_version=meeting.version)
    assert set(refused.value.errors) == {"earlier_than_planned", "attended", "decisions.0.description",
                                         "decisions.0.owner"}


def test_a_meeting_written_as_held_without_its_day_took_place_on_its_planned_day(db, case):
    from gdt.models import Meeting
    starts = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # 2 March in Amsterdam
    meeting = Meeting(case=case, starts_at=starts, location="Stadhuis", status="held")
    db.session.add(meeting)
    db.session.flush()
    assert meeting.held_on.isoformat() == "2026-03-02"


# Invitations -----------------------------------------------------------------------------------------------------


def test_the_planning_message_names_who_was_invited_and_how(db, case, coordinator, make, inbox):
    make.partner("ggz", name="GGZ", email=None)
    cases.involve_partner(case, "ggz", None, actor=coordinator, seen_version=case.version)
    assert [partner.key for partner in meetings.default_invitees(case)] == ["politie", "ggz"]
    message = meetings.planned_message(plan(case, coordinator, partner_keys=["politie", "ggz"], people=["Bewoner"]))
    assert "per e-mail naar: Politie." in message and "nodig zelf uit: GGZ." in message
    assert "Andere genodigden krijgen geen bericht van GDT: Bewoner." in message
    nobody = meetings.planned_message(plan(case, coordinator, partner_keys=[], people=[]))
    assert "Er is geen ketenpartner uitgenodigd." in nobody and "e-mail" not in nobody


# Adding a report from elsewhere, and the merge outlook -------------------------------------------------------------


def test_a_report_about_another_address_needs_the_coordinators_confirmation(db, case, coordinator, make):
    elsewhere = make.report(postcode="9999ZZ", house_number=3)
    with pytest.raises(ServiceError) as refused:
        bundling.add_report(case, elsewhere.reference, actor=coordinator, seen_version=case.version)
    assert (refused.value.field, refused.value.code) == ("other_address", "other_address")
    assert elsewhere.case is None and elsewhere.status == "received" and elsewhere.events == []
    bundling.add_report(case, elsewhere.reference, actor=coordinator, seen_version=case.version, other_address=True)
    assert elsewhere.case == case and case.events[-1].detail["other_address"] is True


def test_the_merge_outlook_checks_the_target_and_changes_nothing(db, case, coordinator, make):
    other_report = make.report(postcode="1234AB")
    other = report_triage.escalate_report(other_report, "x", actor=coordinator, seen_version=other_report.version)
    version = other.version
    outlook = bundling.merge_outlook(other, case.reference.lower(), actor=coordinator)
    assert (outlook.target, outlook.reports, outlook.partners) == (case, 1, 0)
    assert other.status == "open" and other.version == version and other_report.case == other
    for target, field in ((other.reference, "target"), ("GDT-1999-000001", "target")):
        with pytest.raises(ServiceError) as refused:
            bundling.merge_outlook(other, target, actor=coordinator)
        assert refused.value.field == field
    cases.close_case(case, "de-escalated", None, actor=coordinator, seen_version=case.version, carry_over=True)
    with pytest.raises(ServiceError):
        bundling.merge_outlook(other, case.reference, actor=coordinator)


def test_dropping_and_finishing_actions_land_in_the_case_history(db, case, coordinator):
    action = actions.agree(case, "Huisbezoek", owner="partner:politie", working_days=5, actor=coordinator)
    actions.update(action, outcome="drop", reason="Verhuisd", actor=coordinator, seen_version=action.version)
    assert [event.detail for event in case.events[-2:]] == [
        {"action": "agreed", "action_id": action.id},
        {"action": "drop", "action_id": action.id, "via": "account"}]
