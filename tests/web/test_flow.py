"""The core flow through the pages: phone intake → triage → case → close."""
import re

import sqlalchemy as sa

from gdt.models import AuditEvent, Case, Report

PHONE_REPORT = {
    "category": "geluidsoverlast", "description": "Elke nacht harde muziek.", "postcode": " 5611 ab ",
    "house_number": "12", "house_number_addition": "a", "reporter_name": "Piet de Vries",
    "reporter_phone": "06 1234 5678", "reporter_may_contact": "y",
}


def test_intake_registers_a_phone_report_and_sees_the_address_signal(client_as, make, db):
    make.defaults()
    client = client_as("intake")
    response = client.post("/intake/reports/new", data=PHONE_REPORT)
    assert response.status_code == 302
    report = db.session.scalar(sa.select(Report))
    assert report.reference.startswith("GDT-20") and report.postcode == "5611AB"
    assert report.house_number_addition == "A" and report.channel == "phone" and report.status == "received"
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Dit adres is nog niet bekend bij het team." in page.text
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_ref == report.reference)).all()
    assert actions == ["create", "view"]


def test_invalid_phone_report_shows_errors_and_stores_nothing(client_as, make, db):
    make.defaults()
    response = client_as("intake").post("/intake/reports/new", data=PHONE_REPORT | {"postcode": "1234SA",
                                                                                     "house_number": "١٢"})
    assert response.status_code == 422
    assert "Vul een geldige postcode in" in response.text and "Vul een huisnummer in van 1" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0


def test_coordinator_escalates_and_runs_the_case_to_close(client_as, make, db):
    report = make.report()
    coordinator = make.user("coordinator")
    client = client_as(user=coordinator)
    assert client.get(f"/reports/{report.reference}").status_code == 200
    response = client.post(f"/reports/{report.reference}/escalate",
                           data={"escalate-reason": "Dreigingen aan buren.", "escalate-version": report.version})
    assert response.status_code == 302, response.text
    case = db.session.scalar(sa.select(Case))
    version = case.version
    steps = [
        ("coordinator", {"coordinator-coordinator": coordinator.id}),
        ("mode", {"mode-mode": "regie"}),
        ("partners", {"partners-partner": "politie", "partners-role": "wijkagent"}),
        ("notes", {"notes-body": "Huisbezoek gepland."}),
        ("close", {"close-result": "de-escalated"}),
    ]
    for name, data in steps:
        version = db.session.scalar(sa.select(Case.version).where(Case.id == case.id))
        response = client.post(f"/cases/{case.reference}/{name}", data=data | {f"{name}-version": version})
        assert response.status_code == 302, (name, response.text)
    db.session.expire_all()
    assert case.status == "closed" and case.mode == "regie" and case.coordinator_id == coordinator.id
    assert [event.event for event in case.events] == [
        "open", "assign_coordinator", "decide_mode", "involve_partner", "add_note", "close"]
    assert client.get(f"/cases/{case.reference}").status_code == 200


def test_coordinator_refers_a_report(client_as, make, db):
    report = make.report()
    client = client_as("coordinator")
    response = client.post(f"/reports/{report.reference}/refer", data={
        "refer-partner": "ruimtelijk-domein", "refer-reason": "Vervuiling in de tuin",
        "refer-question": "Wilt u de tuin laten opruimen?", "refer-version": report.version})
    assert response.status_code == 302, response.text
    db.session.expire_all()
    assert report.status == "referred" and report.referred_partner.key == "ruimtelijk-domein"


def test_a_stale_case_edit_is_refused_with_the_input_kept(client_as, make, db):
    case = make.case()
    first, second = client_as("coordinator"), client_as("coordinator")
    seen = case.version
    assert (
        first.post(f"/cases/{case.reference}/mode", data={"mode-mode": "advice", "mode-version": seen}).status_code
        == 302
    )
    response = second.post(f"/cases/{case.reference}/notes", data={"notes-body": "Mijn notitie", "notes-version": seen})
    assert response.status_code == 302  # journal notes are appended, never overwrite anything
    response = second.post(f"/cases/{case.reference}/mode", data={"mode-mode": "regie", "mode-version": seen})
    assert response.status_code == 422
    assert "door iemand anders gewijzigd" in response.text
    assert re.search(r'<input checked[^>]*value="regie"', response.text)
    db.session.expire_all()
    assert case.mode == "advice"


def test_a_stale_triage_is_refused_with_the_reason_kept(client_as, make, db):
    report = make.report()
    seen = report.version
    client = client_as("coordinator")
    client.post(
        f"/reports/{report.reference}/refer",
        data={"refer-partner": "politie", "refer-reason": "Eerst", "refer-question": "Graag langsgaan.",
              "refer-version": seen},
    )
    response = client_as("coordinator").post(
        f"/reports/{report.reference}/escalate",
        data={"escalate-reason": "Mijn uitgebreide motivering", "escalate-version": seen},
    )
    assert response.status_code == 422
    assert "Mijn uitgebreide motivering" in response.text or "gewijzigd" in response.text
    db.session.expire_all()
    assert report.status == "referred" and report.case_id is None


def test_intake_sees_only_that_an_address_is_known(client_as, make, db):
    intake_user = make.user("intake")
    make.report(status="escalated", postcode="5611AB", house_number=1, description="Geheime casusinhoud")
    mine = make.report(postcode="5611AB", house_number=1, registered_by_id=intake_user.id)
    someone_elses = make.report(postcode="5611AB", house_number=2)
    client = client_as(user=intake_user)
    page = client.get(f"/intake/reports/{mine.reference}")
    assert "Het team kent 1 andere melding op dit adres." in page.text
    assert "Er loopt een GDT-casus op dit adres." in page.text
    assert "Geheime casusinhoud" not in page.text
    assert client.get(f"/intake/reports/{someone_elses.reference}").status_code == 403
    assert client.get(f"/reports/{mine.reference}").status_code == 403
    queue = client.get("/intake/queue")
    assert mine.reference in queue.text and "Geheime casusinhoud" not in queue.text
