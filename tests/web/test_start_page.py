"""The coordinator's start page (Mijn werk): each section shows its first rows with the list's columns and count,
and "toon alle N" leads to the full list with exactly those N; proper plurals; a fixed number of queries."""
import html
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from gdt.models import Action


@pytest.fixture
def coordinator(make):
    return make.user("coordinator", name="Anna Aalders")


@pytest.fixture
def client(client_as, coordinator):
    return client_as(user=coordinator)


PAST = datetime.now(UTC) - timedelta(days=20)
FUTURE = datetime.now(UTC) + timedelta(days=40)


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def section(page: str, heading_id: str) -> str:
    """The HTML of one section of the start page."""
    return re.search(rf'<section class="gdt-section" aria-labelledby="{heading_id}">(.*?)</section>', page, re.S)[1]


def rows(fragment: str) -> list[str]:
    return re.findall(r'<th class="utrecht-table__cell" scope="row"[^>]*>\s*<a [^>]*>([^<]+)</a>', fragment)


def show_all(fragment: str) -> tuple[str, str] | None:
    found = re.search(r'<p class="utrecht-paragraph gdt-show-all"><a class="utrecht-link" href="([^"]+)">'
                      r'(Toon alle \d+)', fragment)
    return (found[1], found[2]) if found else None


def listed_at(client, href: str) -> set[str]:
    page = text(client.get(href))
    return set(rows(page)) | set(re.findall(r'<th class="utrecht-table__cell" scope="row"[^>]*>\s*<a [^>]*>'
                                            r'([^<]+)</a>', page))


def _overdue_action(make, case, days_ago: int = 3):
    make.session.add(Action(case=case, description="Huisbezoek", status="open", owner_user=case.coordinator,
                            due_at=datetime.now(UTC) - timedelta(days=days_ago)))
    make.session.commit()


def test_my_cases_show_ten_and_lead_to_all_of_them(client, make, coordinator):
    mine = [make.case(coordinator=coordinator, review_due_at=FUTURE) for _ in range(12)]
    make.case(coordinator=coordinator, status="closed")
    make.case(review_due_at=FUTURE)  # someone else's
    page = text(client.get("/start"))
    fragment = section(page, "my-cases-heading")
    assert "Mijn open casussen (12)" in fragment and len(rows(fragment)) == 10
    assert "De eerste 10 van 12 open casussen" in fragment
    href, label = show_all(fragment)
    assert label == "Toon alle 12" and href == f"/cases?status=open&coordinator={coordinator.id}"
    assert listed_at(client, href) == {case.reference for case in mine}
    for column in ("Adres", "Categorie", "Geopend", "Termijnen", "Regisseur"):
        assert f">{column}</th>" in fragment, column


def test_a_section_that_fits_shows_no_link(client, make, coordinator):
    make.case(coordinator=coordinator, review_due_at=FUTURE)
    fragment = section(text(client.get("/start")), "my-cases-heading")
    assert len(rows(fragment)) == 1 and show_all(fragment) is None


def test_overdue_triage_leads_to_the_queue_filtered_on_late(client, make):
    late = [make.report(triage_due_at=PAST + timedelta(hours=n)) for n in range(7)]
    make.report(triage_due_at=FUTURE)
    fragment = section(text(client.get("/start")), "triage-heading")
    assert "Triage te laat (7)" in fragment and len(rows(fragment)) == 5
    assert rows(fragment) == [report.reference for report in late[:5]]  # the oldest deadline first
    href, label = show_all(fragment)
    assert (href, label) == ("/intake/queue?age=overdue", "Toon alle 7")
    assert listed_at(client, href) == {report.reference for report in late}
    assert "werkdagen te laat" in fragment


def test_reviews_and_unassigned_cases_lead_to_the_filtered_case_list(client, make, coordinator):
    late = [make.case(coordinator=coordinator, review_due_at=PAST) for _ in range(6)]
    nobodys = [make.case(review_due_at=FUTURE) for _ in range(6)]
    page = text(client.get("/start"))
    reviews, unassigned = section(page, "reviews-heading"), section(page, "unassigned-heading")
    assert "herbeoordeling te laat (6)" in reviews and len(rows(reviews)) == 5
    href, label = show_all(reviews)
    assert (href, label) == (f"/cases?coordinator={coordinator.id}&overdue=review", "Toon alle 6")
    assert listed_at(client, href) == {case.reference for case in late}
    href, label = show_all(unassigned)
    assert (href, label) == ("/cases?status=open&coordinator=none", "Toon alle 6")
    assert listed_at(client, href) == {case.reference for case in nobodys}


def test_overdue_actions_have_a_full_list_of_their_own(client, make, coordinator):
    cases = [make.case(coordinator=coordinator, review_due_at=FUTURE) for _ in range(3)]
    for case in cases:
        _overdue_action(make, case)
        _overdue_action(make, case, days_ago=5)
    fragment = section(text(client.get("/start")), "actions-heading")
    assert "Afspraken te laat in mijn casussen (6)" in fragment and fragment.count("Huisbezoek") == 5
    href, label = show_all(fragment)
    assert (href, label) == ("/start/overdue-actions", "Toon alle 6")
    full = text(client.get(href))
    assert "Afspraken te laat in mijn casussen (6)" in full and full.count("Huisbezoek") == 6


def test_referral_sections_have_full_lists(client, make):
    for _ in range(6):
        make.referral(acknowledge_due_at=PAST)
        make.referral(delivery_status="failed", delivered_at=None, last_delivery_error="Mailserver weigert")
    page = text(client.get("/start"))
    for heading, href in (("acknowledgement-heading", "/start/unacknowledged-referrals"),
                          ("failed-heading", "/start/failed-deliveries")):
        fragment = section(page, heading)
        assert len(rows(fragment)) == 5 and show_all(fragment) == (href, "Toon alle 6")
        assert len(rows(text(client.get(href)))) == 6
    assert client.get("/start/something-else").status_code == 404


def test_overdue_actions_are_counted_in_words_with_plurals(client, make, coordinator):
    one, two = (make.case(coordinator=coordinator, review_due_at=FUTURE) for _ in range(2))
    _overdue_action(make, one)
    _overdue_action(make, two)
    _overdue_action(make, two, days_ago=4)
    fragment = section(text(client.get("/start")), "my-cases-heading")
    assert "1 afspraak te laat" in fragment and "2 afspraken te laat" in fragment
    assert "afspraak/afspraken" not in fragment
    assert rows(fragment) == [two.reference, one.reference]  # the earliest deadline (an action's) first


def test_the_start_page_takes_the_same_number_of_queries_however_much_is_late(client, make, coordinator, db):
    def statements(count: int) -> int:
        for _ in range(count):
            case = make.case(coordinator=coordinator, review_due_at=PAST)
            make.report("escalated", case=case)
            _overdue_action(make, case)
            make.case(review_due_at=FUTURE)
            make.report(triage_due_at=PAST)
            make.referral(acknowledge_due_at=PAST)
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/start").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    assert statements(1) == statements(6)
