"""Invisible format characters ("Piet \\u202egnp.exe"): every name rule refuses them with a Dutch message, in
every channel; free text (descriptions, notes) is stored without them, so nothing can reorder what is shown.

The character cases are in tests/unit/test_validation.py; this test checks that each channel and each name
field really uses the name rule, and that the free text of each channel is cleaned.
"""
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from gdt.db import utcnow
from gdt.models import Report
from gdt.services.admin import case_results, partners, users
from gdt.services.casework import cases, meetings
from gdt.services.core import teams, tokens
from gdt.services.core.errors import ServiceError
from gdt.services.intake import partner_registrations, report_intake
from gdt.services.reporting import indicators
from gdt.validation import FORMAT_IN_NAME, InvalidValue
from tests.api.test_app_intake import report_body
from tests.api.test_partner_api import body as registration_body
from tests.web.test_flow import PHONE_REPORT
from tests.web.test_webform import answers

SPOOFED = "Piet \u202egnp.exe"  # shows as "Piet exe.png"
MESSAGE = str(FORMAT_IN_NAME)
RULE_SETS = {"report_intake": report_intake.RULES, "partner_registrations": partner_registrations.RULES,
             "users": users.RULES, "partners": partners.RULES, "case_results": case_results.RULES,
             "indicators": indicators.INDICATOR_RULES}


def name_fields():
    return [(module, field) for module, rules in RULE_SETS.items() for field in rules
            if "name" in field or field == "label"]


def test_the_name_fields_this_test_knows():
    assert set(name_fields()) == {
        ("report_intake", "reporter_name"), ("partner_registrations", "registrant_name"),
        ("partner_registrations", "concerned_name"), ("users", "name"), ("partners", "name"),
        ("case_results", "label"), ("indicators", "name"),
    }


@pytest.mark.parametrize(("module", "field"), name_fields())
def test_every_name_rule_refuses_format_characters(app, module, field):
    rule = RULE_SETS[module][field]
    with app.test_request_context(), pytest.raises(InvalidValue) as refused:
        rule(SPOOFED)
    assert str(refused.value.message) == MESSAGE
    with app.test_request_context():
        assert rule("Piet de Vries") == "Piet de Vries"


def test_the_webform_refuses_the_name_and_cleans_the_description(app, db, make):
    make.defaults()
    visitor = app.test_client()
    response = visitor.post("/melden", data=answers(visitor, reporter_name=SPOOFED))
    assert response.status_code == 422 and MESSAGE in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0
    response = visitor.post("/melden", data=answers(visitor, description="Muziek \u202etot drie uur\u202c."))
    assert response.status_code in (302, 303) and "/melden/ontvangen" in response.headers["Location"]
    assert db.session.scalar(sa.select(Report.description)) == "Muziek tot drie uur."


def test_the_phone_intake_refuses_the_name_and_cleans_the_description(client_as, db, make):
    make.defaults()
    client = client_as("intake")
    response = client.post("/intake/reports/new", data=PHONE_REPORT | {"reporter_name": SPOOFED})
    assert response.status_code == 422 and MESSAGE in response.get_data(as_text=True)
    response = client.post("/intake/reports/new", data=PHONE_REPORT | {"description": "\u2066Harde\u2069 muziek\u200b"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Report.description)) == "Harde muziek"


def test_the_app_api_refuses_the_name_and_cleans_the_description(app, db, make):
    make.defaults()
    token = tokens.issue_api_client("woonoverlast-app", "app", actor=None)[1]

    def post(document, key):
        return app.test_client().post("/api/v1/reports", data=json.dumps(document), content_type="application/json",
                                      headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key})

    refused = post(report_body(reporter__name=SPOOFED), "k-1")
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    assert {"name": "reporter.name", "reason": MESSAGE} in refused.get_json()["invalidParams"]
    assert post(report_body(description="Muziek \u202etot drie uur."), "k-2").status_code == 201
    assert db.session.scalar(sa.select(Report.description)) == "Muziek tot drie uur."


@pytest.mark.parametrize(("part", "field"), [("registrant", "name"), ("concerned", "name")])
def test_the_partner_api_refuses_both_names(app, db, make, part, field):
    make.partner("politie")
    make.partner("ggz")
    token = tokens.issue_api_client("politie-systeem", "partner", "politie", actor=None)[1]
    document = registration_body()
    document[part] = document[part] | {field: SPOOFED}
    response = app.test_client().post("/api/v1/partner-registrations", data=json.dumps(document),
                                      content_type="application/json",
                                      headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k-1"})
    assert response.status_code == 422
    assert {"name": f"{part}.{field}", "reason": MESSAGE} in response.get_json()["invalidParams"]


def test_the_case_names_are_refused_and_the_journal_cleaned(db, make):
    make.partner("politie")
    coordinator, case = make.user("coordinator"), make.case()
    with pytest.raises(ServiceError) as refused:
        cases.involve_partner(case, "politie", "Wijkagent", actor=coordinator, seen_version=case.version,
                              contact_name=SPOOFED)
    assert (refused.value.field, str(refused.value.message)) == ("contact_name", MESSAGE)
    with pytest.raises(ServiceError) as refused:
        cases.add_party(case, SPOOFED, "resident", None, actor=coordinator)
    assert (refused.value.field, str(refused.value.message)) == ("name", MESSAGE)
    note = cases.add_note(case, "Buurman \u202ezegt\u202c: 'niets gehoord'.", actor=coordinator)
    assert note.body == "Buurman zegt: 'niets gehoord'."


def test_a_meeting_invitee_is_a_name(db, make):
    coordinator, case = make.user("coordinator"), make.case()
    with pytest.raises(ServiceError) as refused:
        meetings.plan(case, utcnow() + timedelta(days=3), "Stadskantoor", [], [SPOOFED], actor=coordinator)
    assert (refused.value.field, str(refused.value.message)) == ("people", MESSAGE)


def test_a_team_is_a_name(db, make):
    with pytest.raises(ServiceError) as refused:
        teams.set_team(make.user("coordinator"), "Team \u202eZuid", actor=make.user("admin"))
    assert (refused.value.field, str(refused.value.message)) == ("team", MESSAGE)


def test_a_new_user_by_the_admin_page(client_as, db):
    response = client_as("admin").post("/admin/users/new", data={
        "name": SPOOFED, "email": "piet@gemeente.nl", "role": "intake", "password": "een lang genoeg wachtwoord"})
    assert response.status_code == 422 and MESSAGE in response.get_data(as_text=True)
