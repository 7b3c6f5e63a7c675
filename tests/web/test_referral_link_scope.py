"""A referral's link shows what was shared when it was made, and only until the partner's final answer.

Found in a security review: a partner receiving advice on a case saw, through its link, a report bundled into the
case after the referral (the reporter's contact included) without being a member of the case; and a handled
referral's link kept showing the description and the reporter's contact until it expired.
"""
import pytest

from gdt.services.casework import bundling
from gdt.services.core import partner_links
from gdt.services.referrals import feedback, routing
from gdt.services.triage import report_triage
from tests.links import follow_link


@pytest.fixture
def advice(make):
    """Advice on a case handed to GGZ, which is not a member of the case; then a later report is bundled in."""
    coordinator = make.user("coordinator")
    first = make.report(description="Harde muziek, elke nacht.", reporter_name="Anna Eerst",
                        reporter_email="anna@example.nl", reporter_may_contact=True)
    case = report_triage.escalate_report(first, "Dreiging", actor=coordinator, seen_version=first.version)
    ggz = make.partner("ggz", name="GGZ Eindhoven")
    referral = routing.refer_case(case, "ggz", "Kunt u de bewoner benaderen?", actor=coordinator,
                                  seen_version=case.version)
    later = make.report(description="Bedreigd in het trappenhuis.", reporter_name="Bert Later",
                        reporter_email="bert.later@example.nl", reporter_may_contact=True,
                        postcode=first.postcode, house_number=first.house_number)
    bundling.add_report(case, later.reference, actor=coordinator, seen_version=case.version)
    return referral, first, later, ggz, coordinator


def test_an_advice_link_shows_the_reports_shared_at_referral_time_not_ones_bundled_later(app, db, advice):
    referral, first, later, ggz, _ = advice
    assert [report.reference for report in referral.case.reports] == [first.reference, later.reference]
    assert referral.shared_reports == [first]
    _, page = follow_link(app.test_client(), f"/doorverwijzing/{partner_links.issue(referral)}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and first.reference in html and "anna@example.nl" in html
    assert later.reference not in html and "Bedreigd in het trappenhuis" not in html
    assert "bert.later@example.nl" not in html and "Bert Later" not in html


def test_a_partner_user_sees_the_same_shared_reports_on_its_own_page(db, make, client_as, advice):
    referral, first, later, ggz, _ = advice
    html = client_as(user=make.user("partner", partner=ggz)).get(
        f"/partner/doorverwijzingen/{referral.id}").get_data(as_text=True)
    assert first.reference in html and later.reference not in html and "bert.later@example.nl" not in html


def test_a_report_referral_shares_its_own_report(db, make):
    police = make.partner("politie")
    report = make.report()
    coordinator = make.user("coordinator")
    report_triage.refer_report(report, "politie", "Burenruzie.", actor=coordinator, seen_version=report.version)
    [referral] = report.referrals
    assert referral.shared_reports == [report] and referral.partner == police


@pytest.mark.parametrize(("answer", "shown"), [
    ({"action": "handle", "outcome": "resolved", "note": "Gesprek gevoerd."}, ["Opgelost", "Gesprek gevoerd."]),
    ({"action": "return_to_team", "reason": "Er speelt meer."}, ["Teruggegeven aan het team", "Er speelt meer."]),
])
def test_after_the_final_answer_the_link_shows_only_the_reference_and_that_answer(app, db, make, answer, shown):
    police = make.partner("politie", name="Politie Eindhoven")
    report = make.report("referred", referred_partner=police, description="Geschreeuw in het trappenhuis",
                         reporter_name="Jan Jansen", reporter_email="jan@example.nl", reporter_phone="0612345678",
                         reporter_may_contact=True)
    referral = make.referral(report, partner=police, message="Graag contact met de melder.")
    visitor = app.test_client()
    url, before = follow_link(visitor, f"/doorverwijzing/{partner_links.issue(referral)}")
    assert "Geschreeuw in het trappenhuis" in before.get_data(as_text=True)

    done = visitor.post(url, data=answer | {"version": referral.version})
    assert done.status_code == 302
    for page in (visitor.get(done.headers["Location"]), visitor.get(url),
                 follow_link(app.test_client(), f"/doorverwijzing/{partner_links.issue(referral)}")[1]):
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and referral.reference in html
        for answer_text in shown:
            assert answer_text in html
        for hidden in ("Geschreeuw in het trappenhuis", "Jan Jansen", "jan@example.nl", "0612345678",
                       "Graag contact met de melder.", report.display_address):
            assert hidden not in html, hidden
        assert "alleen het kenmerk en uw antwoord blijven zichtbaar" in html
    db.session.refresh(referral)
    assert not feedback.details_visible(referral)


def test_the_partner_users_page_of_a_handled_referral_shows_only_the_reference_and_the_answer(db, make, client_as):
    police = make.partner("politie")
    referral = make.referral(make.report("referred", referred_partner=police, description="Geschreeuw",
                                         reporter_email="jan@example.nl", reporter_may_contact=True), partner=police)
    client = client_as(user=make.user("partner", partner=police))
    client.post(f"/partner/doorverwijzingen/{referral.id}",
                data={"action": "handle", "outcome": "resolved", "version": referral.version})
    html = client.get(f"/partner/doorverwijzingen/{referral.id}").get_data(as_text=True)
    assert referral.reference in html and "Opgelost" in html
    assert "Geschreeuw" not in html and "jan@example.nl" not in html
