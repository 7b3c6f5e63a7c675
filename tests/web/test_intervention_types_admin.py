"""The admin's ladder pages: the list, a new rung, editing one (the code shown, not editable), deactivating."""
import pytest
import sqlalchemy as sa

from gdt.models.interventions import InterventionType
from gdt.models.users import ROLES
from gdt.services.interventions import catalogue


def _count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(InterventionType))


@pytest.mark.parametrize("role", [role for role in ROLES if role != "admin"])
def test_only_the_admin_reaches_the_ladder(db, client_as, role):
    kind = catalogue.create_type(code="huisbezoek", name="Huisbezoek", legal_ground=None, formal=False, position=15,
                                 actor=None)
    client = client_as(role)
    assert client.get("/admin/interventies").status_code == 403
    assert client.get("/admin/interventies/new").status_code == 403
    assert client.get(f"/admin/interventies/{kind.id}").status_code == 403
    assert client.post("/admin/interventies/new", data={"code": "x_y", "name": "X", "position": "1"}).status_code == 403
    assert client.post(f"/admin/interventies/{kind.id}", data={"name": "Y", "position": "1"}).status_code == 403
    assert client.post(f"/admin/interventies/{kind.id}/deactivate").status_code == 403
    db.session.expire_all()
    assert (_count(db), kind.name, kind.active) == (1, "Huisbezoek", True)


def test_the_admin_keeps_the_ladder(db, client_as):
    catalogue.ensure_defaults()
    client = client_as("admin")
    page = client.get("/admin/interventies").get_data(as_text=True)
    assert "Gedragsaanwijzing" in page and "art. 151d Gemeentewet" in page and "besluitbrief" in page

    response = client.post("/admin/interventies/new", data={"code": "huisbezoek", "name": "Huisbezoek",
                                                             "legal_ground": "", "position": "15"})
    assert response.status_code == 302
    visit = db.session.scalar(sa.select(InterventionType).where(InterventionType.code == "huisbezoek"))
    page = client.get(f"/admin/interventies/{visit.id}").get_data(as_text=True)
    assert "<code>huisbezoek</code>" in page and 'name="code"' not in page

    response = client.post(f"/admin/interventies/{visit.id}", data={"name": "Huisbezoek", "position": "abc",
                                                                   "formal": "y"})
    assert response.status_code == 422 and "Vul een geheel getal in van 0 tot en met 10000." in response.get_data(
        as_text=True)
    db.session.refresh(visit)
    assert (visit.position, visit.formal) == (15, False)

    assert client.post(f"/admin/interventies/{visit.id}/deactivate").status_code == 302
    db.session.refresh(visit)
    assert visit.active is False
    assert "Weer aanbieden" in client.get(f"/admin/interventies/{visit.id}").get_data(as_text=True)


def test_a_taken_name_is_refused_in_dutch(db, client_as):
    catalogue.ensure_defaults()
    response = client_as("admin").post("/admin/interventies/new", data={"code": "praten", "name": "gesprek",
                                                                         "position": "10"})
    assert response.status_code == 422
    assert "Er is al een soort interventie met deze naam." in response.get_data(as_text=True)


def test_an_empty_ladder_says_how_to_fill_it(db, client_as):
    assert "flask setup" in client_as("admin").get("/admin/interventies").get_data(as_text=True)


def test_the_list_shows_every_rung_in_order_with_its_status(db, client_as):
    catalogue.ensure_defaults()
    other = db.session.scalar(sa.select(InterventionType).where(InterventionType.code == "overig"))
    catalogue.set_type_active(other, False, actor=None)
    page = client_as("admin").get("/admin/interventies").get_data(as_text=True)
    assert "Formeel (besluitbrief verplicht)" in page and "besluit van de burgemeester" in page
    assert page.index("Gesprek") < page.index("Buurtbemiddeling") < page.index("Sluiting woning (13b)") < page.index(
        "Overig")
    assert f'href="/admin/interventies/{other.id}"' in page
    row = page[page.index(f'/admin/interventies/{other.id}"'):]
    row = row[:row.index("</tr>")]
    assert "Nee" in row and "Ja" not in row


def test_the_code_stays_whatever_the_edit_posts(db, client_as):
    kind = catalogue.create_type(code="huisbezoek", name="Huisbezoek", legal_ground=None, formal=False, position=15,
                                 actor=None)
    response = client_as("admin").post(f"/admin/interventies/{kind.id}", data={
        "code": "ander", "name": "Huisbezoek met wijkagent", "legal_ground": "art. 151d Gemeentewet", "formal": "y",
        "position": "25"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (kind.code, kind.name, kind.legal_ground, kind.formal, kind.position) == (
        "huisbezoek", "Huisbezoek met wijkagent", "art. 151d Gemeentewet", True, 25)


def test_bad_input_on_a_new_rung_is_named_in_dutch_and_nothing_is_added(db, client_as):
    client = client_as("admin")
    response = client.post("/admin/interventies/new", data={"code": "Huis Bezoek", "name": "", "position": "10001"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Gebruik 2 tot 40 kleine letters, cijfers of liggende streepjes" in page
    assert "Vul een naam in" in page and "Vul een geheel getal in van 0 tot en met 10000." in page
    assert _count(db) == 0


def test_the_admin_reactivates_a_rung(db, client_as):
    kind = catalogue.create_type(code="huisbezoek", name="Huisbezoek", legal_ground=None, formal=False, position=15,
                                 actor=None)
    catalogue.set_type_active(kind, False, actor=None)
    client = client_as("admin")
    assert client.post(f"/admin/interventies/{kind.id}/activate").status_code == 302
    db.session.expire_all()
    assert kind.active is True
    assert "Niet meer aanbieden" in client.get(f"/admin/interventies/{kind.id}").get_data(as_text=True)


def test_an_unknown_rung_is_not_found(client_as):
    assert client_as("admin").get("/admin/interventies/999999").status_code == 404
