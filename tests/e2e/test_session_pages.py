"""Sessions in a real browser: "Mijn sessies" at 1280 and 320 px with axe, ending another browser's session; the
idle warning (with SESSION_IDLE_MINUTES made short on the served app) opening as an accessible dialog, keeping the
typed text after "Ingelogd blijven", and after an idle end the typed text coming back after logging in again."""

import pytest

from tests.e2e.conftest import PASSWORD, check_page

pytestmark = pytest.mark.e2e
TYPED = "Harde muziek tot diep in de nacht, sinds drie weken."


@pytest.fixture
def short_sessions(live_app):
    """Idle limit and warning in seconds instead of minutes, for this test only."""
    def shorten(idle_seconds: float, warning_seconds: float):
        live_app.config.update(SESSION_IDLE_MINUTES=idle_seconds / 60,
                               SESSION_IDLE_WARNING_MINUTES=warning_seconds / 60)

    saved = {key: live_app.config[key] for key in ("SESSION_IDLE_MINUTES", "SESSION_IDLE_WARNING_MINUTES")}
    yield shorten
    live_app.config.update(saved)


def _login(browser, base_url, width, email, user_agent=None):
    context = browser.new_context(viewport={"width": width, "height": 900}, user_agent=user_agent)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_load_state()
    return page


@pytest.mark.parametrize("width", [1280, 320])
def test_mijn_sessies_ends_another_browsers_session(browser, base_url, axe, width):
    phone = _login(browser, base_url, width, "manager@gdt.test",
                   user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
                              "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1")
    laptop = _login(browser, base_url, width, "manager@gdt.test")
    laptop.goto(f"{base_url}/account")
    laptop.get_by_role("link", name="Mijn sessies").click()
    laptop.wait_for_load_state()
    assert laptop.get_by_role("heading", name="Mijn sessies").is_visible()
    assert laptop.get_by_text("Safari op iPhone").count() == 1
    assert laptop.get_by_text("(deze sessie)").count() == 1
    check_page(axe, laptop, width, "sessions")

    laptop.get_by_role("button", name="Alle andere sessies beëindigen").click()
    laptop.wait_for_load_state()
    assert laptop.get_by_role("status").filter(has_text="andere sessie").count() >= 1
    assert laptop.get_by_text("Safari op iPhone").count() == 0
    check_page(axe, laptop, width, "sessions-ended")

    phone.goto(f"{base_url}/account")
    assert "/login" in phone.url
    assert phone.get_by_text("Uw sessie is beëindigd.").count() == 1
    for page in (phone, laptop):
        page.context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_idle_warning_keeps_the_typed_text_when_staying_logged_in(browser, base_url, axe, short_sessions,
                                                                      width):
    short_sessions(idle_seconds=20, warning_seconds=17)  # the warning opens about 3 seconds after the page
    page = _login(browser, base_url, width, "intake@gdt.test")
    page.goto(f"{base_url}/intake/reports/new")
    page.fill("#description", TYPED)
    dialog = page.get_by_role("alertdialog", name="Bijna uitgelogd")
    dialog.wait_for(state="visible", timeout=15_000)
    assert "uitgelogd omdat u niets hebt gedaan" in dialog.inner_text()
    assert "Wat u hebt ingevuld blijft staan" in dialog.inner_text()
    stay = dialog.get_by_role("button", name="Ingelogd blijven")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Ingelogd blijven"
    check_page(axe, page, width, "idle-warning")

    stay.click()
    dialog.wait_for(state="hidden")
    assert page.input_value("#description") == TYPED
    assert page.evaluate("document.activeElement.id") == "description"  # focus back where the user was
    status = page.evaluate("fetch('/session/status').then(r => r.json())")
    assert status["live"] and status["idleSeconds"] >= 17  # keep-alive moved the idle end
    page.context.close()


def test_after_an_idle_end_logging_in_again_brings_the_typed_text_back(browser, base_url, axe, short_sessions):
    short_sessions(idle_seconds=6, warning_seconds=4)
    page = _login(browser, base_url, 1280, "intake@gdt.test")
    page.goto(f"{base_url}/intake/reports/new")
    page.fill("#description", TYPED)
    ended = page.get_by_role("alertdialog", name="Uitgelogd", exact=True)
    ended.wait_for(state="visible", timeout=15_000)
    relogin = ended.get_by_role("button", name="Opnieuw inloggen")
    assert relogin.is_visible() and ended.get_by_role("button", name="Ingelogd blijven").is_hidden()
    check_page(axe, page, 1280, "idle-ended")

    relogin.click()
    page.wait_for_url("**/login?next=*")
    assert page.get_by_text("U bent automatisch uitgelogd omdat u 6 seconden niets hebt gedaan.").count() == 1
    short_sessions(idle_seconds=30 * 60, warning_seconds=120)  # the new login lasts through the checks below
    page.fill("#email", "intake@gdt.test")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/intake/reports/new")
    assert page.input_value("#description") == TYPED
    assert page.get_by_role("status").filter(has_text="staat weer in het formulier").is_visible()
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('gdt-saved-forms'))") == []
    check_page(axe, page, 1280, "form-restored")
    page.reload()
    assert page.input_value("#description") == ""  # restored once, then forgotten
    page.context.close()


def test_a_form_sent_after_the_end_is_kept_and_sent_through_the_login(browser, base_url, short_sessions):
    short_sessions(idle_seconds=6, warning_seconds=4)
    page = _login(browser, base_url, 1280, "intake@gdt.test")
    page.goto(f"{base_url}/intake/reports/new")
    page.evaluate("document.getElementById('gdt-session-warning').remove = () => {}")
    page.fill("#description", TYPED)
    page.get_by_role("alertdialog", name="Uitgelogd", exact=True).wait_for(state="visible", timeout=15_000)
    page.evaluate("document.getElementById('gdt-session-warning').close()")  # as if the user pressed Escape
    short_sessions(idle_seconds=30 * 60, warning_seconds=120)
    page.evaluate("document.querySelector('main form[method=post]').requestSubmit()")
    page.wait_for_url("**/login?next=*")
    assert page.get_by_text("automatisch uitgelogd").count() == 1
    page.fill("#email", "intake@gdt.test")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url("**/intake/reports/new")
    assert page.input_value("#description") == TYPED
    page.context.close()


@pytest.fixture(scope="module")
def admin_world(live_app):
    """An administrator, an API client and a coordinator with a personal token."""
    from gdt.db import db
    from gdt.services.admin import users
    from gdt.services.core import tokens
    with live_app.app_context():
        users.create_user("admin@gdt.test", "Admin Test", "admin", PASSWORD, actor=None)
        tokens.issue_api_client("woonoverlast-app", "app", actor=None)
        tokens.issue_user_token(users.user_by_email("coordinator@gdt.test"), actor=None)
        coordinator_id = users.user_by_email("coordinator@gdt.test").id
        db.session.remove()
    return {"coordinator_id": coordinator_id}


@pytest.mark.parametrize("width", [1280, 320])
def test_the_administrator_ends_a_users_sessions_and_sees_api_access(browser, base_url, axe, admin_world, width):
    member = _login(browser, base_url, width, "coordinator@gdt.test")
    admin = _login(browser, base_url, width, "admin@gdt.test")
    admin.goto(f"{base_url}/admin/users/{admin_world['coordinator_id']}")
    assert admin.get_by_role("heading", name="Sessies").is_visible()
    check_page(axe, admin, width, "admin-user-sessions")
    admin.get_by_role("link", name="Alle sessies beëindigen").click()
    admin.wait_for_load_state()
    check_page(axe, admin, width, "admin-end-sessions")
    admin.get_by_role("button", name="Alle sessies beëindigen").click()
    admin.wait_for_load_state()
    assert admin.get_by_text("Alle sessies van Coordinator Test zijn beëindigd").count() == 1
    member.goto(f"{base_url}/account")
    assert "/login" in member.url

    if width == 1280:
        admin.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="API-toegang").click()
    else:  # the menu is a disclosure at 320 px
        admin.get_by_text("Menu", exact=True).click()
        admin.locator(".gdt-nav__compact-list").get_by_role("link", name="API-toegang").click()
    admin.wait_for_load_state()
    assert admin.get_by_role("heading", name="API-toegang").is_visible()
    assert admin.get_by_text("woonoverlast-app", exact=True).count() == 1
    check_page(axe, admin, width, "api-access")
    for page in (member, admin):
        page.context.close()
