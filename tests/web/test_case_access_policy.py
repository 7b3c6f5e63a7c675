"""Who sees what of a case: every role × every object of the workspace, through the pages and the links."""
from datetime import UTC, datetime, timedelta

import pytest

from gdt.services.casework import meetings
from gdt.services.casework.cases import add_note, involve_partner
from gdt.services.core import partner_links
from gdt.services.triage import report_triage
from tests.links import follow_link

PAGES = {  # object: url template
    "case page": "/cases/{case}",
    "partner case page": "/partner/casussen/{case}",
    "meeting page": "/meetings/{meeting}",
    "meeting PDF (team)": "/meetings/{meeting}/verslag.pdf",
    "meeting PDF (partner)": "/partner/casussen/{case}/overleg/{meeting}.pdf",
}
SEES = {  # who: the objects that answer 200; every other object answers 403
    "coordinator": {"case page", "meeting page", "meeting PDF (team)"},
    "intake": set(), "manager": set(), "admin": set(),
    "member partner": {"partner case page", "meeting PDF (partner)"},
    "outsider partner": set(),
}


@pytest.fixture
def world(make):
    coordinator = make.user("coordinator")
    report = make.report()
    case = report_triage.escalate_report(report, "Dreiging", actor=coordinator, seen_version=report.version)
    police = make.partner("politie", name="Politie")
    involve_partner(case, "politie", None, actor=coordinator, seen_version=case.version)
    add_note(case, "Intern: alleen voor het team.", actor=coordinator)
    meeting = meetings.plan(case, datetime.now(UTC) + timedelta(days=2), "Stadhuis", ["politie"], [],
                            actor=coordinator)
    meetings.hold(meeting, attended=set(), minutes="Besproken.", decisions=[], actor=coordinator,
                  seen_version=meeting.version, earlier_than_planned=True)
    outsider = make.partner("ggz", name="GGZ")
    users = {"coordinator": coordinator, "intake": make.user("intake"), "manager": make.user("manager"),
             "admin": make.user("admin"), "member partner": make.user("partner", partner=police),
             "outsider partner": make.user("partner", partner=outsider)}
    return case, meeting, users, police, outsider


@pytest.mark.parametrize("who", SEES)
def test_each_role_sees_exactly_its_part(world, client_as, who):
    case, meeting, users, *_ = world
    client = client_as(user=users[who])
    answers = {name: client.get(url.format(case=case.reference, meeting=meeting.id)).status_code
               for name, url in PAGES.items()}
    assert answers == {name: 200 if name in SEES[who] else 403 for name in PAGES}


def test_a_case_link_works_only_for_a_partner_in_the_case(app, world):
    case, meeting, _, police, outsider = world
    visitor = app.test_client()
    url, member = follow_link(visitor, f"/casus/{partner_links.issue_for_case(case.id, police.id)}")
    assert member.status_code == 200 and "Intern: alleen voor het team." not in member.get_data(as_text=True)
    assert visitor.get(f"{url}/overleg/{meeting.id}.pdf").status_code == 200
    refused = visitor.get(f"/casus/{partner_links.issue_for_case(case.id, outsider.id)}")
    assert refused.status_code == 403 and "niet (meer) betrokken" in refused.get_data(as_text=True)
    assert app.test_client().get(f"{url}/overleg/{meeting.id}.pdf").status_code == 403  # no link session
