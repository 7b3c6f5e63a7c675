"""Dates that are not there yet are said in words ("nog niet bezorgd", "nog geen termijn"), never as a bare "–", on
every partner page and on the staff pages that show referral dates."""
import re
from datetime import UTC, datetime

import pytest

from gdt.services.casework import cases
from gdt.services.core import partner_links
from tests.links import follow_link

BARE_DASH = re.compile(r">\s*(–|-)\s*<")  # a cell or value holding only a dash


@pytest.fixture
def police(make):
    return make.partner("politie", name="Politie Eindhoven", email="meldingen@politie.example")


@pytest.fixture
def pending(make, police):
    """Queued, not delivered yet: no delivery time and no acknowledgement deadline."""
    return make.referral(partner=police, delivery_status="pending", delivered_at=None, delivery_attempts=0,
                         acknowledge_due_at=None)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_link_page_of_an_undelivered_referral_says_so_in_words(app, db, pending):
    _, page = follow_link(app.test_client(), f"/doorverwijzing/{partner_links.issue(pending)}")
    html = page.get_data(as_text=True)
    text = text_of(html)
    assert "Bezorgd nog niet bezorgd" in text
    assert "Ontvangst bevestigen uiterlijk nog geen termijn: die begint bij bezorging" in text
    assert not BARE_DASH.search(html)


def test_the_partner_users_pages_say_each_state_of_the_deadline_in_words(db, make, client_as, police, pending):
    waiting = make.referral(partner=police)
    answered = make.referral(partner=police, status="received",
                             acknowledged_at=datetime(2026, 3, 3, 10, tzinfo=UTC))
    client = client_as(user=make.user("partner", partner=police))
    index = client.get("/partner/doorverwijzingen").text
    assert "nog geen termijn" in index and "04-03-2026" in index and "bevestigd op 03-03-2026" in index
    assert not BARE_DASH.search(index)
    for referral in (pending, waiting, answered):
        page = client.get(f"/partner/doorverwijzingen/{referral.id}").text
        assert not BARE_DASH.search(page), referral
    assert "nog niet bezorgd" in client.get(f"/partner/doorverwijzingen/{pending.id}").text
    assert "bevestigd op 03-03-2026" in client.get(f"/partner/doorverwijzingen/{answered.id}").text


def test_the_coordinators_list_of_referrals_says_missing_dates_and_errors_in_words(db, make, client_as, pending):
    pending.delivery_attempts, pending.last_delivery_error = 1, None
    db.session.flush()
    html = client_as("coordinator").get(f"/reports/{pending.report.reference}").text
    text = text_of(html)
    assert "nog geen termijn: die begint bij bezorging" in text and "laatste fout: geen foutmelding" in text
    assert not BARE_DASH.search(html)


def test_the_delivery_overview_says_when_there_is_no_error_text(db, make, client_as, police):
    make.referral(partner=police, delivery_status="failed", delivered_at=None, last_delivery_error=None)
    html = client_as("admin").get("/admin/deliveries").text
    assert "geen foutmelding" in html and not BARE_DASH.search(html)


def test_the_partners_case_view_says_what_is_not_known_yet_in_words(app, db, make, client_as, police):
    coordinator = make.user("coordinator")
    case = make.case()
    cases.involve_partner(case, "politie", None, actor=coordinator, seen_version=case.version)
    own = client_as(user=make.user("partner", partner=police)).get(f"/partner/casussen/{case.reference}").text
    _, by_link = follow_link(app.test_client(), f"/casus/{partner_links.issue_for_case(case.id, police.id)}")
    for html in (own, by_link.get_data(as_text=True)):
        assert "geen adres bekend" in html and "niemand vastgelegd" in html
        assert not BARE_DASH.search(html)
