"""The invitation, "Wachtwoord vergeten?", the reset and "Wachtwoord wijzigen" on the pages: tokens leave the address
at once, the forgot page gives one answer, the login goes on to the second factor, other sessions end."""
import re

import sqlalchemy as sa

from gdt.models import AuditEvent, User
from gdt.services.admin import users
from tests.apps import own_app
from tests.factories import PASSWORD

NEW_PASSWORD = "een nieuwe lange zin"
SET = {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}


def _token(mail) -> str:
    return re.search(r"\?token=([A-Za-z0-9_-]+)", mail.get_content()).group(1)


def _invited(inbox, email="anna@gemeente.nl", role="intake", **kwargs):
    user, _ = users.invite_user(email, "Anna de Wit", role, actor=None, **kwargs)
    return user, _token(inbox.wait_for(1)[-1][1])


def _session_cookie(app, client):
    return client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value


def test_the_invitation_token_leaves_the_address_and_the_password_is_set(app, db, inbox):
    user, token = _invited(inbox)
    client = app.test_client()
    first = client.get(f"/invitation?token={token}")
    assert first.status_code == 302 and first.headers["Location"] == "/invitation"
    assert first.headers["Referrer-Policy"] == "no-referrer" and first.headers["Cache-Control"] == "no-store"
    page = client.get("/invitation")
    assert page.status_code == 200 and token not in page.text and page.headers["Referrer-Policy"] == "no-referrer"
    assert "Wachtwoord kiezen" in page.text and "minstens 12 tekens" in page.text.lower()
    assert "gelekte wachtwoordlijsten" in page.text and 'autocomplete="new-password"' in page.text
    done = client.post("/invitation", data=SET)
    assert done.status_code == 302 and done.headers["Location"] == "/"
    queue = client.get("/intake/queue")
    assert queue.status_code == 200 and "Uw wachtwoord is ingesteld." in queue.text  # logged in (MFA_REQUIRED off)
    db.session.expire_all()
    assert users.user_by_email(user.email).password_hash is not None


def test_with_mfa_required_the_invitation_goes_on_to_the_second_factor(app, db, inbox, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_REQUIRED", True)
    _user, token = _invited(inbox)
    client = app.test_client()
    client.get(f"/invitation?token={token}")
    done = client.post("/invitation", data=SET)
    assert done.status_code == 302 and done.headers["Location"] == "/login/second-factor/setup"
    assert client.get("/intake/queue").status_code == 302  # not logged in before the second factor
    assert client.get("/login/second-factor/setup").status_code == 200


def test_a_used_expired_or_tampered_link_gets_one_clear_message(app, db, inbox):
    _user, token = _invited(inbox)
    client = app.test_client()
    client.get(f"/invitation?token={token}")
    client.post("/invitation", data=SET)
    for address in (f"/invitation?token={token}", f"/invitation?token={token[:-2]}xx", "/invitation",
                    f"/password/reset?token={token}"):
        refused = app.test_client().get(address)
        assert refused.status_code == 410, address
        assert "Deze link werkt niet (meer)" in refused.text and "Wachtwoord vergeten?" in refused.text
        assert refused.headers["Referrer-Policy"] == "no-referrer"


def test_a_link_revoked_by_a_newer_one_stops_working_on_the_open_page(app, db, inbox):
    user, token = _invited(inbox)
    client = app.test_client()
    assert client.get(f"/invitation?token={token}").status_code == 302
    from gdt.services.identity import account_links
    account_links.resend_invitation(user, actor=None)
    refused = client.post("/invitation", data=SET)
    assert refused.status_code == 410 and "vervangen door een nieuwere link" in refused.text
    db.session.expire_all()
    assert users.user_by_email(user.email).password_hash is None


def test_a_refused_password_is_shown_next_to_the_field_and_the_link_still_works(app, db, inbox):
    user, token = _invited(inbox)
    client = app.test_client()
    client.get(f"/invitation?token={token}")
    for data, message in (({"password": "qwertyuiop123", "password_again": "qwertyuiop123"}, "gelekte"),
                          ({"password": user.email, "password_again": user.email}, "e-mailadres of naam"),
                          ({"password": NEW_PASSWORD, "password_again": "iets anders dan dat"}, "niet gelijk")):
        page = client.post("/invitation", data=data)
        assert page.status_code == 422 and message in page.text
        assert not re.search(r'<input[^>]*type="password"[^>]*value="[^"]', page.text)  # never sent back
    assert client.post("/invitation", data=SET).status_code == 302


def test_the_login_page_links_to_wachtwoord_vergeten(app, db):
    page = app.test_client().get("/login").text
    assert 'href="/password/forgot"' in page and "Wachtwoord vergeten?" in page


def _answer(response) -> str:
    return re.sub(r'name="csrf_token"[^>]*>', "", response.text)


def test_forgot_gives_the_same_answer_for_a_known_and_an_unknown_address(app, make, db, inbox):
    known = make.user("coordinator")
    sso = make.user("coordinator", password_hash=None, oidc_subject="sub-1")
    answers = [app.test_client().post("/password/forgot", data={"email": address})
               for address in ("niemand@gdt.test", known.email, sso.email)]
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert _answer(answers[0]) == _answer(answers[1]) == _answer(answers[2])
    assert "Als er een account met dit adres is, ontvangt u binnen enkele minuten een e-mail" in answers[0].text
    received = inbox.wait_for(2)
    assert sorted(recipients[0] for recipients, _mail in received) == sorted([known.email, sso.email])
    reset = next(mail for recipients, mail in received if recipients == [known.email])
    assert "/password/reset?token=" in reset.get_content()
    details = db.session.scalars(sa.select(AuditEvent.detail).where(AuditEvent.action == "request_password_reset"))
    assert not any("niemand" in str(detail) or "@" in str(detail) for detail in details)


def test_the_reset_page_sets_a_new_password_ends_sessions_and_asks_the_second_factor(app, make, db, inbox,
                                                                                     client_as, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_REQUIRED", True)
    user = make.user("coordinator")
    elsewhere = client_as(user=user)
    assert elsewhere.get("/intake/queue").status_code == 200
    app.test_client().post("/password/forgot", data={"email": user.email})
    token = _token(inbox.wait_for(1)[0][1])
    client = app.test_client()
    assert client.get(f"/password/reset?token={token}").headers["Location"] == "/password/reset"
    assert "Nieuw wachtwoord instellen" in client.get("/password/reset").text
    done = client.post("/password/reset", data=SET)
    assert done.status_code == 302 and done.headers["Location"] == "/login/second-factor/setup"
    assert elsewhere.get("/intake/queue").status_code == 302  # every session of the user ended


def test_forgot_is_limited_per_client_address(make):
    with own_app(RATELIMIT_ENABLED=True, PASSWORD_RESET_RATE_LIMIT="3 per minute") as app:
        client = app.test_client()
        statuses = [client.post("/password/forgot", data={"email": f"iemand{n}@gdt.test"}).status_code
                    for n in range(4)]
        other = app.test_client().post("/password/forgot", data={"email": "x@gdt.test"},
                                       environ_base={"REMOTE_ADDR": "203.0.113.7"})
    assert statuses == [200, 200, 200, 429] and other.status_code == 200


# --- "Wachtwoord wijzigen" -----------------------------------------------------------------------------------------

def test_a_password_change_ends_the_other_sessions_but_not_this_one(app, make, db, client_as, inbox):
    user = make.user("coordinator")
    this, other = client_as(user=user), client_as(user=user)
    assert "Wachtwoord wijzigen" in this.get("/account").text
    page = this.get("/account/password")
    assert page.status_code == 200 and 'autocomplete="current-password"' in page.text
    done = this.post("/account/password", data={"current_password": PASSWORD, "new_password": NEW_PASSWORD,
                                                 "new_password_again": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/account"
    assert "U bent in 1 andere browser uitgelogd." in this.get("/account").text
    assert this.get("/intake/queue").status_code == 200
    assert other.get("/intake/queue").status_code == 302
    assert inbox.wait_for(1)[0][0] == [user.email]
    assert db.session.scalar(sa.select(AuditEvent.actor_id).where(AuditEvent.action == "change_password")) == user.id


def test_a_wrong_current_password_is_shown_at_its_field(app, make, db, client_as):
    user = make.user("coordinator")
    client = client_as(user=user)
    refused = client.post("/account/password", data={"current_password": "niet mijn wachtwoord",
                                                      "new_password": NEW_PASSWORD,
                                                      "new_password_again": NEW_PASSWORD})
    assert refused.status_code == 422 and "Huidig wachtwoord: Dit wachtwoord klopt niet." in refused.text


def test_an_account_without_a_password_is_told_where_to_change_it(app, make, db, client_as):
    user = make.user("coordinator", password_hash=None, oidc_subject="sub-2")
    page = client_as(user=user).get("/account/password")
    assert page.status_code == 200 and "inlogdienst van uw organisatie" in page.text and "<form" not in page.text.split(
        "<main", 1)[-1].split("</main>")[0]


# --- the admin's side ----------------------------------------------------------------------------------------------

def test_the_admin_resends_an_invitation_while_no_password_is_set(app, db, inbox, client_as, make):
    partner = make.partner("ggz")
    user, first = _invited(inbox, email="gerda@ggz.example", role="partner", partner_key=partner.key)
    admin = client_as("admin")
    page = admin.get(f"/admin/users/{user.id}").text
    assert "nog geen wachtwoord gekozen" in page and "Uitnodiging opnieuw versturen" in page
    done = admin.post(f"/admin/users/{user.id}/invitation")
    assert done.status_code == 302
    assert "Uitnodiging verstuurd naar gerda@ggz.example." in admin.get(f"/admin/users/{user.id}").text
    second = _token(inbox.wait_for(2)[1][1])
    assert second != first and app.test_client().get(f"/invitation?token={first}").status_code == 410
    client = app.test_client()
    client.get(f"/invitation?token={second}")
    client.post("/invitation", data=SET)
    assert "Uitnodiging opnieuw versturen" not in admin.get(f"/admin/users/{user.id}").text


def test_the_admin_page_of_an_account_with_a_password_offers_no_invitation(db, client_as, make):
    user = make.user("intake")
    assert "Uitnodiging opnieuw versturen" not in client_as("admin").get(f"/admin/users/{user.id}").text
    assert db.session.scalar(sa.select(User.password_hash).where(User.id == user.id)) is not None
