"""The demo admin keeps the categories in Chromium, at 1280 and 320 px, with axe on every page: a new category with
help text, its own triage deadline and a suggested partner; the key fixed on a category the demo reports use, with
its history; retiring and reactivating; the webform shows the new category with its help text as a radio button."""
import os
from pathlib import Path

import pytest

from gdt.db import db
from gdt.models import Report, ReportClaim
from gdt.services.demo import demo_data
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e
LOGINS = {role: (email, password) for role, email, _name, password in demo_data.DEMO_LOGINS}
HELP = "Ruzie met de buren over de tuin, de trap of het parkeren, die uit de hand dreigt te lopen."


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("GDT_E2E_SCREENSHOTS") or tmp_path_factory.mktemp("category-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def demo(live_app):
    with live_app.app_context():
        demo_data.load_demo(year=None, reports=60, if_empty=False)
        db.session.remove()


def _page(browser, base_url, width, role="admin"):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base_url}/login")
    page.fill("#email", LOGINS[role][0])
    page.fill("#password", LOGINS[role][1])
    page.press("#password", "Enter")
    page.wait_for_load_state()
    return page


def _check(axe, page, width, folder=None, name=None):
    assert_accessible(axe, page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"
    if name:
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 320])
def test_the_admin_keeps_the_categories(browser, base_url, demo, axe, screenshots, width):
    page = _page(browser, base_url, width)
    page.goto(f"{base_url}/admin/categories")
    assert "Categorieën" in page.inner_text("h1")
    assert "3 werkdagen (algemeen)" in page.inner_text("table")
    _check(axe, page, width, screenshots, "categories")

    # A new category, refused first (no name), then with all its settings.
    key = f"burenruzie-{width}"
    page.click("text=Nieuwe categorie toevoegen")
    page.fill("#key", key)
    page.fill("#triage_working_days", "40")
    page.click("button:has-text('Categorie toevoegen')")
    page.wait_for_selector("#error-summary")
    assert "Vul een naam in." in page.inner_text("#error-summary")
    _check(axe, page, width, screenshots, "new-category-refused")
    page.fill("#label", f"Burenruzie {width}")
    page.fill("#help_text", HELP)
    page.fill("#triage_working_days", "5")
    page.select_option("#suggested_partner", "wijkteam")
    page.click("button:has-text('Categorie toevoegen')")
    page.wait_for_selector(f"text=Categorie Burenruzie {width} is toegevoegd.")
    row = page.locator("tr", has_text=f"Burenruzie {width}")
    assert "5 werkdagen" in row.inner_text() and "Wijkteam" in row.inner_text()
    _check(axe, page, width)

    # Its key may still change: nothing uses it yet.
    row.locator("a").click()
    page.wait_for_selector("#key")
    _check(axe, page, width, screenshots, "edit-new-category")
    page.fill("#triage_working_days", "")
    page.click("button:has-text('Wijzigingen opslaan')")
    page.wait_for_selector("text=De wijzigingen zijn opgeslagen.")
    assert "3 werkdagen (algemeen)" in page.locator("tr", has_text=f"Burenruzie {width}").inner_text()

    # The webform offers it, with its help text under the radio button.
    public = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    public.goto(f"{base_url}/melden")
    option = public.locator(f"input[name=category][value={key}]")
    hint = public.locator(f"#{option.get_attribute('aria-describedby')}")
    assert hint.inner_text() == HELP
    _check(axe, public, width, screenshots, "webform")
    public.context.close()

    # A category the demo reports use: the key is text with why; a change lands in its history; retire, reactivate.
    page.goto(f"{base_url}/admin/categories")
    page.locator("tr", has_text="Geluidsoverlast").locator("a").click()
    page.wait_for_selector("#label")
    assert page.locator("#key").count() == 0
    assert "De sleutel staat vast:" in page.inner_text("main")
    page.fill("#triage_working_days", "2")
    page.click("button:has-text('Wijzigingen opslaan')")
    page.wait_for_selector("text=De wijzigingen zijn opgeslagen.")
    page.locator("tr", has_text="Geluidsoverlast").locator("a").click()
    history = page.locator("#wijzigingen + *").inner_text()
    assert "Eigen termijn voor triage: – → 2 werkdagen" in history
    _check(axe, page, width, screenshots, "edit-used-category")
    page.click("text=Categorie deactiveren")
    page.wait_for_selector("text=De categorie wordt niet meer aangeboden")
    _check(axe, page, width)
    page.click("text=Categorie weer activeren")
    page.wait_for_selector("text=De categorie wordt weer aangeboden")
    page.context.close()


@pytest.mark.parametrize("width", [1280, 320])
def test_the_coordinator_finds_the_suggested_partner_chosen_at_triage(browser, base_url, live_app, demo, axe,
                                                                      screenshots, width):
    with live_app.app_context():
        nobody_holds = ~db.select(ReportClaim).where(ReportClaim.report_id == Report.id).exists()
        report = db.session.scalar(db.select(Report).where(Report.status == "received", nobody_holds)
                                   .order_by(Report.id))
        reference, category_id, label = report.reference, report.category_id, report.category.label
        db.session.remove()
    admin = _page(browser, base_url, width)
    admin.goto(f"{base_url}/admin/categories/{category_id}")
    admin.select_option("#suggested_partner", "wijkteam")
    admin.click("button:has-text('Wijzigingen opslaan')")
    admin.wait_for_selector("text=De wijzigingen zijn opgeslagen.")
    assert "Wijkteam" in admin.locator("tr", has_text=label).inner_text()
    admin.context.close()

    coordinator = _page(browser, base_url, width, "coordinator")
    coordinator.goto(f"{base_url}/reports/{reference}")
    coordinator.locator("button", has_text="Ik pak deze op").click()
    coordinator.wait_for_selector("#refer-partner")
    assert coordinator.input_value("#refer-partner") == "wijkteam"
    assert coordinator.inner_text("#refer-partner-description") == "Voorgesteld bij deze categorie: Wijkteam"
    _check(axe, coordinator, width, screenshots, "triage-suggestion")
    coordinator.select_option("#refer-partner", "politie")  # only a suggestion
    coordinator.context.close()
