"""A new installation from an empty database, without demo data: `db upgrade`, `flask setup`, an intake user who
chooses a password through the invitation link and the app's API client, and at once a report comes in through each
channel: the app, the public webform and the phone (an intake user at the page), each stored with its reference."""
import json
import os
import re
import subprocess
import sys

import pytest
import sqlalchemy as sa

import config
from gdt import create_app
from gdt.db import db
from gdt.models import Report
from gdt.services.core.reference_numbers import REFERENCE_PATTERN

pytestmark = pytest.mark.integration

ADMIN_PASSWORD = "beheerder wachtwoord 2026"
INTAKE_PASSWORD = "intake wachtwoord 2026"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def flask_command(*args, url, tmp_path) -> subprocess.CompletedProcess:
    env = os.environ | {"DATABASE_URL": url, "GDT_INSTANCE_DIR": str(tmp_path / "instance"), "GDT_ENV": "development"}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=config.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def installation(fresh_database_url, tmp_path):
    """The app on the fresh database as an operator runs it: CSRF on, mail kept in the database."""
    class InstallConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = fresh_database_url
        WTF_CSRF_ENABLED = True
        MAIL_TRANSPORT = "local"
        ATTACHMENT_DIR = str(tmp_path / "attachments")

    app = create_app(InstallConfig)
    yield app  # each request and command in an app context of its own, as when served
    with app.app_context():
        db.engine.dispose()


def cli(app, *args, password=None):
    with app.app_context():  # as `flask` gives every command
        result = app.test_cli_runner().invoke(args=list(args), env={"GDT_PASSWORD": password})
    assert result.exit_code == 0, result.output
    return result


def csrf_token(client, path: str) -> str:
    return CSRF.search(client.get(path, follow_redirects=True).get_data(as_text=True)).group(1)


def test_upgrade_setup_and_every_channel_takes_a_report(installation, fresh_database_url, tmp_path):
    app = installation
    with app.app_context():
        early = app.test_cli_runner().invoke(args=["setup", "--admin-email", "beheer@gemeente.nl",
                                                   "--admin-name", "B"], env={"GDT_PASSWORD": ADMIN_PASSWORD})
    assert early.exit_code == 1 and "run `flask --app wsgi db upgrade` first" in early.stderr

    upgrade = flask_command("db", "upgrade", url=fresh_database_url, tmp_path=tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    setup = cli(app, "setup", "--admin-email", "beheer@gemeente.nl", "--admin-name", "Bea Beheer",
                password=ADMIN_PASSWORD)
    assert "Categories: 0 already present, 9 created." in setup.stdout
    assert "Active admins: 0 already present, 1 created (beheer@gemeente.nl)." in setup.stdout
    invitation = cli(app, "users", "create", "--email", "intake@gemeente.nl", "--name", "Ivo Intake", "--role",
                     "intake", "--print-link").stdout.strip()
    invitation = invitation[invitation.index("/invitation?token="):]  # the printed link's path on this test host
    app_token = cli(app, "api-clients", "create", "woonoverlast-app", "--channel", "app").stdout.strip()

    from_app = app.test_client().post("/api/v1/reports", data=json.dumps(APP_REPORT), content_type="application/json",
                                      headers={"Authorization": f"Bearer {app_token}", "Idempotency-Key": "first"})
    assert from_app.status_code == 201, from_app.get_data(as_text=True)

    resident = app.test_client()
    page = resident.get("/melden", follow_redirects=True).get_data(as_text=True)
    form_key = re.search(r'name="form_key" type="hidden" value="([^"]+)"', page).group(1)
    from_webform = resident.post("/melden", data=WEBFORM_REPORT | {"form_key": form_key,
                                                                   "csrf_token": CSRF.search(page).group(1)})
    assert from_webform.status_code in (302, 303), from_webform.get_data(as_text=True)
    assert "/melden/ontvangen" in from_webform.headers["Location"]

    invited = app.test_client()
    accepted = invited.post("/invitation", data={"password": INTAKE_PASSWORD, "password_again": INTAKE_PASSWORD,
                                                 "csrf_token": csrf_token(invited, invitation)})
    assert accepted.status_code == 302, accepted.get_data(as_text=True)

    intake = app.test_client()
    login = intake.post("/login", data={"email": "intake@gemeente.nl", "password": INTAKE_PASSWORD,
                                        "csrf_token": csrf_token(intake, "/login")})
    assert login.status_code == 302 and "/login" not in login.headers["Location"]
    by_phone = intake.post("/intake/reports/new",
                           data=PHONE_REPORT | {"csrf_token": csrf_token(intake, "/intake/reports/new")})
    assert by_phone.status_code == 302, by_phone.get_data(as_text=True)

    with app.app_context():
        stored = db.session.execute(sa.select(Report.channel, Report.reference, Report.status)
                                    .order_by(Report.id)).all()
    assert [channel for channel, _, _ in stored] == ["app", "webform", "phone"]
    assert all(re.fullmatch(REFERENCE_PATTERN, reference) and status == "received" for _, reference, status in stored)
    assert from_app.get_json()["reference"] == stored[0].reference
    assert stored[2].reference in intake.get(by_phone.headers["Location"]).get_data(as_text=True)


def test_setup_twice_on_a_migrated_database_changes_nothing(installation, fresh_database_url, tmp_path):
    app = installation
    assert flask_command("db", "upgrade", url=fresh_database_url, tmp_path=tmp_path).returncode == 0
    first = cli(app, "setup", "--admin-email", "beheer@gemeente.nl", "--admin-name", "Bea Beheer",
                password=ADMIN_PASSWORD)
    results = re.search(r"Case results: (\d+) already present, 0 created\.", first.stdout)  # the migration's
    assert results and int(results.group(1)) > 0
    again = cli(app, "setup")  # no options, no password needed once an admin is active
    assert "Categories: 9 already present, 0 created." in again.stdout
    assert "Partners: 8 already present, 0 created." in again.stdout
    assert f"Case results: {results.group(1)} already present, 0 created." in again.stdout
    assert "Active admins: 1 already present, 0 created (beheer@gemeente.nl)." in again.stdout


APP_REPORT = {
    "category": "geluidsoverlast", "description": "Harde muziek tot diep in de nacht, elke dag.",
    "location": {"postcode": "5611AB", "house_number": 12},
    "reporter": {"name": "Jan Jansen", "phone": "06 12345678", "anonymous": False, "may_contact": True},
}
WEBFORM_REPORT = {
    "category": "geluidsoverlast", "description": "Elke nacht harde muziek tot drie uur.", "postcode": "5611 AB",
    "house_number": "12", "reporter_name": "Anna de Vries", "reporter_email": "anna@example.nl",
    "reporter_may_contact": "y",
}
PHONE_REPORT = {
    "category": "geluidsoverlast", "description": "Elke nacht harde muziek.", "postcode": "5611AB",
    "house_number": "12", "reporter_name": "Piet de Vries", "reporter_phone": "06 1234 5678",
    "reporter_may_contact": "y",
}
