"""Meldingen voor mij (/voor-mij): one's own list, reading, the link as far as the user may go, the choices."""
import re

import pytest
import sqlalchemy as sa

from gdt.models import AppSetting, Notification, NotificationPreference
from gdt.models.notifications import NOTIFICATION_KINDS
from gdt.services.core.transaction import unit_of_work
from gdt.services.notifications.notify import notify


@pytest.fixture
def anna(make):
    return make.user("coordinator", name="Anna Regisseur")


def tell(user, **subject):
    with unit_of_work():
        return notify(user, "meeting_planned", **subject)  # the digest by default: no mail in these tests


def read_at(db, notification):
    return db.session.scalar(sa.select(Notification.read_at).where(Notification.id == notification.id))


def test_the_list_shows_only_ones_own_newest_first_with_unread_marked(db, make, client_as, anna):
    first, second = make.case(coordinator=anna), make.case(coordinator=anna)
    tell(anna, case=first)
    tell(anna, case=second)
    tell(make.user("coordinator"), case=make.case(reference="GDT-C-ANDERMANS"))
    page = client_as(user=anna).get("/voor-mij").get_data(as_text=True)
    assert page.index(second.reference) < page.index(first.reference)
    assert "GDT-C-ANDERMANS" not in page and page.count("Nieuw:") == 2
    assert "Meldingen voor mij <span class=\"gdt-account__role\">2" in page  # the header's count


def test_opening_marks_read_and_leads_to_the_case(db, make, client_as, anna):
    case = make.case(coordinator=anna)
    notification = tell(anna, case=case)
    response = client_as(user=anna).get(f"/voor-mij/{notification.id}")
    assert response.status_code == 302 and response.location.endswith(f"/cases/{case.reference}")
    assert read_at(db, notification) is not None


def test_a_case_out_of_reach_is_a_plain_line_and_its_link_leads_nowhere(db, make, client_as, anna):
    other = make.user("coordinator", team="Zuid")
    anna.team = "Noord"
    case = make.case(coordinator=other)
    notification = tell(anna, case=case)
    db.session.add(AppSetting(key="coordinators_see_own_team_only", value="1"))
    db.session.commit()
    client = client_as(user=anna)
    page = client.get("/voor-mij").get_data(as_text=True)
    assert "u kunt dit niet meer openen" in page and f"/voor-mij/{notification.id}\"" not in page
    response = client.get(f"/voor-mij/{notification.id}", follow_redirects=True)
    assert "U kunt dit niet (meer) openen" in response.get_data(as_text=True)


def test_someone_elses_notification_cannot_be_opened_or_marked(db, make, client_as, anna):
    notification = tell(make.user("coordinator"), case=make.case())
    client = client_as(user=anna)
    assert client.get(f"/voor-mij/{notification.id}").status_code == 404
    client.post(f"/voor-mij/{notification.id}/gelezen")
    assert read_at(db, notification) is None


def test_mark_one_and_all_read(db, make, client_as, anna):
    ones = [tell(anna, case=make.case()) for _ in range(3)]
    client = client_as(user=anna)
    assert client.post(f"/voor-mij/{ones[0].id}/gelezen").status_code == 302
    unread = sa.select(sa.func.count()).select_from(Notification).where(Notification.user_id == anna.id,
                                                                      Notification.read_at.is_(None))
    assert db.session.scalar(unread) == 2
    page = client.post("/voor-mij/alles-gelezen", follow_redirects=True).get_data(as_text=True)
    assert db.session.scalar(unread) == 0 and "Alles is als gelezen gemarkeerd." in page


def test_the_start_page_shows_whats_new_only_when_there_is_something(db, make, client_as, anna):
    client = client_as(user=anna)
    assert "Nieuw voor mij" not in client.get("/start").get_data(as_text=True)
    case = make.case(coordinator=anna)
    tell(anna, case=case)
    page = client.get("/start").get_data(as_text=True)
    assert "Nieuw voor mij" in page and case.reference in page


def test_the_choices_are_saved_and_a_bad_one_is_refused_with_nothing_changed(db, client_as, anna):
    client = client_as(user=anna)
    page = client.get("/voor-mij/instellingen").get_data(as_text=True)
    assert page.count('type="radio"') == 3 * len(NOTIFICATION_KINDS)
    assert re.search(r'<input checked[^>]*id="choice-assigned-0"', page)
    wanted = {"assigned": "app", "partner_answered": "digest", "action_due": "now", "meeting_planned": "app",
              "triage_deadline": "now", "resident_answered": "digest", "low_satisfaction": "now"}
    bad = client.post("/voor-mij/instellingen", data=wanted | {"assigned": "fax"})
    assert bad.status_code == 422 and "Kies hoe u hiervan hoort." in bad.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NotificationPreference)) == 0
    assert client.post("/voor-mij/instellingen", data=wanted).status_code == 302
    stored = db.session.execute(sa.select(NotificationPreference.kind, NotificationPreference.delivery)
                                .where(NotificationPreference.user_id == anna.id)).all()
    assert dict(stored) == wanted


@pytest.mark.parametrize("role", ["intake", "manager", "admin", "partner", "archivist", "privacy"])
def test_roles_that_are_told_nothing_have_no_page_and_no_header_link(client_as, role):
    client = client_as(role)
    assert client.get("/voor-mij").status_code == 403
    assert "/voor-mij" not in client.get("/account").get_data(as_text=True)
