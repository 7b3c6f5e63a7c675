"""Admin pages: accounts and chain partners, and that nobody but an admin reaches them."""
import re

import pytest
import sqlalchemy as sa
from flask import url_for

from gdt.models import Partner, User
from gdt.services.core import tokens

NEW_USER = {"name": "Anna de Wit", "email": "Anna.de.Wit@gemeente.nl", "role": "intake"}
NEW_PARTNER = {"key": "politie-oost", "name": "Politie Oost", "kind": "police", "delivery_method": "email",
               "email": "meldingen@politie-oost.example"}


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _redirects_to_login(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_admin_creates_a_user_without_a_password_and_invites_them(client_as, db, inbox):
    client = client_as("admin")
    form = client.get("/admin/users/new").text
    assert 'type="password"' not in form and "uitnodiging" in form
    response = client.post("/admin/users/new", data=NEW_USER)
    user = db.session.scalar(sa.select(User).where(User.email == "anna.de.wit@gemeente.nl"))
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/users/{user.id}"
    assert (user.name, user.role, user.is_active, user.password_hash) == ("Anna de Wit", "intake", True, None)
    page = client.get(f"/admin/users/{user.id}")
    assert "Uitnodiging verstuurd naar anna.de.wit@gemeente.nl." in page.text
    assert "Uitnodiging opnieuw versturen" in page.text
    [(recipients, mail)] = inbox.wait_for(1)
    assert recipients == ["anna.de.wit@gemeente.nl"] and "/invitation?token=" in mail.get_content()
    page = client.get("/admin/users")
    assert f"/admin/users/{user.id}" in page.text and "anna.de.wit@gemeente.nl" in page.text and "Intake" in page.text


def test_invalid_new_user_is_shown_again_with_422_and_nothing_is_stored(client_as, db):
    client = client_as("admin")
    before = _count(db, User)
    response = client.post("/admin/users/new", data=NEW_USER | {"email": "geen-adres"})
    assert response.status_code == 422
    assert "Vul een geldig e-mailadres in" in response.text
    assert _count(db, User) == before


def test_duplicate_email_is_shown_next_to_the_field(client_as, make, db):
    make.user(email="anna.de.wit@gemeente.nl")
    response = client_as("admin").post("/admin/users/new", data=NEW_USER)
    assert response.status_code == 422 and "Er bestaat al een account met dit e-mailadres." in response.text


def test_admin_changes_a_role_and_the_user_must_log_in_again(client_as, make, db):
    user = make.user("intake")
    user_client = client_as(user=user)
    assert user_client.get("/intake/queue").status_code == 200
    response = client_as("admin").post(f"/admin/users/{user.id}", data={"name": user.name, "role": "coordinator"})
    assert response.status_code == 302
    db.session.expire_all()
    assert user.role == "coordinator"
    assert _redirects_to_login(user_client.get("/intake/queue"))


def test_admin_deactivates_a_user_whose_open_session_ends_at_once(client_as, make, db):
    user = make.user("coordinator")
    user_client = client_as(user=user)
    assert user_client.get("/cases").status_code == 200
    admin_client = client_as("admin")
    response = admin_client.post(f"/admin/users/{user.id}/deactivate")
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/users/{user.id}"
    assert _redirects_to_login(user_client.get("/cases"))
    assert "Account weer activeren" in admin_client.get(f"/admin/users/{user.id}").text
    assert admin_client.post(f"/admin/users/{user.id}/activate").status_code == 302
    db.session.expire_all()
    assert user.is_active


def test_admin_cannot_deactivate_themselves_and_is_told_why(client_as, make, db):
    admin = make.user("admin")
    client = client_as(user=admin)
    response = client.post(f"/admin/users/{admin.id}/deactivate")
    assert response.status_code == 422 and "U kunt uw eigen account niet deactiveren." in response.text
    assert client.get("/admin/users").status_code == 200


def test_admin_cannot_change_their_own_role_and_is_told_why(client_as, make, db):
    admin = make.user("admin")
    response = client_as(user=admin).post(f"/admin/users/{admin.id}", data={"name": admin.name, "role": "manager"})
    assert response.status_code == 422 and "U kunt uw eigen rol niet wijzigen." in response.text
    db.session.expire_all()
    assert admin.role == "admin"


def test_unknown_user_id_is_404(client_as, db):
    assert client_as("admin").get("/admin/users/987654").status_code == 404


def test_admin_creates_edits_and_deactivates_a_partner(client_as, make, db):
    make.defaults()
    client = client_as("admin")
    response = client.post("/admin/partners/new", data=NEW_PARTNER)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/partners"
    assert "Ketenpartner Politie Oost is toegevoegd." in client.get("/admin/partners").text

    response = client.post("/admin/partners/politie-oost",
                           data={"name": "Politie Eenheid Oost", "kind": "police", "email": "Oost@Politie.nl"})
    assert response.status_code == 302
    partner = db.session.scalar(sa.select(Partner).where(Partner.key == "politie-oost"))
    assert (partner.name, partner.email) == ("Politie Eenheid Oost", "oost@politie.nl")

    assert client.post("/admin/partners/politie-oost/deactivate").status_code == 302
    db.session.expire_all()
    assert not partner.is_active
    assert "Ketenpartner weer activeren" in client.get("/admin/partners/politie-oost").text


def test_invalid_new_partner_is_shown_again_with_422_and_nothing_is_stored(client_as, make, db):
    make.defaults()
    before = _count(db, Partner)
    response = client_as("admin").post("/admin/partners/new", data=NEW_PARTNER | {"key": "Politie Oost", "kind": ""})
    assert response.status_code == 422
    assert "Een sleutel bestaat uit hoogstens 60 kleine letters" in response.text
    assert "Kies een soort ketenpartner." in response.text
    assert _count(db, Partner) == before


def test_invalid_partner_edit_is_shown_again_with_422_and_changes_nothing(client_as, make, db):
    partner = make.partner("politie")
    response = client_as("admin").post("/admin/partners/politie", data={"name": "", "kind": "police", "email": ""})
    assert response.status_code == 422 and "Vul een naam in." in response.text
    db.session.expire_all()
    assert partner.name == "Politie"


@pytest.mark.parametrize("role", ["intake", "coordinator", "manager"])
def test_every_admin_page_is_forbidden_to_other_roles(app, client_as, make, db, role):
    target, partner = make.user("intake"), make.partner("politie")
    arguments = {"user_id": target.id, "key": partner.key, "category_id": make.category().id,
                 "token_id": tokens.issue_user_token_with_expiry(target, actor=None)[0].id,
                 "code": "WK077201", "day": "2030-01-02", "template_id": 1, "text_id": 1, "type_id": 1,
                 "subscription_id": 1, "delivery_id": 1,
                 "client_id": tokens.issue_api_client("forbidden-app", "app", actor=None)[0].id}
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")]
    assert len(rules) >= 10
    client = client_as(role)
    for rule in rules:
        with app.test_request_context():
            url = url_for(rule.endpoint, **{name: arguments[name] for name in rule.arguments})
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method, data={"name": "X", "role": "admin", "kind": "other"})
            assert response.status_code == 403, (method, url)
    db.session.expire_all()
    assert (target.role, target.is_active, partner.name, partner.is_active) == ("intake", True, "Politie", True)
    assert len(tokens.tokens_of(target)) == 1


def test_admin_pages_send_anonymous_visitors_to_login(app, db):
    assert _redirects_to_login(app.test_client().get("/admin/users"))


def test_deactivation_needs_the_csrf_token_of_the_page(app, client_as, make, db, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    user = make.user("coordinator")
    client = client_as("admin")
    assert client.post(f"/admin/users/{user.id}/deactivate").status_code == 400
    page = client.get(f"/admin/users/{user.id}").text
    token = re.search(r'name="active-csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"/admin/users/{user.id}/deactivate", data={"active-csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert not user.is_active


def test_a_partner_user_needs_an_active_organisation_and_staff_get_none(client_as, make, db):
    client, politie = client_as("admin"), make.partner("politie")
    missing = client.post("/admin/users/new", data=NEW_USER | {"role": "partner", "partner": ""})
    assert missing.status_code == 422 and "Kies de organisatie" in missing.text and _count(db, User) == 1
    created = client.post("/admin/users/new", data=NEW_USER | {"role": "partner", "partner": "politie"})
    assert created.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "anna.de.wit@gemeente.nl"))
    assert (user.role, user.partner_id) == ("partner", politie.id)
    client.post(f"/admin/users/{user.id}", data={"name": user.name, "role": "intake", "partner": "politie"})
    db.session.expire_all()
    assert (user.role, user.partner_id) == ("intake", None)  # staff belong to no partner organisation
