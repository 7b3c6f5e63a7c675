"""The admin's API access page: every API client and every personal token with its status, never a token's value;
empty states; revoking a client after a confirmation page, a token with its button (through the real API:
tests/api/test_api_access.py)."""
from datetime import timedelta

from gdt.db import utcnow
from gdt.services.admin import partners, users
from gdt.services.core import tokens


def test_empty_page_says_how_clients_and_tokens_are_made(client_as, db):
    page = client_as("admin").get("/admin/api-access")
    assert page.status_code == 200
    assert "Er zijn nog geen API-clients." in page.text and "flask api-clients create" in page.text
    assert "Geen medewerker heeft een persoonlijk API-token." in page.text


def test_the_page_lists_clients_and_tokens_with_their_status_never_their_value(client_as, make, db):
    admin = make.user("admin")
    partner = make.partner("politie", name="Politie")
    app_client, app_raw = tokens.issue_api_client("woonoverlast-app", "app", actor=None)
    partner_client, _ = tokens.issue_api_client("politie-systeem", "partner", "politie", actor=None)
    revoked_client, _ = tokens.issue_api_client("oude-app", "app", actor=None)
    tokens.revoke_api_client("oude-app", actor=None)
    anna, bart = make.user("coordinator", name="Anna Actief"), make.user("intake", name="Bart Buiten")
    working, working_raw = tokens.issue_user_token_with_expiry(anna, actor=None)
    expired, _ = tokens.issue_user_token_with_expiry(anna, actor=None)
    expired.expires_at = utcnow() - timedelta(days=1)
    tokens.issue_user_token(bart, actor=None)
    users.set_user_active(bart, False, actor=admin)  # revokes Bart's token
    db.session.commit()
    partners.set_partner_active(partner, False, actor=admin)
    page = client_as(user=admin).get("/admin/api-access")
    assert page.status_code == 200
    text = page.text
    assert app_raw not in text and working_raw not in text and working.token_hash not in text
    assert "woonoverlast-app" in text and "Woonoverlast-app" in text and "Ketenpartner: Politie" in text
    assert "Ketenpartner gedeactiveerd" in text and "Ingetrokken op" in text
    assert f"/admin/api-access/clients/{app_client.id}/revoke" in text
    assert f"/admin/api-access/clients/{revoked_client.id}/revoke" not in text
    assert f"/admin/api-access/clients/{partner_client.id}/revoke" in text  # it may still be revoked for good
    assert "Anna Actief" in text and "Bart Buiten" in text and "Verlopen" in text and "Actief" in text
    assert f"/admin/api-access/tokens/{working.id}/revoke" in text
    assert f"/admin/api-access/tokens/{expired.id}/revoke" not in text
    assert "<caption" in text and 'scope="col"' in text


def test_a_revoked_client_shows_that_on_its_confirmation_page(client_as, db):
    client_row, _ = tokens.issue_api_client("oude-app", "app", actor=None)
    tokens.revoke_api_client("oude-app", actor=None)
    page = client_as("admin").get(f"/admin/api-access/clients/{client_row.id}/revoke")
    assert page.status_code == 200 and "al ingetrokken" in page.text
    assert "API-client intrekken</button>" not in page.text


def test_an_unknown_client_or_token_is_not_found(client_as, db):
    admin = client_as("admin")
    assert admin.get("/admin/api-access/clients/999999/revoke").status_code == 404
    assert admin.post("/admin/api-access/tokens/999999/revoke").status_code == 422


def test_the_api_access_page_is_for_administrators_only(client_as, db):
    assert client_as("coordinator").get("/admin/api-access").status_code == 403
