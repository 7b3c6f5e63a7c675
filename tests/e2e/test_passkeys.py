"""Passkeys in Chromium with the browser's own virtual authenticator (DevTools' WebAuthn domain), at 1280 and 320 px
with axe: a user adds a passkey on the account page, logs out, and logs in with the password and then the passkey;
a user who must have a second factor registers a passkey as the first right after the password; a browser without
WebAuthn is told passkeys are not available there.

WebAuthn refuses an IP address as relying party, so these pages are opened at http://localhost:<port> (the same
server as `base_url`).
"""
import itertools

import pytest
import sqlalchemy as sa

from gdt.db import db
from gdt.models import Passkey, UserSession
from gdt.services.admin import users
from tests.e2e.conftest import PASSWORD, check_page

pytestmark = pytest.mark.e2e
MEMBERS = itertools.count(1)


@pytest.fixture(scope="module")
def localhost_url(base_url):
    """The served app under the name localhost: a valid WebAuthn relying party, unlike 127.0.0.1."""
    return base_url.replace("127.0.0.1", "localhost")


@pytest.fixture
def member(live_app):
    number = next(MEMBERS)
    with live_app.app_context():
        user = users.create_user(f"passkey-{number}@gdt.test", "Pim Passkey", "coordinator", PASSWORD, actor=None)
        held = {"id": user.id, "email": user.email}
        db.session.remove()
    return held


def _page(browser, width):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    return page


def _virtual_authenticator(page) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True}})


def _password_step(page, url, email):
    page.goto(f"{url}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_load_state()


@pytest.mark.parametrize("width", [1280, 320])
def test_register_a_passkey_then_log_in_with_it(browser, localhost_url, axe, live_app, member, width):
    page = _page(browser, width)
    _virtual_authenticator(page)
    _password_step(page, localhost_url, member["email"])  # no factor yet and MFA not required: logged in
    page.goto(f"{localhost_url}/account")
    assert page.get_by_text("U heeft nog geen passkey.").is_visible()
    check_page(axe, page, width, "account-passkeys-empty")

    page.get_by_label("Naam van de passkey").fill("Telefoon")
    page.locator("#passkey-password").fill(PASSWORD)  # a logged-in user confirms the password first
    page.get_by_role("button", name="Passkey toevoegen").click()
    # The first factor: the recovery codes are shown once, then back to the account page.
    page.get_by_text("De passkey Telefoon is toegevoegd.").wait_for()
    assert page.get_by_role("heading", name="Uw herstelcodes", level=1).is_visible()
    assert page.locator(".gdt-recovery-codes li").count() == 10
    check_page(axe, page, width, "passkey-recovery-codes")
    page.get_by_role("link", name="Ik heb de codes bewaard: verder").click()
    page.wait_for_url(f"{localhost_url}/account")
    assert page.get_by_role("heading", name="Telefoon", level=3).is_visible()
    check_page(axe, page, width, "account-passkey-added")

    # Refusals land in the live region: no name (the server's), and the same authenticator again (the browser's).
    message = page.locator("form[data-passkey-register] [aria-live]")
    page.get_by_role("button", name="Passkey toevoegen").click()
    message.get_by_text("Geef de passkey een naam").wait_for()
    assert page.locator("#passkey-name").get_attribute("aria-invalid") == "true"
    page.locator("#passkey-name").fill("Nog eens")
    page.locator("#passkey-password").fill(PASSWORD)
    page.get_by_role("button", name="Passkey toevoegen").click()
    message.get_by_text("Deze passkey is al geregistreerd voor uw account.").wait_for()
    check_page(axe, page, width, "account-passkey-refused")

    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_load_state()
    _password_step(page, localhost_url, member["email"])
    assert "/second-factor" in page.url
    login_button = page.get_by_role("button", name="Inloggen met een passkey")
    login_button.wait_for()  # shown by passkeys.js once it knows the browser has WebAuthn
    check_page(axe, page, width, "second-factor-passkey")

    login_button.click()
    page.wait_for_url(f"{localhost_url}/start")  # the start page, by way of /
    assert page.get_by_role("link", name="Pim Passkey").is_visible()
    with live_app.app_context():
        passkey = db.session.scalar(sa.select(Passkey).where(Passkey.user_id == member["id"]))
        session = db.session.scalars(sa.select(UserSession).where(UserSession.user_id == member["id"])
                                     .order_by(UserSession.id.desc())).first()
        assert passkey.name == "Telefoon" and passkey.last_used_at is not None
        assert (session.login_method, session.second_factor) == ("password", "passkey")
        db.session.remove()

    page.goto(f"{localhost_url}/account")
    assert "Nog nooit" not in page.locator("#passkeys article").inner_text()
    page.context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_without_webauthn_the_account_page_says_passkeys_are_not_available(browser, localhost_url, axe, member,
                                                                             width):
    page = _page(browser, width)
    page.add_init_script("delete window.PublicKeyCredential;")
    _password_step(page, localhost_url, member["email"])
    page.goto(f"{localhost_url}/account")
    assert page.get_by_text("Passkeys zijn in deze browser niet beschikbaar.", exact=False).is_visible()
    assert not page.get_by_role("button", name="Passkey toevoegen").is_visible()
    assert not page.get_by_text("JavaScript", exact=False).is_visible()
    check_page(axe, page, width, "account-passkeys-unsupported")
    page.context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_a_passkey_as_the_first_factor_when_one_is_required(browser, localhost_url, axe, live_app, member, width):
    live_app.config["MFA_REQUIRED"] = True
    try:
        page = _page(browser, width)
        _virtual_authenticator(page)
        _password_step(page, localhost_url, member["email"])
        assert "/second-factor/setup" in page.url
        page.get_by_role("heading", name="Een passkey gebruiken").wait_for()
        page.get_by_label("Naam van de passkey").fill("Laptop")
        check_page(axe, page, width, "enrolment-passkey")

        page.get_by_role("button", name="Passkey registreren").click()
        page.get_by_role("heading", name="Uw herstelcodes", level=1).wait_for()
        assert page.get_by_text("De passkey Laptop is toegevoegd.").is_visible()
        page.get_by_role("link", name="Ik heb de codes bewaard: verder").click()
        page.wait_for_url(f"{localhost_url}/start")
        assert page.get_by_role("link", name="Pim Passkey").is_visible()
        with live_app.app_context():
            session = db.session.scalars(sa.select(UserSession).where(UserSession.user_id == member["id"])
                                         .order_by(UserSession.id.desc())).first()
            assert (session.login_method, session.second_factor) == ("password", "passkey")
            db.session.remove()
        page.context.close()
    finally:
        live_app.config["MFA_REQUIRED"] = False
