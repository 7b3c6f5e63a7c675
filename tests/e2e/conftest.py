"""End-to-end: the real app served on loopback with real commits and CSRF on, driven by headless Chromium."""
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

import config
from gdt import create_app
from gdt.db import db
from gdt.services.admin import users
from gdt.services.core import reference_data

PASSWORD = "een wachtwoord voor de browser"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    class LiveConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'gdt.sqlite'}"
        WTF_CSRF_ENABLED = True

    app = create_app(LiveConfig)
    with app.app_context():
        db.create_all()
        reference_data.ensure_defaults()
        for role in ("intake", "coordinator", "manager", "partner"):
            users.create_user(f"{role}@gdt.test", f"{role.title()} Test", role, PASSWORD, actor=None,
                              partner_key="politie" if role == "partner" else None)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="module")
def base_url(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def mailbox(live_app, base_url):
    """A real SMTP server the served app mails to; links in the mails point at the served app."""
    from tests.smtp import Inbox
    with Inbox() as server:
        saved = {key: live_app.config[key] for key in ("SMTP_HOST", "SMTP_PORT", "PUBLIC_BASE_URL")}
        live_app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, PUBLIC_BASE_URL=base_url)
        yield server
        live_app.config.update(saved)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is needed (make test installs it: python -m tests.system_packages)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def login(browser, base_url):
    """`login(role)` opens a logged-in page; with `width`, in a window that wide that accepts downloads."""
    contexts = []

    def open_as(role: str, width: int | None = None):
        context = browser.new_context(viewport={"width": width or 1280, "height": 900}, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{base_url}/login")
        page.fill("#email", f"{role}@gdt.test")
        page.fill("#password", PASSWORD)
        page.press("#password", "Enter")
        page.wait_for_load_state()
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def privacy_report(live_app):
    """A phone report by Piet de Vries with the reporter's words in it, and the privacy officer's account."""
    import sqlalchemy as sa

    from gdt.models import User
    from gdt.services.intake import report_intake

    with live_app.app_context():
        if db.session.scalar(sa.select(User).where(User.email == "privacy@gdt.test")) is None:
            users.create_user("privacy@gdt.test", "Fenna Gegevens", "privacy", PASSWORD, actor=None)
        clerk = db.session.scalar(sa.select(User).where(User.email == "intake@gdt.test"))
        report = report_intake.register_phone_report(report_intake.ReportInput(
            category="geluidsoverlast", description="Buren draaien elke nacht harde muziek.", postcode="5611AB",
            house_number="1", reporter_name="Piet de Vries", reporter_phone="0612345678"), actor=clerk)
        reference = report.reference
        db.session.remove()
    return reference


def open_case_with_subject(live_app, reference: str, *, days_ago: int = 30) -> str:
    """An open case of the coordinator's, opened `days_ago`, with Piet de Vries as the person it is about."""
    from datetime import UTC, datetime, timedelta

    import sqlalchemy as sa

    from gdt.models import Case, CaseParty, User

    with live_app.app_context():
        coordinator = db.session.scalar(sa.select(User).where(User.email == "coordinator@gdt.test"))
        opened = datetime.now(UTC) - timedelta(days=days_ago)
        case = Case(reference=reference, source="report", status="open", coordinator=coordinator,
                    received_at=opened, opened_at=opened)
        db.session.add_all([case, CaseParty(case=case, name="Piet de Vries", role="subject")])
        db.session.commit()
        db.session.remove()
    return reference


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe
    return Axe()


def assert_accessible(axe, page) -> None:
    """axe-core finds part of the WCAG 2.1 A/AA failures automatically; none may remain."""
    results = axe.run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
    )
    violations = [
        (item["id"], [node["target"] for node in item["nodes"]][:3]) for item in results.response["violations"]
    ]
    assert violations == [], violations


SCREENSHOTS = os.environ.get("GDT_E2E_SCREENSHOTS")  # a folder: keep a screenshot of each page for review


def check_page(axe, page, width: int, name: str) -> None:
    """axe finds nothing, nothing scrolls sideways at this width, and with GDT_E2E_SCREENSHOTS the page is kept."""
    assert_accessible(axe, page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{width}.png"), full_page=True)
