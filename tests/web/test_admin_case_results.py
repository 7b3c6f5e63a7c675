"""Admin pages for the case results: the list a case closes with, and that nobody but an admin reaches them."""
import re

import pytest
import sqlalchemy as sa
from flask import url_for

from gdt.models import AuditEvent, CaseResult
from gdt.services.admin import case_results
from gdt.services.casework import cases

NEW_RESULT = {"key": "overgedragen-politie", "label": "Overgedragen aan de politie", "needs_reason": "y"}


@pytest.fixture
def admin(make):
    make.defaults()
    return make.user("admin")


@pytest.fixture
def client(client_as, admin):
    return client_as(user=admin)


def _results(db) -> dict[str, tuple]:
    db.session.expire_all()
    rows = db.session.execute(sa.select(CaseResult.key, CaseResult.label, CaseResult.needs_reason,
                                        CaseResult.position, CaseResult.is_active)).all()
    return {row.key: tuple(row) for row in rows}


def _audited(db, actor) -> list[tuple[str, str]]:
    return db.session.execute(sa.select(AuditEvent.action, AuditEvent.object_ref).where(
        AuditEvent.object_type == "case_result", AuditEvent.actor_id == actor.id).order_by(AuditEvent.id)).all()


def _offered(make, coordinator_client) -> list[str]:
    """The result options on the close form of an open case, as the coordinator sees them."""
    case = make.report("escalated").case
    page = coordinator_client.get(f"/cases/{case.reference}/close").text
    section = page[page.index('id="close-result"'):]
    return re.findall(r'<option value="([a-z0-9-]+)"', section[:section.index("</select>")])


def test_the_list_shows_every_result_and_the_admin_menu_links_to_it(client):
    page = client.get("/admin/case-results")
    assert page.status_code == 200
    for key, label in [("de-escalated", "Gede-escaleerd"), ("stopped", "Gestopt"),
                       ("handed-over-zvh", "Overgedragen aan Zorg- en Veiligheidshuis")]:
        assert f'href="/admin/case-results/{key}"' in page.text and label in page.text
    assert 'href="/admin/case-results/new"' in page.text
    menu = re.findall(r'href="([^"]+)"\s*>([^<]+)</a>', client.get("/admin/users").text)  # not the current page
    assert ("/admin/case-results", "Resultaten") in menu
    labels = [label for _, label in menu]
    assert labels.index("Resultaten") == labels.index("Ketenpartners") + 1


def test_admin_creates_a_result_that_is_offered_when_closing(client, client_as, make, admin, db):
    assert client.get("/admin/case-results/new").status_code == 200
    response = client.post("/admin/case-results/new", data=NEW_RESULT)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/case-results"
    assert "Resultaat Overgedragen aan de politie is toegevoegd." in client.get("/admin/case-results").text
    assert _results(db)["overgedragen-politie"] == (
        "overgedragen-politie", "Overgedragen aan de politie", True, 4, True)  # last of the four defaults
    assert _offered(make, client_as("coordinator"))[-1] == "overgedragen-politie"
    assert _audited(db, admin) == [("create", "overgedragen-politie")]


def test_admin_edits_the_label_the_reason_and_the_order(client, client_as, make, admin, db):
    page = client.get("/admin/case-results/stopped")
    assert page.status_code == 200 and "Resultaat Gestopt wijzigen" in page.text and 'value="3"' in page.text
    response = client.post("/admin/case-results/stopped", data={"label": "Gestopt door het team", "position": "0"})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/case-results"
    assert _results(db)["stopped"] == ("stopped", "Gestopt door het team", False, 0, True)  # box unticked: no reason
    assert _offered(make, client_as("coordinator"))[:2] == ["de-escalated", "stopped"]
    assert _audited(db, admin) == [("update", "stopped")]


def test_admin_deactivates_a_result_that_stays_in_the_history_and_reactivates_it(client, client_as, make, admin, db):
    closed = make.case("closed", result="handed-over-zvh")
    response = client.post("/admin/case-results/handed-over-zvh/deactivate")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/case-results/handed-over-zvh"
    page = client.get("/admin/case-results/handed-over-zvh").text
    assert "wordt niet meer aangeboden bij het sluiten van een casus." in page and "Resultaat weer activeren" in page
    assert not _results(db)["handed-over-zvh"][4]
    assert "handed-over-zvh" not in [result.key for result in cases.closing_results()]
    assert "handed-over-zvh" not in _offered(make, client_as("coordinator"))
    assert cases.result_labels()["handed-over-zvh"] == "Overgedragen aan Zorg- en Veiligheidshuis"
    listing = client.get("/admin/case-results").text
    assert listing.index("handed-over-zvh") > listing.index("stopped")  # the retired ones last
    db.session.expire_all()
    assert closed.result == "handed-over-zvh"

    response = client.post("/admin/case-results/handed-over-zvh/activate")
    assert response.status_code == 302
    assert "Resultaat deactiveren" in client.get("/admin/case-results/handed-over-zvh").text
    assert "handed-over-zvh" in _offered(make, client_as("coordinator"))
    assert _audited(db, admin) == [("deactivate", "handed-over-zvh"), ("activate", "handed-over-zvh")]


def test_the_last_active_result_cannot_be_deactivated_and_the_admin_is_told_why(client, admin, db):
    for key in ("handled-by-partner", "handed-over-zvh", "stopped"):
        assert client.post(f"/admin/case-results/{key}/deactivate").status_code == 302
    before = _results(db)
    response = client.post("/admin/case-results/de-escalated/deactivate")
    assert response.status_code == 422
    assert "Dit is het laatste actieve resultaat." in response.text and "Resultaat deactiveren" in response.text
    assert _results(db) == before and before["de-escalated"][4]
    assert [result.key for result in cases.closing_results()] == ["de-escalated"]
    assert ("deactivate", "de-escalated") not in _audited(db, admin)


@pytest.mark.parametrize("data, message", [
    (NEW_RESULT | {"key": "Overgedragen Politie"}, "Een sleutel bestaat uit hoogstens 40 kleine letters"),
    (NEW_RESULT | {"key": "a" * 41}, "Een sleutel bestaat uit hoogstens 40 kleine letters"),
    (NEW_RESULT | {"key": ""}, "Een sleutel bestaat uit hoogstens 40 kleine letters"),
    (NEW_RESULT | {"key": "new"}, "Deze sleutel is gereserveerd; kies een andere."),
    (NEW_RESULT | {"key": "Stopped"}, "Er bestaat al een resultaat met deze sleutel."),
    (NEW_RESULT | {"label": "  "}, "Vul een omschrijving in."),
    (NEW_RESULT | {"label": "x" * 121}, "Gebruik hoogstens 120 tekens."),
])
def test_invalid_new_result_is_shown_again_next_to_its_field_with_422_and_nothing_is_stored(client, admin, db,
                                                                                             data, message):
    before = _results(db)
    response = client.post("/admin/case-results/new", data=data)
    assert response.status_code == 422
    field = "key" if "sleutel" in message else "label"
    error = re.search(rf'id="{field}-error">(.*?)</div>', response.text, re.S)
    assert error and message in error.group(1)
    assert 'id="error-summary"' in response.text
    assert _results(db) == before and _audited(db, admin) == []


def test_both_wrong_fields_of_a_new_result_are_shown_at_once(client, db):
    response = client.post("/admin/case-results/new", data={"key": "Geen Sleutel", "label": ""})
    assert response.status_code == 422
    assert 'id="key-error"' in response.text and 'id="label-error"' in response.text


@pytest.mark.parametrize("data, field, message", [
    ({"label": "", "position": "1"}, "label", "Vul een omschrijving in."),
    ({"label": "Gestopt", "position": "eerste"}, "position", "Vul een volgnummer in van 0 tot en met 999."),
    ({"label": "Gestopt", "position": "-1"}, "position", "Vul een volgnummer in van 0 tot en met 999."),
    ({"label": "Gestopt", "position": ""}, "position", "Vul een volgnummer in van 0 tot en met 999."),
])
def test_invalid_result_edit_is_shown_again_with_422_and_changes_nothing(client, admin, db, data, field, message):
    before = _results(db)
    response = client.post("/admin/case-results/stopped", data=data | {"needs_reason": "y"})
    assert response.status_code == 422
    error = re.search(rf'id="{field}-error">(.*?)</div>', response.text, re.S)
    assert error and message in error.group(1)
    assert _results(db) == before and _audited(db, admin) == []


def test_unknown_result_key_is_404(client):
    assert client.get("/admin/case-results/bestaat-niet").status_code == 404
    assert client.post("/admin/case-results/bestaat-niet/deactivate").status_code == 404


@pytest.mark.parametrize("role", ["intake", "coordinator", "manager", "partner"])
def test_every_case_result_page_is_forbidden_to_other_roles(app, client_as, make, db, role):
    make.defaults()
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")
             and rule.rule.startswith("/admin/case-results")]
    assert {rule.endpoint for rule in rules} == {"admin.case_results", "admin.new_case_result",
                                                 "admin.edit_case_result", "admin.deactivate_case_result",
                                                 "admin.activate_case_result"}
    before = _results(db)
    client = client_as(role)
    for rule in rules:
        with app.test_request_context():
            url = url_for(rule.endpoint, **({"key": "stopped"} if "key" in rule.arguments else {}))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method, data=NEW_RESULT | {"label": "X", "position": "0"})
            assert response.status_code == 403, (method, url)
    assert _results(db) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.object_type == "case_result")) == 0


def test_case_result_pages_send_anonymous_visitors_to_login(app, db):
    response = app.test_client().get("/admin/case-results")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_deactivating_a_result_needs_the_csrf_token_of_the_page(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/admin/case-results/stopped/deactivate").status_code == 400
    page = client.get("/admin/case-results/stopped").text
    token = re.search(r'name="active-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/admin/case-results/stopped/deactivate", data={"active-csrf_token": token}).status_code == 302
    assert not case_results.get_result("stopped").is_active


def test_the_result_page_shows_its_change_history_with_the_values_before_and_after(client, admin):
    assert "Er zijn nog geen wijzigingen vastgelegd." in client.get("/admin/case-results/stopped").text
    client.post("/admin/case-results/stopped", data={"label": "Gestopt op verzoek", "needs_reason": "y",
                                                    "position": "7"})
    client.post("/admin/case-results/stopped/deactivate")
    page = client.get("/admin/case-results/stopped").text
    history = page[page.index('id="wijzigingen"'):]
    assert history.index("Gedeactiveerd") < history.index("Gewijzigd")  # newest first
    assert "Omschrijving: Gestopt → Gestopt op verzoek" in history
    assert "Volgnummer: 3 → 7" in history
    assert "Actief: ja → nee" in history
    assert admin.name in history
    assert "Reden verplicht" not in history  # unchanged fields are not listed


def test_an_update_that_changes_nothing_leaves_no_history(client, db):
    result = case_results.get_result("stopped")
    case_results.update_result(result, label=result.label, needs_reason=result.needs_reason,
                               position=result.position, actor=None)
    assert case_results.history(result) == []
    case_results.update_result(result, label="Gestopt (cli)", needs_reason=True, position=result.position, actor=None)
    [line] = case_results.history(result)
    assert line.who == "beheerder via de opdrachtregel" and line.details == ("Omschrijving: Gestopt → Gestopt (cli)",)
