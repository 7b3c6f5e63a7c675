"""One e-mail address per field, in every channel that takes one: a list or a named address is refused
with a Dutch message next to the field, and nothing is stored.

The rule is gdt.validation.normalise_email (tests/unit/test_validation.py has its cases); this test checks
that each form and service really applies it. The API channels are in tests/api/test_email_addresses.py.
"""
import pytest
import sqlalchemy as sa

from gdt.models import CasePartner, Partner, PartnerRegistration, Report, User
from gdt.services.casework import cases
from gdt.services.core.errors import ServiceError
from tests.web.test_admin import NEW_PARTNER, NEW_USER
from tests.web.test_flow import PHONE_REPORT
from tests.web.test_partner_pages import FORM as REGISTRATION
from tests.web.test_webform import answers

ONE_ONLY = "Vul één e-mailadres in, zonder komma, puntkomma, spatie of naam ervoor."
NO_ADDRESS = "Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl."
LISTS = ["eve@evil.example,bob", "eve@evil.example;carol@example.nl", ";carol@example.nl",
         "group:eve@evil.example,bob@example.nl;", "Eve <eve@evil.example>", "eve@evil.example bob@example.nl"]
NOT_ADDRESSES = ["eve", "eve@evil", "eve@evil.local", "jürgen@example.de", "eve@@evil.example"]


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def refused(response, message):
    assert response.status_code == 422, response.status_code
    assert message in response.get_data(as_text=True)


def cases_of_bad_addresses():
    return [(value, ONE_ONLY) for value in LISTS] + [(value, NO_ADDRESS) for value in NOT_ADDRESSES]


@pytest.mark.parametrize(("value", "message"), cases_of_bad_addresses())
def test_the_webform(app, db, make, value, message):
    make.defaults()
    visitor = app.test_client()
    refused(visitor.post("/melden", data=answers(visitor, reporter_email=value)), message)
    assert count(db, Report) == 0


@pytest.mark.parametrize(("value", "message"), cases_of_bad_addresses())
def test_the_phone_intake(client_as, db, make, value, message):
    make.defaults()
    refused(client_as("intake").post("/intake/reports/new", data=PHONE_REPORT | {"reporter_email": value}), message)
    assert count(db, Report) == 0


@pytest.mark.parametrize(("value", "message"), cases_of_bad_addresses())
def test_the_partners_registration_form(client_as, db, make, value, message):
    make.partner("ggz")
    client = client_as(user=make.user("partner"))
    refused(client.post("/partner/aanmelden", data=REGISTRATION | {"registrant_email": value}), message)
    assert count(db, PartnerRegistration) == 0


@pytest.mark.parametrize(("value", "message"), cases_of_bad_addresses())
def test_a_new_user(client_as, db, value, message):
    client = client_as("admin")
    before = count(db, User)
    refused(client.post("/admin/users/new", data=NEW_USER | {"email": value}), message)
    assert count(db, User) == before


@pytest.mark.parametrize(("value", "message"), cases_of_bad_addresses())
def test_a_partners_address_new_and_edited(client_as, db, make, value, message):
    make.defaults()
    client = client_as("admin")
    before = count(db, Partner)
    refused(client.post("/admin/partners/new", data=NEW_PARTNER | {"email": value}), message)
    assert count(db, Partner) == before
    partner = make.partner("politie", email="meldingen@politie.example")
    refused(client.post("/admin/partners/politie", data={"name": partner.name, "kind": "police", "email": value}),
            message)
    db.session.expire_all()
    assert partner.email == "meldingen@politie.example"


@pytest.mark.parametrize("value", LISTS + NOT_ADDRESSES)
def test_a_case_partners_contact(db, make, value):
    make.partner("politie")
    case = make.case()
    with pytest.raises(ServiceError) as error:
        cases.involve_partner(case, "politie", "Wijkagent", actor=make.user("coordinator"), seen_version=case.version,
                              contact_email=value)
    assert error.value.field == "contact_email" and str(error.value.message) in (ONE_ONLY, NO_ADDRESS)
    assert count(db, CasePartner) == 0


@pytest.mark.parametrize("value", LISTS[:2])
def test_the_command_line(runner, db, value):
    result = runner.invoke(args=["users", "create", "--email", value, "--name", "Eve", "--role", "intake"],
                           input="een lang genoeg wachtwoord\neen lang genoeg wachtwoord\n")
    assert result.exit_code != 0 and "e-mailadres" in result.output
    assert db.session.scalar(sa.select(User).where(User.name == "Eve")) is None


def test_one_address_is_stored_lower_case_in_its_smtp_form(client_as, db, make):
    make.defaults()
    client = client_as("intake")
    response = client.post("/intake/reports/new", data=PHONE_REPORT | {"reporter_email": " Piet@Bücher.DE "})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Report.reporter_email)) == "piet@xn--bcher-kva.de"
