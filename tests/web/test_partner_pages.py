"""Partner users: register a case through the page, follow their own organisation's registrations only."""
import sqlalchemy as sa

from gdt.models import AuditEvent, PartnerRegistration, Report

FORM = {"registrant_name": "Wendy Wijkagent", "registrant_function": "wijkagent", "registrant_phone": "06 12345678",
        "category": "geluidsoverlast", "postcode": "5611 AB", "house_number": "12",
        "reason": "Bedreigingen tussen buren.", "already_tried": "Gesprekken.", "involved_partners": ["ggz"]}


def test_a_partner_user_registers_a_case(client_as, make, db):
    make.partner("ggz")
    user = make.user("partner")
    client = client_as(user=user)
    form = client.get("/partner/aanmelden").text
    assert user.name in form and "(optioneel)" in form and 'autocomplete="tel"' in form
    response = client.post("/partner/aanmelden", data=FORM)
    assert response.status_code == 302
    report = db.session.scalar(sa.select(Report))
    assert report.channel == "partner" and response.headers["Location"].endswith(report.reference)
    page = client.get(response.headers["Location"]).text
    assert "Ontvangen" in page and "Bedreigingen tussen buren." in page and "GGZ" in page.upper()
    assert report.reference in client.get("/partner").text
    coordinator_page = client_as("coordinator").get(f"/reports/{report.reference}").text
    assert "Aanmelding door" in coordinator_page and "Wendy Wijkagent" in coordinator_page


def test_mistakes_come_back_next_to_their_fields(client_as, make, db):
    client = client_as(user=make.user("partner"))
    response = client.post("/partner/aanmelden", data=FORM | {"reason": "", "postcode": "12345", "house_number": "0"})
    assert response.status_code == 422
    for field in ("reason", "postcode", "house_number"):
        assert f'id="{field}-error"' in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PartnerRegistration)) == 0


def test_another_organisations_registration_is_not_found_and_the_try_is_audited(client_as, make, db):
    politie, ggz = make.partner("politie"), make.partner("ggz")
    agent = client_as(user=make.user("partner", partner=politie))
    agent.post("/partner/aanmelden", data=FORM | {"involved_partners": []})
    reference = db.session.scalar(sa.select(Report.reference))
    nurse_user = make.user("partner", partner=ggz)
    nurse = client_as(user=nurse_user)
    assert nurse.get(f"/partner/aanmeldingen/{reference}").status_code == 404
    assert reference not in nurse.get("/partner").text
    assert db.session.scalar(sa.select(AuditEvent.outcome).where(AuditEvent.actor_id == nurse_user.id,
                                                                 AuditEvent.action == "view")) == "denied"


def test_partner_users_reach_nothing_of_the_team(client_as, make):
    client = client_as(user=make.user("partner"))
    assert client.get("/").headers["Location"].endswith("/partner/doorverwijzingen")
    for url in ("/intake/queue", "/cases", "/statistics", "/admin/users", "/intake/reports/new"):
        assert client.get(url).status_code == 403, url
