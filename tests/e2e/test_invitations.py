"""Invitations and password resets in a real browser at 1280 and 320 px, with axe: an admin invites a new colleague,
the link in the mail is opened, the password chosen (a common one is refused first) and the colleague is logged in
(MFA_REQUIRED off here); then "Wachtwoord vergeten?" from the login page, the mail's reset link and a new password."""
import re
import time

import pytest

from gdt.db import db
from gdt.services.admin import users
from tests.e2e.conftest import PASSWORD, check_page

pytestmark = pytest.mark.e2e
CHOSEN = "mijn eigen lange zin voor gdt"
RESET = "daarna een andere lange zin"


@pytest.fixture(scope="module")
def admin(live_app):
    with live_app.app_context():
        users.create_user("admin@gdt.test", "Admin Test", "admin", PASSWORD, actor=None)
        db.session.remove()
    return "admin@gdt.test"


def _new_page(browser, width):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    return page


def _link_in_mail(mailbox, address: str, path: str, seen: set = set()) -> str:  # noqa: B006 (links used before)
    """The newest link with `path` mailed to `address` that this module has not opened yet."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for recipients, mail in reversed(list(mailbox.received)):
            found = re.search(rf"http://\S+{re.escape(path)}\?token=[A-Za-z0-9_-]+", mail.get_content())
            if recipients == [address] and found and found.group(0) not in seen:
                seen.add(found.group(0))
                return found.group(0)
        time.sleep(0.05)
    raise AssertionError(f"no mail with {path} for {address}")


def _log_in(page, base_url, email, password):
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.press("#password", "Enter")


@pytest.mark.parametrize("width", [1280, 320])
def test_an_invited_colleague_chooses_a_password_and_later_resets_it(browser, base_url, axe, mailbox, admin, width):
    colleague = f"nieuw-{width}@gdt.test"
    page = _new_page(browser, width)
    _log_in(page, base_url, admin, PASSWORD)
    page.goto(f"{base_url}/admin/users/new")
    assert page.locator("input[type=password]").count() == 0
    page.fill("#name", "Nina Nieuw")
    page.fill("#email", colleague)
    page.select_option("#role", "intake")
    with page.expect_navigation():  # the next page, not the one still shown
        page.get_by_role("button", name="Gebruiker aanmaken en uitnodigen").click()
    assert f"Uitnodiging verstuurd naar {colleague}." in page.content()
    assert page.get_by_role("button", name="Uitnodiging opnieuw versturen").is_visible()
    check_page(axe, page, width, "admin-user-invited")

    invited = _new_page(browser, width)
    invited.goto(_link_in_mail(mailbox, colleague, "/invitation"))
    assert invited.url == f"{base_url}/invitation"  # the token left the address bar at once
    assert invited.get_by_role("heading", name="Wachtwoord kiezen").is_visible()
    check_page(axe, invited, width, "invitation")
    invited.fill("#password", "qwertyuiop123")
    invited.fill("#password_again", "qwertyuiop123")
    with invited.expect_navigation():  # the next page, not the one still shown
        invited.get_by_role("button", name="Wachtwoord opslaan").click()
    assert "gelekte of veelgebruikte wachtwoorden" in invited.content()
    check_page(axe, invited, width, "invitation-refused")
    invited.fill("#password", CHOSEN)
    invited.fill("#password_again", CHOSEN)
    with invited.expect_navigation():  # the next page, not the one still shown
        invited.get_by_role("button", name="Wachtwoord opslaan").click()
    assert "Uw wachtwoord is ingesteld." in invited.content()
    assert invited.get_by_role("button", name="Uitloggen").count() == 1
    invited.goto(f"{base_url}/account")
    with invited.expect_navigation():  # the next page, not the one still shown
        invited.get_by_role("link", name="Wachtwoord wijzigen").click()
    assert invited.get_by_role("heading", name="Wachtwoord wijzigen").is_visible()
    check_page(axe, invited, width, "change-password")

    forgetful = _new_page(browser, width)
    forgetful.goto(f"{base_url}/login")
    with forgetful.expect_navigation():  # the next page, not the one still shown
        forgetful.get_by_role("link", name="Wachtwoord vergeten?").click()
    check_page(axe, forgetful, width, "forgot-password")
    forgetful.fill("#email", colleague)
    with forgetful.expect_navigation():  # the next page, not the one still shown
        forgetful.get_by_role("button", name="Link aanvragen").click()
    assert "Als er een account met dit adres is" in forgetful.content()
    check_page(axe, forgetful, width, "reset-requested")
    forgetful.goto(_link_in_mail(mailbox, colleague, "/password/reset"))
    assert forgetful.url == f"{base_url}/password/reset"
    check_page(axe, forgetful, width, "password-reset")
    forgetful.fill("#password", RESET)
    forgetful.fill("#password_again", RESET)
    with forgetful.expect_navigation():  # the next page, not the one still shown
        forgetful.get_by_role("button", name="Wachtwoord opslaan").click()
    assert "Uw nieuwe wachtwoord is ingesteld." in forgetful.content()

    invited.reload()  # the reset ended the session of the invitation
    assert invited.url.startswith(f"{base_url}/login")
    for opened in (page, invited, forgetful):
        opened.context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_a_used_link_says_what_to_do(browser, base_url, axe, mailbox, admin, live_app, width):
    colleague = f"tweemaal-{width}@gdt.test"
    with live_app.app_context():
        users.invite_user(colleague, "Tim Tweemaal", "coordinator", actor=None)
        db.session.remove()
    link = _link_in_mail(mailbox, colleague, "/invitation")
    page = _new_page(browser, width)
    page.goto(link)
    page.fill("#password", CHOSEN)
    page.fill("#password_again", CHOSEN)
    with page.expect_navigation():  # the next page, not the one still shown
        page.get_by_role("button", name="Wachtwoord opslaan").click()
    again = _new_page(browser, width)
    again.goto(link)
    assert again.get_by_role("heading", name="Deze link werkt niet meer").is_visible()
    assert "Wachtwoord vergeten?" in again.content()
    check_page(axe, again, width, "link-refused")
    page.context.close()
    again.context.close()
