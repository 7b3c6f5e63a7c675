"""Single sign-on in Chromium at 1280 and 320 px with axe, against the local OpenID provider: the login page with
the button, a login made just in time, a refused login's page, and logout through the provider's end-session page."""
import itertools
import json

import pytest

from gdt.services.identity import oidc
from tests.e2e.conftest import check_page
from tests.support.oidc_provider import CLIENT_ID, CLIENT_SECRET, OidcProvider

pytestmark = pytest.mark.e2e
SUBJECTS = itertools.count(1)


@pytest.fixture
def provider(live_app, base_url):
    server = OidcProvider().start()
    saved = {name: live_app.config[name] for name in
             ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_ROLE_MAP", "OIDC_LABEL", "PUBLIC_BASE_URL")}
    live_app.config.update(OIDC_ISSUER=server.issuer, OIDC_CLIENT_ID=CLIENT_ID, OIDC_CLIENT_SECRET=CLIENT_SECRET,
                           OIDC_ROLE_MAP=json.dumps({"gdt-coordinator": "coordinator"}), PUBLIC_BASE_URL=base_url,
                           OIDC_LABEL="Inloggen met je gemeente-account")
    yield server
    live_app.config.update(saved)
    oidc.forget_cached()
    server.stop()


@pytest.mark.parametrize("width", [1280, 320])
def test_log_in_with_the_municipality_account_and_out_again(browser, base_url, axe, provider, width):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    number = next(SUBJECTS)
    provider.next_login(sub=f"e2e-{number}", email=f"sso-{number}@gemeente.test", name="Sanne SSO")
    page.goto(f"{base_url}/login")
    check_page(axe, page, width, "login-with-sso")
    page.get_by_role("link", name="Inloggen met je gemeente-account").click()
    page.wait_for_url(f"{base_url}/start")  # the start page of a coordinator
    assert "Sanne SSO" in page.content()
    check_page(axe, page, width, "after-sso-login")

    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(f"{base_url}/login")
    assert provider.end_session_calls and provider.end_session_calls[-1]["id_token_hint"]
    assert "U bent uitgelogd" in page.content()

    provider.next_login(sub=f"e2e-refused-{number}", email=f"geen-rol-{number}@gemeente.test", roles=["finance"])
    page.get_by_role("link", name="Inloggen met je gemeente-account").click()
    page.wait_for_load_state()
    assert "Inloggen niet gelukt" in page.content() and "geen rol in GDT" in page.content()
    check_page(axe, page, width, "sso-refused")
    page.context.close()
