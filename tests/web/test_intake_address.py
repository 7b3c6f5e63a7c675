"""Phone intake with the address lookup: the "Zoek adres" button without JavaScript, saving with BAG ids, the JSON
endpoint for intake.js. The bundled fixture (gdt/data/addresses.json) is the address service here."""
import re
import socket

import pytest
import sqlalchemy as sa

from gdt.models import Report

BAG_12, BAG_12A, BAG_12B = "0772200000001111", "0772200000001148", "0772200000001185"
CALL = {"category": "geluidsoverlast", "description": "Elke nacht harde muziek.", "postcode": "5611 ab",
        "house_number": "12", "reporter_name": "Piet de Vries", "reporter_phone": "06 1234 5678"}
LOOKUP = {"lookup": "Zoek adres"}


def _reports(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Report))


def _value(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page).group(1)


@pytest.fixture
def address_service_down(app, monkeypatch):
    """A PDOK URL where nothing listens: connection refused, as when the service is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setitem(app.config, "ADDRESS_SERVICE_URL", f"http://127.0.0.1:{port}/locatieserver/search/v3_1")
    monkeypatch.setitem(app.config, "ADDRESS_SERVICE_TIMEOUT", 1)


# --- "Zoek adres" without JavaScript -----------------------------------------------------------------------

def test_one_match_fills_street_and_city_and_saves_nothing(client_as, make, db):
    make.defaults()
    page = client_as("intake").post("/intake/reports/new", data=CALL | LOOKUP | {"house_number": "1"})
    assert page.status_code == 200 and _reports(db) == 0
    assert _value(page.text, "street") == "Stationsplein" and _value(page.text, "city") == "Eindhoven"
    assert _value(page.text, "bag_id") == "0772200000001037"
    assert "Gevonden in de BAG:" in page.text and "Dit adres is nog niet bekend bij het team." in page.text
    assert "Elke nacht harde muziek." in page.text and _value(page.text, "reporter_name") == "Piet de Vries"
    assert "Er is iets niet goed ingevuld" not in page.text


def test_several_matches_offer_a_choice_labelled_with_the_address(client_as, make, db):
    make.defaults()
    page = client_as("intake").post("/intake/reports/new", data=CALL | LOOKUP)
    assert page.status_code == 200 and _reports(db) == 0
    assert "Kies het adres" in page.text and "meerdere adressen" in page.text
    radios = re.findall(r'<input[^>]*type="radio"\s+name="bag_id"\s+id="(bag_id-\d)"\s+value="(\d{16})"', page.text)
    assert [value for _, value in radios] == [BAG_12, BAG_12A, BAG_12B]
    for radio_id, _ in radios:
        assert f'<label class="utrecht-form-label utrecht-form-label--radio" for="{radio_id}">' in page.text
    assert "Stationsplein 12A, 5611AB Eindhoven" in page.text
    assert _value(page.text, "street") == ""


def test_a_typed_addition_or_a_chosen_address_picks_one(client_as, make):
    make.defaults()
    client = client_as("intake")
    by_addition = client.post("/intake/reports/new", data=CALL | LOOKUP | {"house_number_addition": "b"})
    assert _value(by_addition.text, "bag_id") == BAG_12B and _value(by_addition.text, "street") == "Stationsplein"
    by_choice = client.post("/intake/reports/new", data=CALL | LOOKUP | {"bag_id": BAG_12A})
    assert _value(by_choice.text, "bag_id") == BAG_12A and _value(by_choice.text, "house_number_addition") == "A"


def test_no_match_says_so_and_keeps_the_typed_address(client_as, make, db):
    make.defaults()
    page = client_as("intake").post("/intake/reports/new",
                                    data=CALL | LOOKUP | {"house_number": "2", "street": "Eigen straat"})
    assert page.status_code == 200 and _reports(db) == 0
    assert "Adres niet gevonden in de BAG — controleer het of vul het zelf in" in page.text
    assert _value(page.text, "street") == "Eigen straat"


def test_the_signal_shows_what_the_team_knows_never_case_content(client_as, make):
    make.defaults()
    make.report(status="escalated", postcode="5611AB", house_number=1, description="Geheime casusinhoud")
    page = client_as("intake").post("/intake/reports/new", data=CALL | LOOKUP | {"house_number": "1"})
    assert "Het team kent 1 andere melding op dit adres." in page.text
    assert "Er loopt een GDT-casus op dit adres." in page.text and "Geheime casusinhoud" not in page.text


def test_a_lookup_with_a_bad_postcode_shows_the_field_error(client_as, make, db):
    make.defaults()
    page = client_as("intake").post("/intake/reports/new", data=CALL | LOOKUP | {"postcode": "1234SA"})
    assert page.status_code == 422 and _reports(db) == 0
    assert "Vul een geldige postcode in" in page.text and "Gevonden in de BAG" not in page.text


def test_service_down_gives_a_note_and_saving_still_works(client_as, make, db, address_service_down):
    make.defaults()
    client = client_as("intake")
    page = client.post("/intake/reports/new", data=CALL | LOOKUP)
    assert page.status_code == 200
    assert "De adresservice is nu niet bereikbaar; u kunt het adres zelf invullen" in page.text
    saved = client.post("/intake/reports/new", data=CALL | {"street": "Stationsplein", "bag_id": BAG_12A})
    assert saved.status_code == 302
    report = db.session.scalar(sa.select(Report))
    assert (report.street, report.bag_id, report.wijk_code, report.buurt_code) == ("Stationsplein", None, None, None)
    assert "niet gevalideerd tegen de BAG" in client.get(saved.headers["Location"]).text


def test_enter_keeps_registering_the_report(client_as, make):
    """The first submit button (the one Enter presses) is a hidden copy of "Melding registreren"."""
    make.defaults()
    page = client_as("intake").get("/intake/reports/new").text
    form = page[page.index('id="phone-report"'):]
    first_submit = re.search(r'<(button|input)[^>]*type="submit"[^>]*>', form).group(0)
    assert "hidden" in first_submit and "name=" not in first_submit
    assert page.index('name="lookup"') < page.index(">Melding registreren</button>")
    assert '<script src="/static/intake.js" defer></script>' in page and 'aria-live="polite"' in page


# --- saving links the report to the BAG -------------------------------------------------------------------

def test_saving_stores_the_chosen_bag_address(client_as, make, db):
    make.defaults()
    response = client_as("intake").post("/intake/reports/new", data=CALL | {"bag_id": BAG_12A})
    assert response.status_code == 302
    report = db.session.scalar(sa.select(Report))
    assert (report.bag_id, report.house_number_addition, report.street, report.city) == (
        BAG_12A, "A", "Stationsplein", "Eindhoven")
    assert (report.wijk_code, report.buurt_code) == ("WK077211", "BU07721111")


def test_saving_a_single_match_links_it_without_a_lookup_first(client_as, make, db):
    make.defaults()
    client_as("intake").post("/intake/reports/new", data=CALL | {"house_number": "1", "street": "Zelf getypt"})
    report = db.session.scalar(sa.select(Report))
    assert report.bag_id == "0772200000001037" and report.street == "Zelf getypt"  # typed text is kept


def test_several_matches_and_no_choice_are_saved_unlinked(client_as, make, db):
    make.defaults()
    client_as("intake").post("/intake/reports/new", data=CALL | {"house_number": "32"} | {"postcode": "5611EN"})
    report = db.session.scalar(sa.select(Report))
    assert report.bag_id is None and report.house_number_addition is None


def test_a_choice_that_contradicts_the_typed_addition_is_not_linked(client_as, make, db):
    make.defaults()
    client_as("intake").post("/intake/reports/new", data=CALL | {"bag_id": BAG_12A, "house_number_addition": "B"})
    report = db.session.scalar(sa.select(Report))
    assert report.bag_id is None and report.house_number_addition == "B"


def test_a_failed_save_keeps_the_chosen_address(client_as, make, db):
    make.defaults()
    page = client_as("intake").post("/intake/reports/new", data=CALL | {"bag_id": BAG_12A, "description": ""})
    assert page.status_code == 422 and _reports(db) == 0
    assert _value(page.text, "bag_id") == BAG_12A


# --- POST /intake/address for intake.js --------------------------------------------------------------------

def test_json_lookup_returns_matches_signal_and_the_rendered_answer(client_as):
    response = client_as("intake").post("/intake/address", json={"postcode": "5611 AB", "house_number": 12})
    assert response.status_code == 200 and response.is_json
    answer = response.get_json()
    assert answer["status"] == "choose" and answer["chosen"] is None
    assert [match["bag_id"] for match in answer["matches"]] == [BAG_12, BAG_12A, BAG_12B]
    assert answer["signal"] == {"earlier_reports": 0, "has_open_case": False}
    assert 'type="radio" name="bag_id"' in answer["html"] and "autofocus" not in answer["html"]
    assert response.headers["Cache-Control"] == "no-store"


def test_json_lookup_with_one_match_names_it(client_as):
    answer = client_as("coordinator").post("/intake/address", json={
        "postcode": "5611AB", "house_number": "12", "house_number_addition": "a"}).get_json()
    assert answer["status"] == "found" and answer["chosen"]["bag_id"] == BAG_12A
    assert answer["chosen"]["street"] == "Stationsplein" and 'data-street="Stationsplein"' in answer["html"]


def test_json_lookup_when_the_service_is_down(client_as, address_service_down):
    answer = client_as("intake").post("/intake/address", json={"postcode": "5611AB", "house_number": "12"})
    assert answer.status_code == 200 and answer.get_json()["status"] == "unavailable"
    assert "niet bereikbaar" in answer.get_json()["html"]


@pytest.mark.parametrize("body", [
    {"json": {"postcode": "1234SA", "house_number": "12"}},
    {"json": {"postcode": ["5611AB"], "house_number": {"n": 12}}},
    {"json": {"postcode": "5611AB", "house_number": True}},
    {"json": ["5611AB", 12]},
    {"data": "postcode=5611AB&house_number=12", "content_type": "text/plain"},
    {},
])
def test_json_lookup_refuses_bad_input_with_field_errors_never_a_500(client_as, body):
    response = client_as("intake").post("/intake/address", **body)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) & {"postcode", "house_number"}


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_json_lookup_is_for_intake_and_coordinators_only(client_as, role):
    assert client_as(role).post("/intake/address", json={"postcode": "5611AB", "house_number": 1}).status_code == 403


def test_json_lookup_needs_the_csrf_header_when_csrf_is_on(app, client_as, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = client_as("intake")
    body = {"postcode": "5611AB", "house_number": 1}
    assert client.post("/intake/address", json=body).status_code == 400
    assert client.post("/intake/address", json=body, headers={"X-CSRFToken": "forged"}).status_code == 400
    token = _value(client.get("/intake/reports/new").text, "csrf_token")
    response = client.post("/intake/address", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.get_json()["status"] == "found"
