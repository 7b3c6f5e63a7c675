"""The partner's registration form checks the address as the phone intake does ("Zoek adres" without JavaScript, the
JSON endpoint for intake.js, the same partial), but never says what the team knows at the address. The bundled
fixture (gdt/data/addresses.json) is the address service here."""
import re

import pytest
import sqlalchemy as sa

from gdt.models import PartnerRegistration, Report
from gdt.services.intake import partner_registrations, report_intake

BAG_12, BAG_12A = "0772200000001111", "0772200000001148"
FORM = {"registrant_name": "Wendy Wijkagent", "registrant_phone": "06 12345678", "category": "geluidsoverlast",
        "postcode": "5611 ab", "house_number": "1", "reason": "Bedreigingen tussen buren."}
LOOKUP = {"lookup": "Zoek adres"}
TEAM_KNOWS = ("Het team kent", "nog niet bekend bij het team", "GDT-casus")


def _value(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page).group(1)


def _registrations(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(PartnerRegistration))


@pytest.fixture
def partner(make, client_as):
    make.defaults()
    return client_as(user=make.user("partner"))


@pytest.fixture
def known_address(make):
    """The team knows Stationsplein 1 and 12: earlier reports there, one in an open case."""
    case = make.case()
    make.report("escalated", postcode="5611AB", house_number=1, case=case, description="Casusinhoud")
    make.report(postcode="5611AB", house_number=12)


def test_the_form_offers_the_address_check_with_a_hint(partner):
    page = partner.get("/partner/aanmelden").text
    assert 'data-address-url="/partner/adres"' in page and "intake.js" in page
    assert re.search(r'<input[^>]*aria-describedby="address-lookup-hint"[^>]*value="Zoek adres"', page)
    assert 'id="address-lookup-hint"' in page and 'id="address-result" aria-live="polite"' in page


def test_zoek_adres_without_javascript_fills_street_and_city_and_sends_nothing(db, partner, known_address):
    page = partner.post("/partner/aanmelden", data=FORM | LOOKUP)
    assert page.status_code == 200 and _registrations(db) == 0
    assert "Gevonden in de BAG:" in page.text and _value(page.text, "bag_id") == "0772200000001037"
    assert _value(page.text, "street") == "Stationsplein" and _value(page.text, "city") == "Eindhoven"
    assert "Bedreigingen tussen buren." in page.text and "Er is iets niet goed ingevuld" not in page.text
    for words in TEAM_KNOWS:  # a partner never learns whether the team knows the address
        assert words not in page.text


def test_several_addresses_at_a_number_are_offered_and_the_chosen_one_is_registered(db, partner):
    page = partner.post("/partner/aanmelden", data=FORM | LOOKUP | {"house_number": "12"})
    assert "Kies het adres" in page.text
    assert re.search(rf'<input[^>]*type="radio"\s+name="bag_id"[^>]*value="{BAG_12A}"', page.text)
    done = partner.post("/partner/aanmelden", data=FORM | {"house_number": "12", "bag_id": BAG_12A})
    assert done.status_code == 302, done.text
    report = db.session.scalar(sa.select(Report).where(Report.channel == "partner"))
    assert report.bag_id == BAG_12A and report.house_number_addition == "A" and report.street == "Stationsplein"


def test_a_mistyped_address_is_shown_next_to_its_field(db, partner):
    page = partner.post("/partner/aanmelden", data=FORM | LOOKUP | {"postcode": "12345"})
    assert page.status_code == 422 and 'id="postcode-error"' in page.text and _registrations(db) == 0


def test_the_endpoint_for_intake_js_answers_with_the_bag_only(partner, known_address):
    answer = partner.post("/partner/adres", json={"postcode": "5611AB", "house_number": 12})
    body = answer.get_json()
    assert answer.status_code == 200 and body["status"] == "choose" and len(body["matches"]) == 3
    assert "signal" not in body and "Kies het adres" in body["html"]
    for words in TEAM_KNOWS:
        assert words not in body["html"]
    refused = partner.post("/partner/adres", json={"postcode": "1234", "house_number": ["1"]})
    assert refused.status_code == 422 and set(refused.get_json()["errors"]) >= {"postcode", "house_number"}


def test_only_partner_users_use_the_partners_lookup_and_not_the_intakes(client_as, partner):
    assert partner.post("/intake/address", json={"postcode": "5611AB", "house_number": 1}).status_code == 403
    for role in ("intake", "coordinator", "manager", "admin"):
        assert client_as(role).post("/partner/adres", json={"postcode": "5611AB", "house_number": 1}).status_code == 403


def test_the_partners_lookup_service_leaves_out_what_the_team_knows(db, make, known_address):
    lookup = partner_registrations.lookup_address("5611AB", "1")
    assert lookup.status == "found" and lookup.chosen.street == "Stationsplein" and lookup.signal is None
    assert report_intake.lookup_address("5611AB", "1").signal == (1, True)  # what intake would be told
