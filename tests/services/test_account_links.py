"""Invitation and password-reset links: random, stored as a hash, once, expiring, revoked by a newer one; mailed
through the outbox; "Wachtwoord vergeten" gives nothing away; a password change ends the other sessions."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from gdt.db import utcnow
from gdt.models import AccountLink, AuditEvent, OutboxMessage, User, UserSession
from gdt.services.admin import users
from gdt.services.core import auth, outbox
from gdt.services.core.errors import ServiceError
from gdt.services.identity import account_links, password_change
from tests.factories import PASSWORD

NEW_PASSWORD = "een nieuwe lange zin"
LONG_AGO = timedelta(days=1)


def _token(mail) -> str:
    return re.search(r"\?token=([A-Za-z0-9_-]+)", mail.get_content()).group(1)


def _invite(email="anna@gemeente.nl", **kwargs):
    user, _ = users.invite_user(email, "Anna de Wit", "intake", actor=None, **kwargs)
    return user


def _use(token: str, purpose: str = "invitation", password: str = NEW_PASSWORD) -> User:
    link = account_links.check(token, purpose)
    return account_links.set_password(account_links.recheck(link.id, link.token_hash, purpose), password, password)


def _live(token: str) -> bool:
    return auth.load_session(token, idle=LONG_AGO, absolute=LONG_AGO) is not None


def test_an_invitation_is_mailed_and_only_a_hash_of_its_token_is_kept(db, inbox):
    user = _invite()
    [(recipients, mail)] = inbox.wait_for(1)
    token = _token(mail)
    assert recipients == [user.email] and mail["Subject"] == "Uitnodiging voor GDT"
    assert "http://127.0.0.1:5000/invitation?token=" in mail.get_content() and len(token) >= 43
    link = db.session.scalar(sa.select(AccountLink))
    assert link.token_hash == account_links._digest(token) and token not in link.token_hash
    assert link.expires_at - link.created_at == timedelta(hours=72)
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.topic == account_links.TOPIC))
    assert message.payload == {"link_id": link.id} and message.processed_at is not None
    assert user.password_hash is None and auth.authenticate(user.email, "") is None


def test_an_invitation_sets_the_password_once(db, inbox):
    user = _invite()
    token = _token(inbox.wait_for(1)[0][1])
    assert _use(token).id == user.id
    assert auth.authenticate(user.email, NEW_PASSWORD) == user
    with pytest.raises(account_links.LinkRefused) as refused:
        account_links.check(token, "invitation")
    assert "Vraag een nieuwe aan via 'Wachtwoord vergeten?'" in str(refused.value.message)
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "use_account_link")).all()
    assert [(event.outcome, event.detail["reason"]) for event in events] == [("denied", "used")]


def test_an_expired_invitation_is_refused(db, inbox):
    _invite()
    token = _token(inbox.wait_for(1)[0][1])
    db.session.execute(sa.update(AccountLink).values(expires_at=utcnow() - timedelta(seconds=1)))
    with pytest.raises(account_links.LinkRefused):
        account_links.check(token, "invitation")


def test_a_tampered_or_unknown_token_and_the_wrong_purpose_are_refused(db, inbox):
    _invite()
    token = _token(inbox.wait_for(1)[0][1])
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad, purpose in ((tampered, "invitation"), ("", "invitation"), (None, "invitation"),
                         (token, "password_reset")):
        with pytest.raises(account_links.LinkRefused):
            account_links.check(bad, purpose)
    assert account_links.check(token, "invitation")  # still good


def test_a_new_invitation_revokes_the_older_one(db, inbox):
    user = _invite()
    first = _token(inbox.wait_for(1)[0][1])
    account_links.resend_invitation(user, actor=None)
    second = _token(inbox.wait_for(2)[1][1])
    with pytest.raises(account_links.LinkRefused):
        account_links.check(first, "invitation")
    assert _use(second).id == user.id
    with pytest.raises(ServiceError, match="uitnodiging is niet nodig"):
        account_links.resend_invitation(user, actor=None)


def test_an_invitation_made_while_the_mail_server_is_down_is_mailed_later(db, inbox):
    inbox.refuse = True
    user = _invite()
    message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.topic == account_links.TOPIC))
    assert message.processed_at is None  # kept for a retry
    inbox.refuse = False
    assert outbox.process(message.id) is True
    [(recipients, mail)] = [received for received in inbox.wait_for(1) if received[0]]
    assert recipients == [user.email] and _use(_token(mail)).id == user.id


def test_a_link_revoked_before_its_mail_left_is_not_mailed(db, inbox):
    inbox.refuse = True
    user = _invite()
    first = db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.topic == account_links.TOPIC))
    inbox.refuse = False
    account_links.resend_invitation(user, actor=None)
    assert len(inbox.wait_for(1)) == 1
    outbox.process(first)
    assert len(inbox.received) == 1


def test_the_operator_s_invitation_link_is_returned_not_mailed(db, inbox):
    user, link = users.invite_user("bea@gemeente.nl", "Bea", "admin", actor=None, send_mail=False)
    assert link.startswith("http://127.0.0.1:5000/invitation?token=")
    assert _use(link.partition("token=")[2]).id == user.id
    assert inbox.received == []


def test_setting_a_password_revokes_every_unused_link(db, make, inbox):
    user = make.user("intake")
    account_links.request_password_reset(user.email)
    token = _token(inbox.wait_for(1)[0][1])
    users.set_password(user, "de operator zette dit", actor=None)
    with pytest.raises(account_links.LinkRefused):
        account_links.check(token, "password_reset")


# --- "Wachtwoord vergeten" -----------------------------------------------------------------------------------------

def test_a_reset_link_goes_only_to_a_known_active_address(db, make, inbox):
    known = make.user("coordinator")
    make.user("intake", email="weg@gdt.test", is_active=False)
    for address in ("niemand@gdt.test", "weg@gdt.test", f"  {known.email.upper()} "):
        account_links.request_password_reset(address)
    [(recipients, mail)] = inbox.wait_for(1)
    assert recipients == [known.email] and mail["Subject"] == "Nieuw wachtwoord voor GDT"
    assert "/password/reset?token=" in mail.get_content()
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "request_password_reset")
                                .order_by(AuditEvent.id)).all()
    assert [(event.outcome, event.object_ref) for event in events] == [
        ("denied", None), ("denied", str(db.session.scalar(sa.select(User.id).where(User.email == "weg@gdt.test")))),
        ("ok", str(known.id))]
    assert not any("@" in str(event.detail) for event in events)  # the address typed is never recorded


def test_a_reset_ends_every_session_and_a_second_factor_stays_required(db, make, inbox):
    user = make.user("coordinator")
    sessions = [auth.start_session(user), auth.start_session(user)]
    account_links.request_password_reset(user.email)
    assert _use(_token(inbox.wait_for(1)[0][1]), "password_reset").id == user.id
    assert not any(_live(token) for token in sessions)
    assert auth.authenticate(user.email, NEW_PASSWORD) == user and auth.authenticate(user.email, PASSWORD) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)
                             .where(UserSession.ended_at.is_(None))) == 0


def test_an_account_gets_at_most_three_reset_mails_an_hour(db, make, inbox):
    user = make.user("coordinator")
    for _ in range(5):
        account_links.request_password_reset(user.email)
    assert len(inbox.wait_for(3)) == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "request_password_reset", AuditEvent.outcome == "denied")) == 2
    db.session.execute(sa.update(AccountLink).values(created_at=utcnow() - timedelta(hours=1, seconds=1)))
    account_links.request_password_reset(user.email)
    assert len(inbox.wait_for(4)) == 4


def test_a_single_sign_on_account_is_told_to_use_the_button(db, make, inbox):
    user = make.user("coordinator", password_hash=None, oidc_subject="abc-123")
    account_links.request_password_reset(user.email)
    [(recipients, mail)] = inbox.wait_for(1)
    assert recipients == [user.email] and "token=" not in mail.get_content()
    assert "inlogdienst van uw organisatie" in mail.get_content()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AccountLink)) == 0


def test_an_account_waiting_for_its_invitation_may_use_a_reset_link(db, inbox):
    user = _invite()
    account_links.request_password_reset(user.email)
    reset = _token(inbox.wait_for(2)[1][1])
    assert _use(reset, "password_reset").id == user.id


# --- "Wachtwoord wijzigen" -----------------------------------------------------------------------------------------

def test_a_password_change_ends_every_other_session_and_mails_the_user(db, make, inbox):
    user = make.user("coordinator")
    this, other = auth.start_session(user), auth.start_session(user)
    assert password_change.change_password(user, PASSWORD, NEW_PASSWORD, NEW_PASSWORD, keep_token=this) == 1
    assert _live(this) and not _live(other)
    assert auth.authenticate(user.email, NEW_PASSWORD) == user
    [(recipients, mail)] = inbox.wait_for(1)
    assert recipients == [user.email] and mail["Subject"] == "Uw wachtwoord voor GDT is gewijzigd"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "change_password"))
    assert event.actor_id == user.id and event.detail == {"other_sessions_ended": 1}


@pytest.mark.parametrize(("current", "new", "again", "field"), [
    ("verkeerd wachtwoord", NEW_PASSWORD, NEW_PASSWORD, "password"),
    (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!", "new_password_again"),
    (PASSWORD, PASSWORD, PASSWORD, "new_password"),
    (PASSWORD, "qwertyuiop123", "qwertyuiop123", "new_password"),
])
def test_a_password_change_is_refused_with_the_field_to_correct(db, make, current, new, again, field):
    user = make.user("coordinator")
    before = user.password_hash
    with pytest.raises(ServiceError) as refused:
        password_change.change_password(user, current, new, again, keep_token=None)
    assert refused.value.field == field and user.password_hash == before
