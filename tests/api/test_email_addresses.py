"""One e-mail address per field in the API too: the app's reporter.email and a partner system's
registrant.email refuse a list or a named address with 422 problem+json naming the field."""
import json

import pytest
import sqlalchemy as sa

from gdt.models import Report
from gdt.services.core import tokens
from tests.api.test_app_intake import assert_problem, report_body
from tests.api.test_partner_api import body as registration_body
from tests.web.test_email_addresses import LISTS, NO_ADDRESS, NOT_ADDRESSES, ONE_ONLY


def post(client, url, token, document, key):
    return client.post(url, data=json.dumps(document), content_type="application/json",
                       headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key})


@pytest.fixture
def callers(app, db, make):
    make.defaults()
    make.partner("politie")
    make.partner("ggz")
    app_token = tokens.issue_api_client("woonoverlast-app", "app", actor=None)[1]
    partner_token = tokens.issue_api_client("politie-systeem", "partner", "politie", actor=None)[1]
    client = app.test_client()
    return {
        "reporter.email": lambda value, key: post(client, "/api/v1/reports", app_token,
                                                  report_body(reporter__email=value), key),
        "registrant.email": lambda value, key: post(client, "/api/v1/partner-registrations", partner_token,
                                                    registration_body(registrant={"name": "Wendy", "email": value}),
                                                    key),
    }


@pytest.mark.parametrize("field", ["reporter.email", "registrant.email"])
def test_a_list_or_a_named_address_is_422_naming_the_field(callers, db, field):
    for number, value in enumerate(LISTS + NOT_ADDRESSES):
        problem = assert_problem(callers[field](value, f"k-{number}"), 422, field)
        reason = next(param["reason"] for param in problem["invalidParams"] if param["name"] == field)
        assert reason == (ONE_ONLY if value in LISTS else NO_ADDRESS), value
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0


def test_one_address_is_accepted(callers, db):
    assert callers["reporter.email"]("Piet@Example.NL", "k-ok").status_code == 201
    assert db.session.scalar(sa.select(Report.reporter_email)) == "piet@example.nl"
