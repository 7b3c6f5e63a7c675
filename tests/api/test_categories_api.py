"""Categories in the API: the app lists the ones residents may choose (with their help text) and may send no other;
the staff API names the partner a report's category suggests for a referral."""
import pytest

from gdt.models import Report
from gdt.services.admin import categories
from gdt.services.core import deadlines, reference_data, tokens
from gdt.services.core.transaction import unit_of_work
from tests.api.test_app_intake import AppCaller, assert_problem, report_body


@pytest.fixture
def admin(make):
    make.defaults()
    return make.user("admin")


@pytest.fixture
def app_api(app, db, admin):
    return AppCaller(app, tokens.issue_api_client("woonoverlast-app", "app", actor=None)[1])


def test_the_app_gets_the_public_active_categories_in_order_with_their_help_text(app_api, admin):
    categories.create_category("huiselijk-geweld", "Huiselijk geweld", is_public=False, actor=admin)
    categories.set_category_active(reference_data.category_by_key("stankoverlast"), False, actor=admin)
    noise = reference_data.category_by_key("geluidsoverlast")
    categories.update_category(noise, label=noise.label, help_text="Harde muziek of bonken, vaak of 's nachts.",
                               is_public=True, triage_working_days=None, suggested_partner=None, position=20,
                               actor=admin)
    response = app_api.client.get("/api/v1/categories", headers=app_api.headers(key=""))
    assert response.status_code == 200
    listed = response.get_json()
    keys = [item["key"] for item in listed]
    assert keys == [category.key for category in reference_data.public_categories()]
    assert "huiselijk-geweld" not in keys and "stankoverlast" not in keys and keys[-1] == "geluidsoverlast"
    assert listed[-1] == {"key": "geluidsoverlast", "label": "Geluidsoverlast",
                          "helpText": "Harde muziek of bonken, vaak of 's nachts."}
    assert listed[0]["helpText"] is None


def test_the_category_list_needs_an_app_client(app, app_api, make):
    assert_problem(app.test_client().get("/api/v1/categories"), 401)
    partner_token = tokens.issue_api_client("politie-systeem", "partner", make.partner("politie").key, actor=None)
    assert_problem(app.test_client().get("/api/v1/categories",
                                         headers={"Authorization": f"Bearer {partner_token[1]}"}), 403)


@pytest.mark.parametrize("setup", ["staff_only", "retired"])
def test_a_category_residents_may_not_choose_is_refused_with_422(app_api, admin, setup):
    if setup == "staff_only":
        categories.create_category("huiselijk-geweld", "Huiselijk geweld", is_public=False, actor=admin)
        key = "huiselijk-geweld"
    else:
        key = "stankoverlast"
        categories.set_category_active(reference_data.category_by_key(key), False, actor=admin)
    problem = assert_problem(app_api.post(report_body(category=key)), 422, "category")
    assert problem["invalidParams"][0]["reason"] == "Kies een categorie."


def test_a_report_from_the_app_gets_its_categorys_triage_deadline(app_api, admin, db):
    category = reference_data.category_by_key("intimidatie")
    categories.update_category(category, label=category.label, help_text=None, is_public=True,
                               triage_working_days="1", suggested_partner=None, position=category.position,
                               actor=admin)
    created = app_api.post(report_body(category="intimidatie")).get_json()
    report = db.session.scalar(db.select(Report).where(Report.reference == created["reference"]))
    assert report.triage_due_at == deadlines.triage_due(report.received_at, category)
    assert report.triage_due_at < deadlines.triage_due(report.received_at, None)


def test_the_staff_api_names_the_partner_the_category_suggests(api, admin, make):
    coordinator = make.user("coordinator")
    report = make.report(category=make.category("verward-gedrag"))
    assert api.get(f"/api/v1/reports/{report.reference}", coordinator).get_json()["suggested_partner"] is None
    with unit_of_work():
        report.category.suggested_partner = make.partner("ggz")
    assert api.get(f"/api/v1/reports/{report.reference}", coordinator).get_json()["suggested_partner"] == "ggz"
    make.partner("ggz", is_active=False)  # a deactivated partner is suggested to no one
    assert api.get(f"/api/v1/reports/{report.reference}", coordinator).get_json()["suggested_partner"] is None
