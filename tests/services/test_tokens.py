"""Bearer tokens: shown once, stored as hashes, and worthless once revoked or their user is deactivated."""
import hashlib

import pytest
import sqlalchemy as sa

from gdt.models import ApiClient, AuditEvent, UserToken
from gdt.services.admin import users
from gdt.services.core import tokens
from gdt.services.core.errors import NotFound, ValidationFailed


def _stored_text(db) -> str:
    """Every token column and audit detail, as one string: the raw token must appear nowhere in it."""
    rows = db.session.execute(sa.select(UserToken.token_hash)).scalars().all()
    rows += db.session.execute(sa.select(ApiClient.token_hash)).scalars().all()
    rows += [str(detail) for detail in db.session.execute(sa.select(AuditEvent.detail)).scalars()]
    rows += [str(ref) for ref in db.session.execute(sa.select(AuditEvent.object_ref)).scalars()]
    return " ".join(rows)


def test_a_personal_token_is_stored_only_as_its_sha256(make, db):
    user = make.user("coordinator")
    raw = tokens.issue_user_token(user, actor=None)
    assert raw.startswith(tokens.USER_PREFIX) and len(raw) > 40
    stored = db.session.scalar(sa.select(UserToken).where(UserToken.user_id == user.id))
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in _stored_text(db) and raw[len(tokens.USER_PREFIX):] not in _stored_text(db)


def test_each_issue_is_a_new_token_and_earlier_ones_keep_working(make, db):
    user = make.user("intake")
    first, second = tokens.issue_user_token(user, actor=None), tokens.issue_user_token(user, actor=None)
    assert first != second
    assert tokens.authenticate(first) == user and tokens.authenticate(second) == user


def test_issuing_is_audited_without_the_token(make, db):
    admin, user = make.user("admin"), make.user("intake")
    raw = tokens.issue_user_token(user, actor=admin)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "issue_token"))
    assert (event.actor_id, event.object_type, event.object_ref) == (admin.id, "user", str(user.id))
    assert raw not in _stored_text(db)


def test_the_first_use_is_remembered(make, db):
    user = make.user("coordinator")
    raw = tokens.issue_user_token(user, actor=None)
    tokens.authenticate(raw)
    assert db.session.scalar(sa.select(UserToken.last_used_at)) is not None


def test_revoked_personal_tokens_fail(make, db):
    user = make.user("coordinator")
    raw = tokens.issue_user_token(user, actor=None)
    assert tokens.revoke_user_tokens(user, actor=None) == 1
    assert tokens.authenticate(raw) is None
    assert tokens.revoke_user_tokens(user, actor=None) == 0


def test_deactivation_revokes_the_tokens_so_reactivation_brings_none_back(make, db):
    user = make.user("coordinator")
    raw = tokens.issue_user_token(user, actor=None)
    users.set_user_active(user, False, actor=None)
    assert tokens.authenticate(raw) is None
    users.set_user_active(user, True, actor=None)
    assert tokens.authenticate(raw) is None
    assert db.session.scalar(sa.select(UserToken.revoked_at)) is not None


@pytest.mark.parametrize("raw", [None, "", "gdtu_", "gdtu_bestaat-niet", "gdtc_bestaat-niet", "zonder-voorvoegsel",
                                 "gdtu_" + "x" * 300])
def test_unknown_or_malformed_tokens_fail(make, db, raw):
    tokens.issue_user_token(make.user("coordinator"), actor=None)
    assert tokens.authenticate(raw) is None


def test_a_personal_token_cannot_pass_for_a_client_token(make, db):
    raw = tokens.issue_user_token(make.user("coordinator"), actor=None)
    assert tokens.authenticate(tokens.CLIENT_PREFIX + raw.removeprefix(tokens.USER_PREFIX)) is None


def test_an_api_client_token_is_shown_once_and_stored_hashed(make, db):
    client, raw = tokens.issue_api_client("woonoverlast-app", "app", actor=None)
    assert raw.startswith(tokens.CLIENT_PREFIX) and client.token_hash == tokens.digest(raw)
    assert raw not in _stored_text(db)
    assert tokens.authenticate(raw) == client and client.partner is None


def test_a_revoked_client_fails_and_revoking_again_changes_nothing(make, db):
    client, raw = tokens.issue_api_client("webformulier", "webform", actor=None)
    revoked_at = tokens.revoke_api_client("webformulier", actor=None).revoked_at
    assert tokens.authenticate(raw) is None
    assert tokens.revoke_api_client("webformulier", actor=None).revoked_at == revoked_at


def test_revoking_an_unknown_client_is_not_found(db):
    with pytest.raises(NotFound):
        tokens.revoke_api_client("bestaat-niet", actor=None)


@pytest.mark.parametrize("partner_key", [None, "bestaat-niet", "ggz-oud"])
def test_a_partner_client_needs_an_active_partner_and_nothing_is_created_without(make, db, partner_key):
    make.partner("ggz-oud", is_active=False)
    with pytest.raises(ValidationFailed) as refused:
        tokens.issue_api_client("ggz-systeem", "partner", partner_key, actor=None)
    assert set(refused.value.errors) == {"partner"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiClient)) == 0


def test_a_partner_client_belongs_to_its_partner(make, db):
    politie = make.partner("politie")
    client, raw = tokens.issue_api_client("politie-koppeling", "partner", "politie", actor=None)
    assert client.partner_id == politie.id and tokens.authenticate(raw) == client


@pytest.mark.parametrize(("name", "channel", "field"), [("", "app", "name"), ("x" * 81, "app", "name"),
                                                       ("app", "fax", "channel"), ("app", "phone", "channel")])
def test_bad_client_fields_are_refused_per_field(db, name, channel, field):
    with pytest.raises(ValidationFailed) as refused:
        tokens.issue_api_client(name, channel, actor=None)
    assert field in refused.value.errors
