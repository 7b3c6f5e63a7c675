"""Who may still call the API: a personal token stops the moment its user (or the user's partner organisation) is
deactivated or it is revoked on the admin's API access page; a client stops when revoked there. Use is stamped and
audited once per token per five minutes, never with the token itself."""
from datetime import timedelta

import sqlalchemy as sa

from gdt.models import AuditEvent
from gdt.services.admin import partners, users
from gdt.services.core import tokens

REPORTS, CATEGORIES = "/api/v1/reports", "/api/v1/categories"


def _get(client, url, raw):
    return client.get(url, headers={"Authorization": f"Bearer {raw}"})


def _uses(db):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "use_token")
                              .order_by(AuditEvent.id)).all()


def test_a_deactivated_users_token_stops_at_once(app, make, db):
    admin, user = make.user("admin"), make.user("coordinator")
    raw = tokens.issue_user_token(user, actor=None)
    client = app.test_client()
    assert _get(client, REPORTS, raw).status_code == 200
    users.set_user_active(user, False, actor=admin)
    assert _get(client, REPORTS, raw).status_code == 401
    users.set_user_active(user, True, actor=admin)
    assert _get(client, REPORTS, raw).status_code == 401  # revoked, not merely paused


def test_the_token_of_a_deactivated_partners_user_stops_at_once(app, make, db):
    admin, user = make.user("admin"), make.user("partner")
    raw = tokens.issue_user_token(user, actor=None)
    client = app.test_client()
    assert _get(client, REPORTS, raw).status_code == 403  # known, but no staff role for the reports
    partners.set_partner_active(user.partner, False, actor=admin)
    assert _get(client, REPORTS, raw).status_code == 401


def test_a_token_stops_while_its_user_is_inactive_even_before_it_is_revoked(app, make, db):
    user = make.user("coordinator")
    raw = tokens.issue_user_token(user, actor=None)
    user.is_active = False  # as a direct database change would leave it
    db.session.commit()
    assert _get(app.test_client(), REPORTS, raw).status_code == 401


def test_token_use_is_stamped_and_audited_once_per_interval_without_the_token(app, make, db):
    user = make.user("coordinator")
    token, raw = tokens.issue_user_token_with_expiry(user, actor=None)
    client = app.test_client()
    for _ in range(3):
        assert _get(client, REPORTS, raw).status_code == 200
    [event] = _uses(db)
    assert (event.actor_id, event.object_type, event.object_ref, event.detail) == (
        user.id, "user", str(user.id), {"token": token.id})
    assert raw not in str(event.detail) and token.token_hash not in str(event.detail)
    db.session.refresh(token)
    first = token.last_used_at
    token.last_used_at -= tokens.SEEN_INTERVAL + timedelta(seconds=1)
    db.session.commit()
    _get(client, REPORTS, raw)
    assert len(_uses(db)) == 2
    db.session.refresh(token)
    assert token.last_used_at >= first


def test_client_use_is_stamped_and_audited(app, make, db):
    client_row, raw = tokens.issue_api_client("woonoverlast-app", "app", actor=None)
    client = app.test_client()
    assert client_row.last_used_at is None
    assert _get(client, CATEGORIES, raw).status_code == 200
    assert _get(client, CATEGORIES, raw).status_code == 200
    [event] = _uses(db)
    assert (event.actor_id, event.object_type, event.object_ref, event.detail) == (
        None, "api_client", "woonoverlast-app", {"client": client_row.id, "channel": "app"})
    db.session.refresh(client_row)
    assert client_row.last_used_at is not None


def test_revoking_on_the_admin_page_stops_a_client_and_a_personal_token(app, make, db, client_as):
    admin = client_as("admin")
    client_row, client_raw = tokens.issue_api_client("woonoverlast-app", "app", actor=None)
    token, token_raw = tokens.issue_user_token_with_expiry(make.user("coordinator"), actor=None)
    caller = app.test_client()
    assert _get(caller, CATEGORIES, client_raw).status_code == 200
    assert _get(caller, REPORTS, token_raw).status_code == 200

    confirm = admin.get(f"/admin/api-access/clients/{client_row.id}/revoke")
    assert confirm.status_code == 200 and "API-client woonoverlast-app intrekken" in confirm.text
    assert _get(caller, CATEGORIES, client_raw).status_code == 200  # the confirmation page changes nothing
    response = admin.post(f"/admin/api-access/clients/{client_row.id}/revoke")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/api-access"
    assert _get(caller, CATEGORIES, client_raw).status_code == 401

    response = admin.post(f"/admin/api-access/tokens/{token.id}/revoke")
    assert response.status_code == 302
    assert _get(caller, REPORTS, token_raw).status_code == 401
    assert {(event.action, event.object_type) for event in db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action.in_(["revoke", "revoke_token"])))} == {
        ("revoke", "api_client"), ("revoke_token", "user")}
