"""The API tokens on the user's own account page and on the admin's user page: listed (never their value) with
created, valid until and last use, and revocable there."""
import re

import sqlalchemy as sa

from gdt.models import AuditEvent
from gdt.services.core import tokens


def _csrf_free_post(client, url):
    """The shared test app has CSRF off; tests/e2e posts the real forms with their tokens."""
    return client.post(url, data={})


def test_the_account_page_lists_the_own_working_tokens(client_as, make, db):
    user = make.user("coordinator")
    token, raw = tokens.issue_user_token_with_expiry(user, actor=None)
    tokens.issue_user_token(make.user("coordinator"), actor=None)  # someone else's
    response = client_as(user=user).get("/account")
    assert response.status_code == 200
    assert "API-tokens" in response.text and "Geldig tot" in response.text and "Nog nooit" in response.text
    assert raw not in response.text and token.token_hash not in response.text
    assert response.text.count("/revoke") == 1 and f"/account/tokens/{token.id}/revoke" in response.text


def test_a_user_revokes_an_own_token_on_the_account_page(client_as, make, db):
    user = make.user("intake")
    token, raw = tokens.issue_user_token_with_expiry(user, actor=None)
    client = client_as(user=user)
    response = _csrf_free_post(client, f"/account/tokens/{token.id}/revoke")
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert tokens.authenticate(raw) is None
    assert "Geen werkende API-tokens." in client.get("/account").text


def test_a_user_cannot_revoke_someone_else_s_token_through_the_account_page(client_as, make, db):
    owner = make.user("coordinator")
    token, raw = tokens.issue_user_token_with_expiry(owner, actor=None)
    response = _csrf_free_post(client_as("coordinator"), f"/account/tokens/{token.id}/revoke")
    assert response.status_code == 422 and "Dit token bestaat niet." in response.text
    assert tokens.authenticate(raw) == owner


def test_the_admin_sees_and_revokes_a_user_s_tokens(client_as, make, db):
    admin, user = make.user("admin"), make.user("coordinator")
    token, raw = tokens.issue_user_token_with_expiry(user, actor=None)
    client = client_as(user=admin)
    page = client.get(f"/admin/users/{user.id}")
    assert page.status_code == 200 and f"/admin/users/{user.id}/tokens/{token.id}/revoke" in page.text
    assert raw not in page.text
    response = _csrf_free_post(client, f"/admin/users/{user.id}/tokens/{token.id}/revoke")
    assert response.status_code == 302 and response.headers["Location"] == f"/admin/users/{user.id}"
    assert tokens.authenticate(raw) is None
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "revoke_token"))
    assert (event.actor_id, event.object_ref) == (admin.id, str(user.id))


def test_only_the_admin_uses_the_admin_revoke(client_as, make, db):
    user = make.user("coordinator")
    token, raw = tokens.issue_user_token_with_expiry(user, actor=None)
    response = _csrf_free_post(client_as("manager"), f"/admin/users/{user.id}/tokens/{token.id}/revoke")
    assert response.status_code == 403
    assert tokens.authenticate(raw) == user


def test_the_header_links_to_the_account_page(client_as, make):
    page = client_as("intake").get("/intake/queue")
    assert re.search(r'href="/account"', page.text)
