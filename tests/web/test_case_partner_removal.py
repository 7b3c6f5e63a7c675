"""The coordinator takes a partner off a case from the case page: confirmed first, audited, and its case link and
its users' access end at once (before, this could only be done in the database)."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from gdt.models import Action, AuditEvent, CaseEvent, LinkSession
from gdt.services.casework import cases
from gdt.services.core import partner_links
from gdt.services.core.errors import ServiceError
from gdt.services.triage import report_triage
from tests.links import follow_link


@pytest.fixture
def world(make):
    coordinator = make.user("coordinator")
    report = make.report()
    case = report_triage.escalate_report(report, "Dreiging", actor=coordinator, seen_version=report.version)
    police = make.partner("politie", name="Politie Eindhoven")
    cases.involve_partner(case, "politie", "Wijkagent", actor=coordinator, seen_version=case.version)
    return case, coordinator, police


def test_a_coordinator_confirms_and_takes_a_partner_off_the_case(app, db, make, client_as, world):
    case, coordinator, police = world
    visitor = app.test_client()
    link_url, page = follow_link(visitor, f"/casus/{partner_links.issue_for_case(case.id, police.id)}")
    assert page.status_code == 200
    member = client_as(user=make.user("partner", partner=police))
    assert member.get(f"/partner/casussen/{case.reference}").status_code == 200
    client = client_as(user=coordinator)

    case_page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    remove_url = f"/cases/{case.reference}/partners/politie/remove"
    assert remove_url in case_page and "Politie Eindhoven uit de casus halen" in case_page
    confirm = client.get(remove_url)
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Politie Eindhoven uit casus" in html
    assert "De casuslink die Politie Eindhoven per e-mail kreeg, werkt niet meer" in html
    assert "Ja, uit de casus halen" in html and "Nee, terug naar de casus" in html
    db.session.refresh(case)
    assert [link.partner.key for link in case.partners] == ["politie"]  # looking is not removing

    done = client.post(remove_url, data={"version": case.version})
    assert done.status_code == 302 and done.headers["Location"] == f"/cases/{case.reference}"
    after = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Politie Eindhoven is uit de casus gehaald. De casuslink van deze organisatie werkt niet meer." in after
    assert "Ketenpartner uit de casus gehaald" in after  # in the history

    db.session.expire_all()
    assert case.partners == []
    assert visitor.get(link_url).status_code == 403  # the open visit ended
    again = app.test_client().get(f"/casus/{partner_links.issue_for_case(case.id, police.id)}")
    assert again.status_code == 403 and "niet (meer) betrokken" in again.get_data(as_text=True)
    assert member.get(f"/partner/casussen/{case.reference}").status_code == 403
    assert db.session.scalar(sa.select(LinkSession.ended_at).where(LinkSession.case_id == case.id)) is not None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "remove_partner"))
    assert event.object_ref == case.reference and event.actor_id == coordinator.id
    assert event.detail == {"partner": "politie", "link_sessions_ended": 1}
    history = db.session.scalar(sa.select(CaseEvent).where(CaseEvent.event == "remove_partner"))
    assert history.detail == {"partner": "politie"} and history.actor_id == coordinator.id
    # An old tab's confirmation page: nothing left to confirm.
    stale = client.get(remove_url)
    assert stale.status_code == 302 and stale.headers["Location"] == f"/cases/{case.reference}"


def test_a_partner_with_open_actions_is_not_taken_off_and_the_page_says_why(db, make, client_as, world):
    case, coordinator, police = world
    db.session.add(Action(case=case, description="Huisbezoek", owner_partner=police, status="open",
                          due_at=datetime.now(UTC) + timedelta(days=5)))
    db.session.commit()
    client = client_as(user=coordinator)
    remove_url = f"/cases/{case.reference}/partners/politie/remove"
    assert "nog 1 open afspraak" in client.get(remove_url).get_data(as_text=True)
    refused = client.post(remove_url, data={"version": case.version})
    assert refused.status_code == 422 and "heeft nog open afspraken" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert [link.partner.key for link in case.partners] == ["politie"]


def test_a_stale_confirmation_is_refused_and_changes_nothing(db, client_as, world):
    case, coordinator, police = world
    seen = case.version
    cases.add_party(case, "Bewoner", "subject", None, actor=coordinator)  # a colleague changes the case meanwhile
    refused = client_as(user=coordinator).post(f"/cases/{case.reference}/partners/politie/remove",
                                               data={"version": seen})
    assert refused.status_code == 422 and "intussen door iemand anders gewijzigd" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert [link.partner.key for link in case.partners] == ["politie"]


@pytest.mark.parametrize("role", ["intake", "manager", "admin", "partner"])
def test_only_coordinators_take_partners_off_a_case(db, client_as, world, role):
    case, *_ = world
    client = client_as(role)
    assert client.get(f"/cases/{case.reference}/partners/politie/remove").status_code == 403
    assert client.post(f"/cases/{case.reference}/partners/politie/remove", data={"version": case.version}) \
        .status_code == 403
    db.session.expire_all()
    assert len(case.partners) == 1


def test_a_closed_case_can_still_lose_a_partner_and_one_not_in_the_case_is_refused(db, make, world):
    case, coordinator, police = world
    cases.close_case(case, "de-escalated", None, actor=coordinator, seen_version=case.version)
    assert cases.remove_partner(case, "politie", actor=coordinator, seen_version=case.version) == police
    other = make.case()
    with pytest.raises(ServiceError):
        cases.remove_partner(other, "politie", actor=coordinator, seen_version=other.version)
