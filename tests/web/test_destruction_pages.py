"""The archivist's destruction list pages: need-to-know, taking items off, approval, the statement."""
from datetime import date

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent
from gdt.models.retention import DestructionList
from gdt.services.retention import destruction

SECRET_TEXTS = ("Geheime beschrijving van de overlast", "Jan Geheimpje", "Verstopstraat", "0611122233")


@pytest.fixture
def archivist(make):
    return make.user(role="archivist", name="Anouk Archivaris")


@pytest.fixture
def client(client_as, archivist):
    return client_as(user=archivist)


@pytest.fixture
def proposed(make):
    """A proposed list with a closed case and a referred report, both carrying distinctive content."""
    case = make.case("closed", destruction_due_on=date(2026, 5, 1), archive_nomination="destroy")
    make.report("escalated", case=case, description=SECRET_TEXTS[0], reporter_name=SECRET_TEXTS[1],
                street=SECRET_TEXTS[2], reporter_phone=SECRET_TEXTS[3])
    report = make.report("referred", destruction_due_on=date(2026, 5, 1), description=SECRET_TEXTS[0],
                         reporter_name=SECRET_TEXTS[1], street=SECRET_TEXTS[2])
    lst = destruction.propose(date(2026, 6, 1))
    return lst, case, report


def test_only_the_archivist_opens_the_pages(client_as, proposed):
    lst, _, _ = proposed
    for role in ("coordinator", "admin", "manager", "privacy"):
        user_client = client_as(role)
        assert user_client.get("/archief/vernietiging").status_code == 403
        assert user_client.get(f"/archief/vernietiging/{lst.reference}").status_code == 403


def test_without_lists_the_page_says_so(db, client):
    page = client.get("/archief/vernietiging")
    assert page.status_code == 200
    assert "Er zijn nog geen vernietigingslijsten" in page.text and "Nu een lijst opstellen" in page.text


def test_proposing_from_the_page_with_nothing_due_says_so(db, client):
    answer = client.post("/archief/vernietiging/opstellen", follow_redirects=True)
    assert "niets dat vernietigd moet worden" in answer.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DestructionList)) == 0


def test_proposing_from_the_page_opens_the_list(db, make, client):
    make.report("referred", destruction_due_on=date(2020, 1, 1))
    answer = client.post("/archief/vernietiging/opstellen")
    lst = db.session.scalars(sa.select(DestructionList)).one()
    assert answer.status_code == 302 and answer.location.endswith(f"/archief/vernietiging/{lst.reference}")
    assert lst.proposed_by_id is not None


def test_the_list_shows_references_and_keys_never_content(db, client, proposed, archivist):
    lst, case, report = proposed
    page = client.get(f"/archief/vernietiging/{lst.reference}")
    assert page.status_code == 200
    assert case.reference in page.text and report.reference in page.text and "Doorverwezen" in page.text
    for secret in SECRET_TEXTS:
        assert secret not in page.text
    assert db.session.scalar(sa.select(sa.func.count()).where(
        AuditEvent.action == "view", AuditEvent.object_ref == lst.reference,
        AuditEvent.actor_id == archivist.id)) == 1
    overview = client.get("/archief/vernietiging")
    assert lst.reference in overview.text and "Voorgesteld" in overview.text


def test_the_list_filters_by_type(client, proposed):
    lst, case, report = proposed
    page = client.get(f"/archief/vernietiging/{lst.reference}?type=case")
    assert case.reference in page.text and report.reference not in page.text


def test_taking_off_needs_a_reason_then_shows_it_with_who(db, client, proposed):
    lst, _, report = proposed
    item = destruction.find_item(lst, report.reference)
    url = f"/archief/vernietiging/{lst.reference}/onderdelen/{item.id}/van-de-lijst"
    refused = client.post(url, data={"reason": ""})
    assert refused.status_code == 422 and "Geef een reden" in refused.text
    assert client.post(url, data={"reason": "Lopend bezwaar"}).status_code == 302
    page = client.get(f"/archief/vernietiging/{lst.reference}")
    assert "Lopend bezwaar" in page.text and "Anouk Archivaris" in page.text and "Terugzetten" in page.text
    restore = client.post(f"/archief/vernietiging/{lst.reference}/onderdelen/{item.id}/terugzetten")
    assert restore.status_code == 302
    db.session.refresh(item)
    assert item.excluded_at is None


def test_approval_asks_first_then_destroys(db, client, proposed):
    lst, case, report = proposed
    confirm = client.get(f"/archief/vernietiging/{lst.reference}/goedkeuren")
    assert "niet ongedaan" in confirm.text and "2 onderdelen" in confirm.text
    answer = client.post(f"/archief/vernietiging/{lst.reference}/goedkeuren", follow_redirects=True)
    assert "is goedgekeurd" in answer.text and "Deze lijst is uitgevoerd" in answer.text
    db.session.expire_all()
    assert lst.status == "executed" and report.destroyed_at is not None and case.destroyed_at is not None
    item = destruction.find_item(lst, report.reference)
    taken_off = client.post(f"/archief/vernietiging/{lst.reference}/onderdelen/{item.id}/van-de-lijst",
                            data={"reason": "Te laat"})
    assert taken_off.status_code == 422 and "al goedgekeurd" in taken_off.text


def test_the_statement_downloads_as_pdf(db, client, proposed):
    lst, _, _ = proposed
    answer = client.get(f"/archief/vernietiging/{lst.reference}/verklaring.pdf")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.data.startswith(b"%PDF") and "attachment" in answer.headers["Content-Disposition"]
    assert db.session.scalar(sa.select(sa.func.count()).where(
        AuditEvent.action == "destruction_statement", AuditEvent.object_ref == lst.reference)) == 1


def test_an_unknown_list_is_not_found(db, client):
    assert client.get("/archief/vernietiging/VL-2026-0999").status_code == 404
