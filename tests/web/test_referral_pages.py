"""The partner's link page and account pages, the coordinator's start page, retries and the delivery overview."""
from datetime import UTC, datetime

import pytest

from gdt.models import AuditEvent
from gdt.services.core import partner_links
from tests.links import follow_link

PAST = datetime(2026, 3, 4, 22, tzinfo=UTC)


@pytest.fixture
def referral(make):
    police = make.partner("politie", name="Politie Eindhoven")
    return make.referral(make.report("referred", referred_partner=police, description="Geschreeuw in het trappenhuis"),
                         partner=police)


def test_the_link_page_shows_the_details_and_records_feedback(app, db, referral):
    visitor = app.test_client()
    url, page = follow_link(visitor, f"/doorverwijzing/{partner_links.issue(referral)}")
    html = page.get_data(as_text=True)
    assert url == f"/doorverwijzing/{referral.id}"
    assert page.status_code == 200 and referral.reference in html and "Geschreeuw in het trappenhuis" in html
    assert page.headers["Cache-Control"] == "no-store" and page.headers["Referrer-Policy"] == "no-referrer"
    assert "Jan Jansen" in html  # the reporter agreed to be contacted

    done = visitor.post(url, data={"action": "take_on", "version": referral.version})
    assert done.status_code == 302 and done.headers["Location"] == f"{url}?bedankt=1"
    db.session.refresh(referral)
    assert referral.status == "taken_on"
    assert "Dank u wel" in visitor.get(done.headers["Location"]).get_data(as_text=True)


def test_the_link_form_shows_what_is_missing(app, db, referral):
    visitor = app.test_client()
    url, _ = follow_link(visitor, f"/doorverwijzing/{partner_links.issue(referral)}")
    page = visitor.post(url, data={"action": "handle", "version": referral.version})
    assert page.status_code == 422 and "Kies hoe de melding is afgehandeld." in page.get_data(as_text=True)
    db.session.refresh(referral)
    assert referral.status == "awaiting"


def test_an_anonymous_reporter_stays_out_of_the_partners_view(app, db, make):
    police = make.partner("politie")
    referral = make.referral(make.report("referred", referred_partner=police, reporter_is_anonymous=True,
                                         reporter_name=None, reporter_phone=None, reporter_may_contact=False),
                             partner=police)
    _, page = follow_link(app.test_client(), f"/doorverwijzing/{partner_links.issue(referral)}")
    assert "Niet te benaderen" in page.get_data(as_text=True)


def test_a_tampered_link_is_a_clear_404(app, db, referral):
    page = app.test_client().get(f"/doorverwijzing/{partner_links.issue(referral)}x")
    assert page.status_code == 404 and "Deze link is ongeldig" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert db.session.query(AuditEvent).filter_by(object_type="referral", outcome="denied").count() == 1


def test_a_partner_user_sees_and_answers_its_own_referrals(db, make, client_as, referral):
    user = make.user("partner", partner=referral.partner)
    client = client_as(user=user)
    index = client.get("/partner/doorverwijzingen").get_data(as_text=True)
    assert referral.reference in index
    assert client.post(f"/partner/doorverwijzingen/{referral.id}",
                       data={"action": "acknowledge", "version": referral.version}).status_code == 302
    db.session.refresh(referral)
    assert referral.status == "received" and referral.report.events[-1].actor_id == user.id

    stranger = client_as(user=make.user("partner", partner=make.partner("ggz", name="GGZ")))
    assert referral.reference not in stranger.get("/partner/doorverwijzingen").get_data(as_text=True)
    assert stranger.get(f"/partner/doorverwijzingen/{referral.id}").status_code == 403


def test_the_coordinators_start_page_puts_overdue_work_first(make, client_as, referral):
    late = make.report(triage_due_at=PAST)
    coordinator = make.user()
    mine = make.case(coordinator=coordinator, review_due_at=PAST)
    failed = make.referral(partner=make.partner("ggz", name="GGZ"), delivery_status="failed", delivered_at=None,
                           last_delivery_error="Mailserver: ConnectionRefusedError")
    client = client_as(user=coordinator)
    assert client.get("/").headers["Location"].endswith("/start")
    html = client.get("/start").get_data(as_text=True)
    for reference in (late.reference, mine.reference, referral.reference, failed.reference):
        assert reference in html
    assert "te laat" in html


def test_the_queue_marks_overdue_reports_in_words(make, client_as):
    late = make.report(triage_due_at=PAST)
    html = client_as("coordinator").get("/intake/queue").get_data(as_text=True)
    assert late.reference in html and "te laat" in html


def test_a_failed_delivery_is_visible_on_the_report_and_retried_by_hand(db, make, client_as, inbox):
    police = make.partner("politie", email="meldingen@politie.example")
    report = make.report("referred", referred_partner=police)
    referral = make.referral(report, partner=police, delivery_status="failed", delivered_at=None,
                             delivery_attempts=6, last_delivery_error="Mailserver: ConnectionRefusedError")
    client = client_as("coordinator")
    html = client.get(f"/reports/{report.reference}").get_data(as_text=True)
    assert "Bezorging mislukt" in html and "ConnectionRefusedError" in html and "Opnieuw versturen" in html
    assert "6 pogingen; laatste fout: Mailserver: ConnectionRefusedError" in html
    assert client.post(f"/referrals/{referral.id}/retry").status_code == 302
    db.session.refresh(referral)
    assert referral.delivery_status == "sent" and len(inbox.received) == 1


def test_one_delivery_attempt_is_written_in_the_singular(make, client_as):
    police = make.partner("politie", email="meldingen@politie.example")
    report = make.report("referred", referred_partner=police)
    make.referral(report, partner=police, delivery_status="failed", delivered_at=None,
                  delivery_attempts=1, last_delivery_error="Mailserver: time-out")
    html = client_as("coordinator").get(f"/reports/{report.reference}").get_data(as_text=True)
    assert "1 poging; laatste fout: Mailserver: time-out" in html and "poging(en)" not in html


def test_the_delivery_attempts_read_well_in_english(make, client_as):
    police = make.partner("politie", email="meldingen@politie.example")
    report = make.report("referred", referred_partner=police)
    make.referral(report, partner=police, delivery_status="failed", delivered_at=None,
                  delivery_attempts=2, last_delivery_error="Mailserver: time-out")
    client = client_as("coordinator")
    client.post("/language", data={"locale": "en", "next": "/"})
    html = client.get(f"/reports/{report.reference}").get_data(as_text=True)
    assert "2 attempts; last error: Mailserver: time-out" in html


def test_the_admin_overview_lists_failed_deliveries_without_case_content(make, client_as):
    report = make.report("referred", description="Geschreeuw in het trappenhuis")
    make.referral(report, partner=make.partner("ggz", name="GGZ"), delivery_status="failed", delivered_at=None,
                  last_delivery_error="Webhook: HTTP 500")
    html = client_as("admin").get("/admin/deliveries").get_data(as_text=True)
    assert report.reference in html and "Webhook: HTTP 500" in html and "Geschreeuw" not in html
