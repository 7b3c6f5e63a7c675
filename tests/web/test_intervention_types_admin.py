"""The admin's ladder pages: the list, a new rung, editing one (the code shown, not editable), deactivating."""
import sqlalchemy as sa

from gdt.models.interventions import InterventionType
from gdt.services.interventions import catalogue


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
