"""Gunicorn, started from the repository as the README says, keeps link tokens and query strings out of its logs.

Found in a security review: `GET /doorverwijzing/eyJ…` (a 14-day bearer key) stood in the access logs. The
repository's gunicorn.conf.py masks it; the app exchanges it for a link session and moves on to a clean address.
"""
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

import config
from gdt.log_filters import MASK

pytestmark = pytest.mark.integration

SECRET = "gunicorn-log-test-secret"


def _prepare(database_url: str) -> dict:
    """The schema, a partner, a referral and its mailed link, in the database gunicorn will serve."""
    from gdt import create_app
    from gdt.db import db
    from gdt.services.core import partner_links, reference_data
    from tests.factories import Builders

    class Prepare(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        SECRET_KEY = SECRET

    app = create_app(Prepare)
    with app.app_context():
        db.create_all()
        reference_data.ensure_defaults()
        make = Builders(db.session)
        police = make.partner("politie")
        referral = make.referral(make.report("referred", referred_partner=police), partner=police)
        found = {"token": partner_links.issue(referral), "referral_id": referral.id}
        db.session.remove()
        db.engine.dispose()
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _gunicorn(target: str, tmp_path, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """Gunicorn serving `target` from the repository, with its access and error logs in `tmp_path`.

    No -c: gunicorn picks up ./gunicorn.conf.py in the repository by itself, as in the README's command.
    """
    port = _free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen([str(gunicorn), "-w", "1", "-b", f"127.0.0.1:{port}",
                                "--access-logfile", str(tmp_path / "access.log"),
                                "--error-logfile", str(tmp_path / "error.log"), target],
                               cwd=config.BASE_DIR, env=os.environ | (env or {}))
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise AssertionError("gunicorn did not start") from None
            time.sleep(0.1)


def test_the_repositorys_gunicorn_configuration_masks_link_tokens_in_any_app(tmp_path):
    token = "eyJyIjo0MiwicCI6M30.Z5xYhA.aBc-dEf_123"
    process, base = _gunicorn("tests.integration.plain_wsgi:app", tmp_path)
    try:
        for path in (f"/doorverwijzing/{token}", f"/casus/{token}/overleg/3.pdf", "/doorverwijzing/42",
                     "/zaken?q=Jansen+Dorpsstraat"):
            request = urllib.request.Request(base + path, headers={"Referer": f"{base}/casus/{token}?q=Pietersen"})
            with urllib.request.urlopen(request) as answer:
                assert answer.status == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
    logged = (tmp_path / "access.log").read_text()
    assert f'"GET /doorverwijzing/{MASK} HTTP/1.1" 200' in logged, logged
    assert f'"GET /casus/{MASK}/overleg/3.pdf HTTP/1.1" 200' in logged and f'"{base}/casus/{MASK}"' in logged
    assert '"GET /doorverwijzing/42 HTTP/1.1" 200' in logged
    assert token not in logged and "eyJ" not in logged
    # No query string in the path or the referrer: a search may hold a name or an address.
    assert '"GET /zaken HTTP/1.1" 200' in logged
    assert "Jansen" not in logged and "Pietersen" not in logged and "?" not in logged


def test_the_access_and_error_logs_never_show_a_link_token(fresh_database_url, tmp_path):
    prepared = _prepare(fresh_database_url)
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    process, base = _gunicorn("wsgi:app", tmp_path, {
        "DATABASE_URL": fresh_database_url, "SECRET_KEY": SECRET, "GDT_ENV": "development",
        "GDT_INSTANCE_DIR": str(tmp_path / "instance")})
    try:
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        with browser.open(f"{base}/doorverwijzing/{prepared['token']}") as page:
            assert page.status == 200 and page.url == f"{base}/doorverwijzing/{prepared['referral_id']}"
        with pytest.raises(urllib.error.HTTPError) as tampered:
            urllib.request.urlopen(f"{base}/casus/{prepared['token']}x")
        assert tampered.value.code == 404
        tampered.value.close()
    finally:
        process.terminate()
        process.wait(timeout=30)
    logged = access.read_text()
    assert f'"GET /doorverwijzing/{MASK} HTTP/1.1" 302' in logged, logged
    assert f'"GET /doorverwijzing/{prepared["referral_id"]} HTTP/1.1" 200' in logged, logged
    assert f'"GET /casus/{MASK} HTTP/1.1" 404' in logged, logged
    for log in (logged, errors.read_text()):
        assert prepared["token"] not in log and prepared["token"].split(".")[0] not in log
