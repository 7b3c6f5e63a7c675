"""Every paged list reads `?page=` through gdt.services.core.pagination: a page past the end (a 40-digit
number too) shows the last page, anything that is no page number the first, and nothing is a 500.

The lists are found in the templates (every call of the pagination macro), so a new list is in this
test the day it is added, or the test fails and says which list to add.
"""
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from gdt.models import Action, Area, DestructionList, LegalHold, SubjectRequest
from gdt.services.casework import case_list, cases
from gdt.services.core import pagination
from gdt.services.intake import partner_registrations

HUGE = ["4" * 40, "9" * 5000, "1000001", "99999999"]
NOT_A_PAGE = ["", "0", "-1", "-" + "4" * 40, "abc", "1e3", "1.5", "٢", "２", "0x2", "+2", " ", "%00"]


def _registration(make, partner, user):
    make.defaults()
    data = partner_registrations.RegistrationInput(
        registrant_name="Wendy Wijkagent", category="geluidsoverlast", postcode="5611AB", house_number="12",
        reason="Bedreigingen tussen buren.")
    return partner_registrations.register(data, partner=partner, actor=user)


def _involved_case(make, partner):
    case = make.case()
    cases.involve_partner(case, partner.key, "Wijkagent", actor=make.user("coordinator"), seen_version=case.version)


# endpoint: (url, role, how to add one item the user sees); each list gets two items, one per page.
LISTS = {
    "intake.queue": ("/intake/queue", "intake", lambda make, user: make.report(registered_by_id=user.id)),
    "intake.mine": ("/intake/mine", "intake", lambda make, user: make.report(registered_by_id=user.id)),
    "partner.index": ("/partner", "partner", lambda make, user: _registration(make, user.partner, user)),
    "referrals.partner_index": ("/partner/doorverwijzingen", "partner",
                                lambda make, user: make.referral(partner=user.partner)),
    "partner.cases": ("/partner/casussen", "partner", lambda make, user: _involved_case(make, user.partner)),
    "referrals.deliveries": ("/admin/deliveries", "admin", lambda make, user: make.referral(
        delivery_status="failed", delivered_at=None, last_delivery_error="Mailserver weigert")),
    "admin.users": ("/admin/users", "admin", lambda make, user: make.user("intake")),
    "admin.partners": ("/admin/partners", "admin", lambda make, user: make.partner(f"partner-{make.user().id}")),
    "admin.areas": ("/admin/areas", "admin", lambda make, user: _area(make)),  # a page of wijken, each with buurten
    "cases.index": ("/cases", "coordinator", lambda make, user: make.case()),
    "home.section": ("/start/overdue-actions", "coordinator", lambda make, user: _overdue_action(make, user)),
    "retention.holds_page": ("/archief/bewaarplichten", "archivist", lambda make, user: _hold(make, user)),
    "retention.lists": ("/archief/vernietiging", "archivist", lambda make, user: _destruction_list(make)),
    "privacy.requests": ("/privacy/verzoeken", "privacy", lambda make, user: _request(make, user)),
    "notifications.index": ("/voor-mij", "coordinator", lambda make, user: _notification(make, user)),
    "map.index": ("/kaart", "coordinator", lambda make, user: make.report()),
}
# Every look at the audit trail is itself an event, so its length changes with each request: its paging is tested
# on a fixed period in tests/web/test_privacy_audit_pages.py.
GROWING = {"privacy.audit_trail"}


def _hold(make, user):
    make.session.add(LegalHold(case_id=make.case("closed", result="de-escalated").id, reason="Klachtprocedure",
                               placed_by_id=user.id))
    make.session.commit()


def _destruction_list(make):
    make.session.add(DestructionList(kind="records", as_of=date(2026, 6, 1)))
    make.session.commit()


def _request(make, user):
    number = make.user().id
    make.session.add(SubjectRequest(reference=f"AVG-2026-{number:04d}", kind="inspection", received_on=date(2026, 6, 1),
                                    subject_name="Verzoeker", created_by_id=user.id))
    make.session.commit()


def _area(make):
    number = make.user().id
    make.session.add_all([Area(code=f"WK{number:06d}", name=f"Wijk {number}"),
                          Area(code=f"BU{number:06d}01", name=f"Buurt {number}")])
    make.session.commit()


def _notification(make, user):
    from gdt.services.core.transaction import unit_of_work
    from gdt.services.notifications.notify import notify
    case = make.case()
    with unit_of_work():
        notify(user, "meeting_planned", case=case)  # the digest: no mail in this test


def _overdue_action(make, user):
    case = make.case(coordinator=user)
    make.session.add(Action(case=case, description="Huisbezoek", owner_user=user, status="open",
                            due_at=datetime(2026, 3, 2, 22, 59, 59, tzinfo=UTC)))
    make.session.commit()


def test_every_paged_list_is_in_this_test():
    used = set()
    for template in Path("templates").rglob("*.html"):
        used |= set(re.findall(r"""pagination\(page, ["']([\w.]+)["']""", template.read_text()))
    assert used == set(LISTS) | GROWING


def test_no_list_reads_the_page_another_way():
    """db.paginate() without an explicit page reads ?page= itself and lets a huge number through to OFFSET."""
    for module in [*Path("gdt/web").rglob("*.py"), *Path("gdt/api").rglob("*.py")]:
        assert not re.search(r"\bdb\.paginate\(", module.read_text()), \
            f"{module}: use gdt.services.core.pagination.page_of (pages) or .paginate (API)"


@pytest.fixture
def lists(app, db, make, client_as, monkeypatch):
    """`lists(endpoint)`: a logged-in client and the list's URL, the list two pages long (one item a page)."""
    def prepare(endpoint):
        url, role, add = LISTS[endpoint]
        make.defaults()
        user = make.user(role)
        client = client_as(user=user)
        monkeypatch.setitem(app.config, "PER_PAGE", 1)
        while _pages(client.get(url)) < 2:
            add(make, user)
        monkeypatch.setitem(app.config, "PER_PAGE", max(1, _total(client.get(url)) - 1))
        return client, url
    return prepare


def _pages(response) -> int:
    assert response.status_code == 200, response.status_code
    found = re.search(r"Pagina (\d+) van (\d+)", response.get_data(as_text=True))
    return int(found[2]) if found else 1


def _total(response) -> int:
    return int(re.search(r"\((\d+) in totaal\)", response.get_data(as_text=True))[1])


def _shown_page(response) -> int:
    assert response.status_code == 200, (response.status_code, response.get_data(as_text=True)[:300])
    return int(re.search(r"Pagina (\d+) van 2", response.get_data(as_text=True))[1])


@pytest.mark.parametrize("endpoint", sorted(LISTS))
def test_a_page_past_the_end_shows_the_last_page(lists, endpoint):
    client, url = lists(endpoint)
    assert _shown_page(client.get(f"{url}?page=2")) == 2
    for value in HUGE + ["3"]:
        assert _shown_page(client.get(url, query_string={"page": value})) == 2, value


@pytest.mark.parametrize("endpoint", sorted(LISTS))
def test_what_is_no_page_number_shows_the_first_page(lists, endpoint):
    client, url = lists(endpoint)
    assert _shown_page(client.get(url)) == 1
    for value in NOT_A_PAGE:
        assert _shown_page(client.get(url, query_string={"page": value})) == 1, value
    assert _shown_page(client.get(f"{url}?page=1&page=2")) == 1  # the first of repeated keys, as everywhere


@pytest.mark.parametrize("endpoint", sorted(LISTS))
def test_an_empty_list_with_a_huge_page_is_no_error(client_as, make, endpoint):
    url, role, _add = LISTS[endpoint]
    make.defaults()
    response = client_as(role).get(url, query_string={"page": "4" * 40})
    assert response.status_code == 200
    assert "utrecht-pagination" not in response.get_data(as_text=True)  # one page: no pagination shown


@pytest.mark.parametrize(("raw", "page"), [
    (None, 1), ("", 1), ("1", 1), ("25", 25), (" 3 ", 3), ("0", 1), ("-2", 1), ("abc", 1), ("1.5", 1),
    ("١٢", 1), ("１２", 1), ("4" * 40, pagination.MAX_PAGE), ("9" * 5000, pagination.MAX_PAGE),
    (str(pagination.MAX_PAGE), pagination.MAX_PAGE), (str(pagination.MAX_PAGE + 1), pagination.MAX_PAGE),
])
def test_page_number(raw, page):
    assert pagination.page_number(raw) == page
    assert case_list.page_number({} if raw is None else {"page": raw}) == page  # the case list's name for it


def test_paginate_refuses_a_page_out_of_bounds(db):
    for page in (0, pagination.MAX_PAGE + 1):
        with pytest.raises(ValueError, match="outside"):
            pagination.paginate(None, page, per_page=10, clamp=False)
