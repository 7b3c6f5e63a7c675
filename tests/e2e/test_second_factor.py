"""The second factor in a real browser at 1280 and 320 px, with axe: a new account is made to set up an
authenticator app (the test reads the secret from the page as a person would type it, and computes the code), sees
its recovery codes once, and needs a code at the next login; a wrong code is refused next to the field."""
import time

import pyotp
import pytest
from argon2 import PasswordHasher

from gdt.db import db
from gdt.models import User
from tests.e2e.conftest import PASSWORD, check_page

pytestmark = pytest.mark.e2e


@pytest.fixture
def required(live_app):
    live_app.config["MFA_REQUIRED"] = True
    yield
    live_app.config["MFA_REQUIRED"] = False


@pytest.fixture
def newcomer(live_app, request):
    email = f"mfa-{len(request.node.originalname)}-{request.node.callspec.params['width']}@gdt.test"
    with live_app.app_context():
        db.session.add(User(email=email, name="Mila Factor", role="coordinator",
                            password_hash=PasswordHasher().hash(PASSWORD)))
        db.session.commit()
        db.session.remove()
    return email


def _password_step(page, base_url, email):
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.press("#password", "Enter")


@pytest.mark.parametrize("width", [1280, 320])
def test_enrolment_then_a_login_with_a_code(browser, base_url, axe, required, newcomer, width):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    _password_step(page, base_url, newcomer)
    assert page.url.endswith("/login/second-factor/setup")
    assert page.locator("svg.gdt-qr").is_visible()
    check_page(axe, page, width, "mfa-setup")

    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    app = pyotp.TOTP(secret)
    page.fill("#totp-code", "000000" if app.now() != "000000" else "111111")
    with page.expect_navigation():  # the next page, not the one still shown
        page.get_by_role("button", name="App koppelen").click()
    assert "Deze code klopt niet" in page.content()
    check_page(axe, page, width, "mfa-setup-wrong-code")

    page.fill("#totp-code", app.now())
    with page.expect_navigation():  # the next page, not the one still shown
        page.get_by_role("button", name="App koppelen").click()
    assert page.get_by_role("heading", name="Uw herstelcodes").is_visible()
    assert page.locator(".gdt-recovery-codes li").count() == 10
    check_page(axe, page, width, "mfa-recovery-codes")
    with page.expect_navigation():  # the next page, not the one still shown
        page.get_by_role("link", name="Ik heb de codes bewaard: verder").click()
    assert page.get_by_role("button", name="Uitloggen").count() == 1

    with page.expect_navigation():  # the next page, not the one still shown
        page.get_by_role("button", name="Uitloggen").click()
    _password_step(page, base_url, newcomer)
    assert page.url.endswith("/login/second-factor")
    assert "Mila Factor" not in page.content() and newcomer not in page.content()
    check_page(axe, page, width, "mfa-verify")
    page.get_by_text("Een herstelcode gebruiken").click()
    check_page(axe, page, width, "mfa-verify-recovery")

    page.fill("#totp-code", app.at(time.time() + pyotp.TOTP(secret).interval))  # the next step: never a replay
    with page.expect_navigation():
        page.press("#totp-code", "Enter")
    assert page.url == f"{base_url}/start"
    assert page.get_by_role("button", name="Uitloggen").count() == 1
    page.goto(f"{base_url}/account")
    assert "10 ongebruikte codes" in page.content()
    check_page(axe, page, width, "mfa-account")
    page.context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_an_admin_resets_a_second_factor(browser, base_url, axe, live_app, required, newcomer, width):
    with live_app.app_context():
        admin = User(email=f"mfa-admin-{width}@gdt.test", name="Ada Beheer", role="admin",
                     password_hash=PasswordHasher().hash(PASSWORD))
        db.session.add(admin)
        db.session.commit()
        user_id = db.session.scalar(db.select(User.id).where(User.email == newcomer))
        db.session.remove()
    # The newcomer sets up the app first (forced enrolment).
    person = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    _password_step(person, base_url, newcomer)
    person.fill("#totp-code", pyotp.TOTP(person.locator("#totp-secret").inner_text().replace(" ", "")).now())
    with person.expect_navigation():  # the next page, not the one still shown
        person.get_by_role("button", name="App koppelen").click()
    # The admin logs in without a factor of their own: the demo setting is off for this step.
    live_app.config["MFA_REQUIRED"] = False
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    _password_step(page, base_url, f"mfa-admin-{width}@gdt.test")
    live_app.config["MFA_REQUIRED"] = True
    page.goto(f"{base_url}/admin/users/{user_id}")
    check_page(axe, page, width, "mfa-admin-user")
    with page.expect_navigation():  # the next page, not the one still shown
        page.get_by_role("link", name="Tweede factor resetten").click()
    check_page(axe, page, width, "mfa-admin-reset")
    with page.expect_navigation():  # the next page, not the one still shown
        page.get_by_role("button", name="Tweede factor resetten").click()
    assert "is teruggezet" in page.content()
    assert "Deze medewerker heeft geen tweede factor ingesteld." in page.content()
    person.goto(f"{base_url}/account")
    assert person.url.startswith(f"{base_url}/login")  # logged out by the reset
    page.context.close()
    person.context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_demo_banner_on_staff_pages(browser, base_url, axe, width):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    _password_step(page, base_url, "coordinator@gdt.test")  # MFA_REQUIRED is off, as under make run
    for path in ("/start", "/cases", "/account"):
        page.goto(f"{base_url}{path}")
        banner = page.locator(".gdt-mfa-notice")
        assert banner.inner_text().strip() == ("Demo: inloggen zonder tweede factor. In productie is een tweede "
                                               "factor verplicht.")
        assert banner.is_visible()
    check_page(axe, page, width, "mfa-demo-banner")
    page.context.close()
