"""API tokens in a real browser at 1280 and 320 px, with axe: a user sees and revokes an own token on the account
page, the admin sees and revokes the rest on the user's page; the page never sideways-scrolls."""

import pytest

from gdt.db import db
from gdt.services.admin import users
from gdt.services.core import tokens
from tests.e2e.conftest import PASSWORD, check_page

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def admin(live_app):
    with live_app.app_context():
        users.create_user("admin@gdt.test", "Admin Test", "admin", PASSWORD, actor=None)
        db.session.remove()


@pytest.fixture
def holder(live_app, admin, request):
    """Per width: a coordinator with two personal tokens."""
    width = request.node.callspec.params["width"]
    with live_app.app_context():
        user = users.create_user(f"tokens-{width}@gdt.test", "Tara Token", "coordinator", PASSWORD, actor=None)
        raws = [tokens.issue_user_token(user, actor=None) for _ in range(2)]
        held = {"id": user.id, "email": user.email, "raws": raws}
        db.session.remove()
    return held


def _login(browser, base_url, width, email):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_load_state()
    return page


def _revoke_buttons(page):
    return page.locator(".gdt-token button", has_text="Intrekken")


@pytest.mark.parametrize("width", [1280, 320])
def test_user_and_admin_revoke_tokens(browser, base_url, axe, live_app, holder, width):
    member = _login(browser, base_url, width, holder["email"])
    member.get_by_role("link", name="Tara Token").click()
    member.wait_for_load_state()
    assert member.url.endswith("/account")
    assert _revoke_buttons(member).count() == 2
    assert all(raw not in member.content() for raw in holder["raws"])
    check_page(axe, member, width, "account-tokens")

    _revoke_buttons(member).first.click()
    member.wait_for_load_state()
    assert "Het API-token is ingetrokken." in member.content()
    assert _revoke_buttons(member).count() == 1
    check_page(axe, member, width, "account-token-revoked")

    admin = _login(browser, base_url, width, "admin@gdt.test")
    admin.goto(f"{base_url}/admin/users/{holder['id']}")
    assert _revoke_buttons(admin).count() == 1
    check_page(axe, admin, width, "admin-user-tokens")
    _revoke_buttons(admin).first.click()
    admin.wait_for_load_state()
    assert "Het API-token is ingetrokken." in admin.content() and "Geen werkende API-tokens." in admin.content()
    check_page(axe, admin, width, "admin-user-tokens-revoked")

    with live_app.app_context():
        assert [tokens.authenticate(raw) for raw in holder["raws"]] == [None, None]
        db.session.remove()
