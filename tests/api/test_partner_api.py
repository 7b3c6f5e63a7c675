"""POST /api/v1/partner-registrations: a chain partner's own system registers a case."""
import json

import pytest
import sqlalchemy as sa

from gdt.models import PartnerRegistration, Report
from gdt.services.core import tokens
from tests.api.test_app_intake import assert_problem

URL = "/api/v1/partner-registrations"


def body(**changes) -> dict:
    document = {"registrant": {"name": "Wendy Wijkagent", "function": "wijkagent", "phone": "06 12345678"},
                "concerned": {"name": "J. Jansen"}, "category": "geluidsoverlast",
                "location": {"postcode": "5611AB", "house_number": 12}, "reason": "Bedreigingen tussen buren.",
                "already_tried": "Gesprekken.", "involved_partners": ["ggz"]}
    return document | changes


@pytest.fixture
def partner_api(app, db, make):
    make.partner("politie")
    make.partner("ggz")
    _, token = tokens.issue_api_client("politie-systeem", "partner", "politie", actor=None)

    def call(document=None, *, key="k-1", token=token, raw=None):
        headers = {"Authorization": f"Bearer {token}"} | ({"Idempotency-Key": key} if key else {})
        data = raw if raw is not None else json.dumps(document)
        return app.test_client().post(URL, data=data, content_type="application/json", headers=headers)

    call.token = token
    return call


def count(db, model=Report) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_registration_arrives_once_per_key(partner_api, db, app):
    first, again = partner_api(body()), partner_api(body())
    assert first.status_code == again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert first.get_json() == again.get_json() and count(db) == 1
    report = db.session.scalar(sa.select(Report))
    assert report.channel == "partner" and report.registration.partner.key == "politie"
    assert_problem(partner_api(body(reason="Iets anders.")), 422)
    status = app.test_client().get(first.headers["Location"], headers={"Authorization": f"Bearer {partner_api.token}"})
    assert status.status_code == 200 and status.get_json()["status"] == "received"


@pytest.mark.parametrize("document, fields", [
    (body(location={"postcode": "1234", "house_number": 0}), {"location.postcode", "location.house_number"}),
    (body(reason=""), {"reason"}), (body(registrant={}), {"registrant.name"}),
    (body(involved_partners=["bestaat-niet"]), {"involved_partners"}), (body(organisation="ggz"), {"organisation"}),
    (body(category=12), {"category"}),
])
def test_bad_documents_get_problems_per_field_and_save_nothing(partner_api, db, document, fields):
    assert_problem(partner_api(document), 422, *fields)
    assert count(db) == 0 and count(db, PartnerRegistration) == 0


def test_only_partner_clients_and_only_their_own_registrations(partner_api, app, db, make):
    location = partner_api(body()).headers["Location"]
    _, ggz_token = tokens.issue_api_client("ggz-systeem", "partner", "ggz", actor=None)
    assert_problem(app.test_client().get(location, headers={"Authorization": f"Bearer {ggz_token}"}), 404)
    _, app_token = tokens.issue_api_client("app", "app", actor=None)
    assert_problem(partner_api(body(), token=app_token, key="k-2"), 403)
    assert_problem(partner_api(body(), key=None), 400)
    assert_problem(partner_api(raw='{"reason": NaN}', key="k-3"), 400)
