"""The team's question for the partner: asked on the referral form at triage and on a case's advice form, read by the
partner behind the mailed link and on its own pages; the team's internal reasoning never reaches a partner page."""
import pytest

from gdt.models.referrals import QUESTION_MAX
from gdt.services.casework import cases
from gdt.services.core import partner_links
from gdt.services.triage import report_triage
from tests.links import follow_link

QUESTION = "Wilt u de wijkagent bij meneer De Boer langs laten gaan?"
REASON = "Intern: de melder is zelf bekend als overlastgever."


@pytest.fixture
def police(make):
    return make.partner("politie", name="Politie Eindhoven", email="meldingen@politie.example")


def refer(client, report, **fields):
    data = {"refer-partner": "politie", "refer-reason": REASON, "refer-question": QUESTION,
            "refer-version": report.version}
    return client.post(f"/reports/{report.reference}/refer", data=data | fields)


def test_the_refer_form_asks_the_question_for_the_partner_apart_from_the_internal_reason(make, client_as, police):
    html = client_as("coordinator").get(f"/reports/{make.report().reference}").text
    assert '<label class="utrecht-form-label" for="refer-question">Vraag aan de ketenpartner</label>' in html
    assert 'aria-describedby="refer-question-description"' in html
    assert "De ketenpartner leest deze vraag via de beveiligde link (niet in de e-mail)" in html
    assert f"hoogstens {QUESTION_MAX} tekens" in html
    assert "Reden van doorverwijzing (intern)" in html and "de ketenpartner ziet dit niet" in html


def test_referring_stores_the_question_on_the_referral_and_shows_it_to_the_coordinator(db, make, client_as, police):
    report = make.report()
    client = client_as("coordinator")
    assert refer(client, report).status_code == 302
    db.session.expire_all()
    [referral] = report.referrals
    assert referral.question == QUESTION and report.triage_reason == REASON
    assert QUESTION in client.get(f"/reports/{report.reference}").text


def test_a_referral_without_a_question_is_refused_with_the_input_kept(db, make, client_as, police):
    report = make.report()
    page = refer(client_as("coordinator"), report, **{"refer-question": "  "})
    assert page.status_code == 422 and 'id="refer-question-error"' in page.text
    assert "Schrijf wat het team van de ketenpartner vraagt." in page.text and REASON in page.text
    db.session.expire_all()
    assert report.status == "received" and report.referrals == []


def test_an_overlong_question_is_refused_next_to_its_field(db, make, client_as, police):
    report = make.report()
    page = refer(client_as("coordinator"), report, **{"refer-question": "?" * (QUESTION_MAX + 1)})
    assert page.status_code == 422 and 'id="refer-question-error"' in page.text
    db.session.expire_all()
    assert report.status == "received" and report.referrals == []


def test_the_partner_reads_the_question_through_the_link_and_never_the_internal_reason(app, db, make, client_as,
                                                                                       police):
    report = make.report(description="Geschreeuw in het trappenhuis")
    refer(client_as("coordinator"), report)
    db.session.expire_all()
    [referral] = report.referrals
    _, page = follow_link(app.test_client(), f"/doorverwijzing/{partner_links.issue(referral)}")
    html = page.get_data(as_text=True)
    assert "Vraag van het team" in html and "meneer De Boer langs laten gaan" in html
    assert "Geschreeuw in het trappenhuis" in html
    assert "melder is zelf bekend" not in html and "Intern:" not in html


def test_the_partner_user_reads_the_question_on_its_own_page_and_never_the_internal_reason(db, make, client_as,
                                                                                           police):
    report = make.report()
    refer(client_as("coordinator"), report)
    db.session.expire_all()
    [referral] = report.referrals
    partner = client_as(user=make.user("partner", partner=police))
    html = partner.get(f"/partner/doorverwijzingen/{referral.id}").text
    assert "Vraag van het team" in html and "meneer De Boer langs laten gaan" in html
    for page in (html, partner.get("/partner/doorverwijzingen").text):
        assert "melder is zelf bekend" not in page and "Intern:" not in page


def test_a_referral_from_before_the_question_shows_no_question(app, db, make, police):
    referral = make.referral(partner=police)  # made before referrals had a question: none stored
    _, page = follow_link(app.test_client(), f"/doorverwijzing/{partner_links.issue(referral)}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Vraag van het team" not in html


def test_after_the_final_answer_the_question_is_no_longer_shown(app, db, make, police):
    referral = make.referral(partner=police, question=QUESTION, status="returned", return_reason="Niet voor ons.")
    _, page = follow_link(app.test_client(), f"/doorverwijzing/{partner_links.issue(referral)}")
    assert "De Boer" not in page.get_data(as_text=True)


@pytest.fixture
def case(make, police):
    coordinator = make.user("coordinator")
    report = make.report()
    opened = report_triage.escalate_report(report, REASON, actor=coordinator, seen_version=report.version)
    cases.involve_partner(opened, "politie", "Wijkagent", actor=coordinator, seen_version=opened.version)
    return opened


def test_the_advice_form_asks_the_question_and_the_partner_reads_both_on_the_case(app, db, make, client_as, police,
                                                                                  case):
    client = client_as("coordinator")
    form = client.get(f"/cases/{case.reference}").text
    assert "Advies aan de ketenpartner" in form and 'for="refer-question">Vraag aan de ketenpartner' in form
    done = client.post(f"/cases/{case.reference}/refer", data={
        "refer-partner": "politie", "refer-message": "Wij adviseren een huisbezoek.", "refer-question": QUESTION,
        "refer-version": case.version})
    assert done.status_code == 302, done.text
    db.session.expire_all()
    [referral] = case.referrals
    assert referral.question == QUESTION and referral.message == "Wij adviseren een huisbezoek."

    _, by_link = follow_link(app.test_client(), f"/doorverwijzing/{partner_links.issue(referral)}")
    _, case_link = follow_link(app.test_client(), f"/casus/{partner_links.issue_for_case(case.id, police.id)}")
    own = client_as(user=make.user("partner", partner=police)).get(f"/partner/casussen/{case.reference}").text
    for html in (by_link.get_data(as_text=True), case_link.get_data(as_text=True), own):
        assert "meneer De Boer langs laten gaan" in html and "Wij adviseren een huisbezoek." in html
        assert "melder is zelf bekend" not in html


def test_advice_without_a_question_is_refused(db, make, client_as, police, case):
    page = client_as("coordinator").post(f"/cases/{case.reference}/refer", data={
        "refer-partner": "politie", "refer-message": "Wij adviseren een huisbezoek.", "refer-version": case.version})
    assert page.status_code == 422 and 'id="refer-question-error"' in page.text
    db.session.expire_all()
    assert case.referrals == []
