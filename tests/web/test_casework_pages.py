"""The coordinator runs a case through the pages; the partner follows its part through its link or page."""
from datetime import datetime, timedelta

import pytest

from gdt.db import AMSTERDAM
from gdt.models import AuditEvent
from gdt.services.casework import actions, cases, meetings
from gdt.services.core import partner_links
from gdt.services.triage import report_triage
from tests.links import follow_link


@pytest.fixture
def coordinator(make):
    return make.user("coordinator")


@pytest.fixture
def case(make, coordinator):
    report = make.report()
    opened = report_triage.escalate_report(report, "Dreiging", actor=coordinator, seen_version=report.version)
    make.partner("politie", name="Politie", email="wijkagent@politie.example")
    cases.involve_partner(opened, "politie", "Wijkagent", actor=coordinator, seen_version=opened.version)
    return opened


def today_local() -> str:
    return datetime.now(AMSTERDAM).date().isoformat()


def next_week_local() -> str:
    return (datetime.now(AMSTERDAM) + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")


def test_a_coordinator_plans_and_holds_a_meeting_whose_decisions_become_actions(db, case, coordinator, client_as,
                                                                                 inbox):
    client = client_as(user=coordinator)
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "Plan van aanpak" in page and "Overleg plannen" in page
    planned = client.post(f"/cases/{case.reference}/meetings", data={
        "meetings-version": case.version, "meetings-starts_at": next_week_local(), "meetings-location": "Stadhuis",
        "meetings-partners": ["politie"], "meetings-people": "Buurtbemiddelaar, Huismeester"})
    assert planned.status_code == 302, planned.get_data(as_text=True)
    meeting = case.meetings[0]
    assert [invitee.label for invitee in meeting.invitees] == ["Politie", "Buurtbemiddelaar", "Huismeester"]
    assert len(inbox.received) == 1

    page = client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    assert "Agenda" in page and "Overleg vastleggen" in page
    held = client.post(f"/meetings/{meeting.id}/hold", data={
        "hold-version": meeting.version, "hold-attended": [str(meeting.invitees[0].id)],
        "hold-held_on": today_local(), "hold-earlier_than_planned": "y",
        "hold-minutes": "Situatie besproken; afspraken gemaakt.",
        "hold-decisions-0-description": "Huisbezoek door de wijkagent", "hold-decisions-0-owner": "partner:politie",
        "hold-decisions-0-working_days": "5", "hold-decisions-1-description": "", "hold-decisions-2-description": ""})
    assert held.status_code == 302, held.get_data(as_text=True)
    db.session.expire_all()
    assert meeting.status == "held" and [action.description for action in case.actions] == [
        "Huisbezoek door de wijkagent"
    ]
    pdf = client.get(f"/meetings/{meeting.id}/verslag.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf" and pdf.data[:4] == b"%PDF"


def test_a_decision_without_an_owner_is_shown_next_to_its_row(db, case, coordinator, client_as):
    meeting = meetings.plan(
        case, datetime.now(AMSTERDAM) + timedelta(days=2), "Stadhuis", ["politie"], [], actor=coordinator
    )
    page = client_as(user=coordinator).post(
        f"/meetings/{meeting.id}/hold",
        data={
            "hold-version": meeting.version,
            "hold-held_on": today_local(),
            "hold-earlier_than_planned": "y",
            "hold-decisions-0-description": "Iets doen",
            "hold-decisions-0-owner": "",
            "hold-decisions-0-working_days": "5",
        },
    )
    assert page.status_code == 422 and "Kies wie de afspraak uitvoert." in page.get_data(as_text=True)
    db.session.expire_all()
    assert meeting.status == "planned"


def test_closing_with_open_actions_asks_to_settle_or_carry_them_over_and_keeps_the_input(
    db, case, coordinator, client_as
):
    actions.agree(case, "Huisbezoek", owner="partner:politie", working_days=5, actor=coordinator)
    client = client_as(user=coordinator)
    refused = client.post(
        f"/cases/{case.reference}/close",
        data={"close-version": case.version, "close-result": "de-escalated", "close-note": "Rust teruggekeerd."},
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Er staan nog afspraken open" in html and "Rust teruggekeerd." in html
    closed = client.post(
        f"/cases/{case.reference}/close",
        data={"close-version": case.version, "close-result": "de-escalated", "close-carry_over": "y"},
    )
    db.session.expire_all()
    assert closed.status_code == 302 and case.status == "closed" and case.actions[0].carried_over
    reopened = client.post(
        f"/cases/{case.reference}/reopen", data={"reopen-version": case.version, "reopen-reason": "Nieuwe incidenten."}
    )
    db.session.expire_all()
    assert reopened.status_code == 302 and case.status == "open"


def test_a_stale_case_form_keeps_the_input_and_says_what_happened(db, case, coordinator, client_as):
    seen = case.version
    cases.decide_mode(case, "regie", actor=coordinator, seen_version=seen)
    page = client_as(user=coordinator).post(
        f"/cases/{case.reference}/reopen", data={"reopen-version": seen, "reopen-reason": "x"}
    )
    assert page.status_code in (409, 422)
    stale = client_as(user=coordinator).post(
        f"/cases/{case.reference}/parties",
        data={"parties-version": seen, "parties-name": "Karel", "parties-role": "subject"},
    )
    assert stale.status_code == 302  # appending a person needs no version


def test_bundling_and_merging_through_the_case_page(db, case, coordinator, client_as, make):
    loose = make.report(postcode=case.reports[0].postcode, house_number=case.reports[0].house_number)
    client = client_as(user=coordinator)
    assert loose.reference in client.get(f"/cases/{case.reference}").get_data(as_text=True)  # a candidate
    assert (
        client.post(
            f"/cases/{case.reference}/bundle", data={"bundle-version": case.version, "bundle-report": loose.reference}
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert loose.case == case

    other_report = make.report()
    other = report_triage.escalate_report(other_report, "x", actor=coordinator, seen_version=other_report.version)
    asked = client.post(
        f"/cases/{other.reference}/merge", data={"merge-version": other.version, "merge-target": case.reference}
    )
    assert asked.status_code == 200 and "Ja, samenvoegen" in asked.text and other.status == "open"
    merged = client.post(
        f"/cases/{other.reference}/merge",
        data={"merge-version": other.version, "merge-target": case.reference, "merge-confirmed": "y"},
    )
    db.session.expire_all()
    assert merged.status_code == 302 and merged.headers["Location"].endswith(f"/cases/{case.reference}")
    assert other.status == "merged" and other_report.case == case
    assert "Deze casus is samengevoegd met" in client.get(f"/cases/{other.reference}").get_data(as_text=True)


def test_the_partner_follows_its_part_through_the_link(db, case, coordinator, make, app):
    cases.add_note(case, "Intern: zorgen over de kinderen.", actor=coordinator)
    cases.add_note(case, "Gedeeld: bewoner werkt mee.", actor=coordinator, shareable=True)
    meeting = meetings.plan(
        case, datetime.now(AMSTERDAM) + timedelta(days=2), "Stadhuis", ["politie"], [], actor=coordinator
    )
    meetings.hold(
        meeting,
        attended={meeting.invitees[0].id},
        minutes="Besproken.",
        decisions=[meetings.Decision("Huisbezoek", "partner:politie", 5)],
        actor=coordinator,
        seen_version=meeting.version,
        earlier_than_planned=True,
    )
    mine = case.actions[0]
    coordinators_own = actions.agree(
        case, "Verhuurder bellen", owner=f"user:{coordinator.id}", working_days=5, actor=coordinator
    )
    police = case.partners[0].partner
    visitor = app.test_client()
    url, page = follow_link(visitor, f"/casus/{partner_links.issue_for_case(case.id, police.id)}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    assert "Gedeeld: bewoner werkt mee." in html and "zorgen over de kinderen" not in html and "Besproken." in html
    assert "Dreiging" not in html  # the triage reasoning stays internal

    updated = visitor.post(
        f"{url}/afspraken/{mine.id}",
        data={
            f"action-{mine.id}-version": mine.version,
            f"action-{mine.id}-outcome": "complete",
            f"action-{mine.id}-progress": "Huisbezoek afgelegd.",
        },
    )
    db.session.expire_all()
    assert updated.status_code == 302 and mine.status == "done"
    assert (
        visitor.post(
            f"{url}/afspraken/{coordinators_own.id}",
            data={
                f"action-{coordinators_own.id}-version": coordinators_own.version,
                f"action-{coordinators_own.id}-outcome": "complete",
            },
        ).status_code
        == 403
    )
    pdf = visitor.get(f"{url}/overleg/{meeting.id}.pdf")
    assert pdf.status_code == 200 and pdf.data[:4] == b"%PDF"
    assert (
        db.session.query(AuditEvent).filter_by(object_type="case", action="view", object_ref=case.reference).count()
        >= 1
    )


def test_partner_users_see_only_cases_their_organisation_takes_part_in(db, case, make, client_as):
    member = client_as(user=make.user("partner", partner=case.partners[0].partner))
    outsider = client_as(user=make.user("partner", partner=make.partner("ggz", name="GGZ")))
    assert case.reference in member.get("/partner/casussen").get_data(as_text=True)
    assert member.get(f"/partner/casussen/{case.reference}").status_code == 200
    assert case.reference not in outsider.get("/partner/casussen").get_data(as_text=True)
    assert outsider.get(f"/partner/casussen/{case.reference}").status_code == 403


def test_the_start_page_lists_my_cases_with_overdue_work_first(db, case, coordinator, make, client_as):
    cases.assign_coordinator(case, coordinator.id, actor=coordinator, seen_version=case.version)
    late = actions.agree(case, "Huisbezoek", owner="partner:politie", working_days=0, actor=coordinator)
    late.due_at = late.due_at - timedelta(days=30)
    db.session.commit()
    html = client_as(user=coordinator).get("/start").get_data(as_text=True)
    assert "Mijn open casussen" in html and case.reference in html and "Afspraken te laat in mijn casussen" in html
