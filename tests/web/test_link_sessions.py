"""A mailed link's token is a 14-day bearer key: it is exchanged on first use and kept out of every log.

Found in a security review: `GET /doorverwijzing/eyJ…` stood in the access logs. Now the token's address sets a
short link session (an HttpOnly, SameSite cookie, Secure in production, scoped to the clean address) and redirects
to the clean address, and the request logs mask the token (gunicorn's: tests/integration/test_gunicorn_logs.py).
"""
import logging
import threading
import urllib.request
from datetime import timedelta
from http.cookiejar import CookieJar

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from gdt.db import utcnow
from gdt.log_filters import MASK, MaskLinkTokens, mask_link_tokens
from gdt.models import AuditEvent, CasePartner, LinkSession
from gdt.services.core import partner_links
from tests.links import follow_link


@pytest.fixture
def referral(make):
    police = make.partner("politie", name="Politie Eindhoven")
    return make.referral(make.report("referred", referred_partner=police, description="Geschreeuw in het trappenhuis"),
                         partner=police)


def test_the_token_is_exchanged_for_a_link_session_and_the_browser_moves_on_without_it(app, db, referral):
    token = partner_links.issue(referral)
    visitor = app.test_client()
    exchange = visitor.get(f"/doorverwijzing/{token}")
    assert exchange.status_code == 302 and exchange.headers["Location"] == f"/doorverwijzing/{referral.id}"
    assert exchange.headers["Cache-Control"] == "no-store" and exchange.headers["Referrer-Policy"] == "no-referrer"
    cookie = exchange.headers["Set-Cookie"]
    assert cookie.startswith("gdt_link=") and token not in cookie
    for attribute in ("HttpOnly", "SameSite=Lax", f"Path=/doorverwijzing/{referral.id}", "Expires="):
        assert attribute in cookie, attribute
    page = visitor.get(exchange.headers["Location"])
    assert page.status_code == 200 and "Geschreeuw in het trappenhuis" in page.get_data(as_text=True)
    assert token not in page.get_data(as_text=True)  # no form or link on the page carries it on

    session = db.session.scalar(sa.select(LinkSession))
    assert session.referral_id == referral.id and session.partner_id == referral.partner_id
    assert session.token_hash not in cookie and len(session.token_hash) == 64  # only a hash is stored
    assert session.expires_at - session.started_at <= timedelta(hours=app.config["LINK_SESSION_ABSOLUTE_HOURS"])
    assert [event.action for event in db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_type == "referral").order_by(AuditEvent.id))] == \
        ["open_link", "view"]


def test_the_cookie_is_secure_where_the_app_runs_on_https(app, db, referral):
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        exchange = app.test_client().get(f"/doorverwijzing/{partner_links.issue(referral)}")
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False
    cookie = exchange.headers["Set-Cookie"]
    assert cookie.startswith("__Secure-gdt_link=") and "; Secure" in cookie and "HttpOnly" in cookie


def test_the_clean_address_without_a_link_session_says_to_open_the_mail_link_again(app, db, referral):
    page = app.test_client().get(f"/doorverwijzing/{referral.id}")
    assert page.status_code == 403 and "Open de link uit de e-mail" in page.get_data(as_text=True)
    assert "Geschreeuw" not in page.get_data(as_text=True) and page.headers["Referrer-Policy"] == "no-referrer"
    assert app.test_client().post(f"/doorverwijzing/{referral.id}", data={"action": "acknowledge"}).status_code == 403
    denied = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.outcome == "denied"))
    assert denied.detail == {"via": "link", "why": "no session"}
    db.session.refresh(referral)
    assert referral.status == "awaiting"


def test_a_link_session_opens_only_its_own_referral(app, db, make, referral):
    other = make.referral(partner=referral.partner)
    visitor = app.test_client()
    exchange = visitor.get(f"/doorverwijzing/{partner_links.issue(referral)}")
    key = exchange.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    # The browser scopes the cookie to its path; the server checks it too.
    stolen = app.test_client().get(f"/doorverwijzing/{other.id}", headers={"Cookie": f"gdt_link={key}"})
    assert stolen.status_code == 403


@pytest.mark.parametrize(("field", "ago"), [
    ("last_seen_at", timedelta(minutes=60 + 1)),  # idle longer than LINK_SESSION_IDLE_MINUTES
    ("expires_at", timedelta(seconds=1)),  # past its absolute end
    ("ended_at", timedelta(0)),  # ended (the partner was deactivated or taken off the case)
])
def test_an_idle_expired_or_ended_link_session_opens_nothing(app, db, referral, field, ago):
    visitor = app.test_client()
    url, _ = follow_link(visitor, f"/doorverwijzing/{partner_links.issue(referral)}")
    session = db.session.scalar(sa.select(LinkSession))
    setattr(session, field, utcnow() - ago)
    db.session.commit()
    assert visitor.get(url).status_code == 403
    assert visitor.get(url).status_code == 403  # and stays ended
    db.session.refresh(session)
    assert session.ended_at is not None


def test_a_link_session_never_outlives_its_link(app, db, referral):
    link = partner_links.Link(referral.id, referral.partner_id, utcnow() - timedelta(days=13, hours=23))
    grant = partner_links.start_session(link, referral_id=referral.id)
    db.session.commit()
    assert grant.expires_at <= link.issued_at + partner_links.lifetime()
    assert grant.expires_at - utcnow() < timedelta(hours=1)


def test_the_mailed_address_only_exchanges(app, db, referral):
    assert app.test_client().post(f"/doorverwijzing/{partner_links.issue(referral)}",
                                  data={"action": "acknowledge"}).status_code == 405


def test_a_case_link_is_exchanged_the_same_way(app, db, make):
    police = make.partner("politie")
    case = make.case()
    make.session.add(CasePartner(case=case, partner=police))
    make.session.commit()
    token = partner_links.issue_for_case(case.id, police.id)
    exchange = app.test_client().get(f"/casus/{token}")
    assert exchange.status_code == 302 and exchange.headers["Location"] == f"/casus/{case.id}"
    assert f"Path=/casus/{case.id}" in exchange.headers["Set-Cookie"] and token not in exchange.headers["Set-Cookie"]


@pytest.mark.parametrize(("line", "masked"), [
    ('"GET /doorverwijzing/eyJyIjo0MiwicCI6M30.Z5xYhA.aBc-dEf_123 HTTP/1.1" 302 -',
     f'"GET /doorverwijzing/{MASK} HTTP/1.1" 302 -'),
    ("Exception on /casus/eyJjIjo3LCJwIjozfQ.Z5x.abc/afspraken/3 [POST]",
     f"Exception on /casus/{MASK}/afspraken/3 [POST]"),
    ("https://gdt.gemeente.nl/casus/eyJj.x.y?bedankt=1", f"https://gdt.gemeente.nl/casus/{MASK}?bedankt=1"),
    ('"GET /doorverwijzing/42?bedankt=1 HTTP/1.1" 200', '"GET /doorverwijzing/42?bedankt=1 HTTP/1.1" 200'),
    ('"GET /partner/doorverwijzingen/42 HTTP/1.1" 200', '"GET /partner/doorverwijzingen/42 HTTP/1.1" 200'),
    ('"GET /partner/casussen/GDT-2025-000037 HTTP/1.1" 200', '"GET /partner/casussen/GDT-2025-000037 HTTP/1.1" 200'),
])
def test_link_tokens_are_masked_and_nothing_else(line, masked):
    assert mask_link_tokens(line) == masked


def test_the_development_servers_request_log_masks_the_token(app, db, referral, caplog):
    """`make run` serves with werkzeug, which logs every request line; the app's filter masks the token in it."""
    token = partner_links.issue(referral)
    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
            with opener.open(f"http://127.0.0.1:{server.server_port}/doorverwijzing/{token}") as page:
                assert page.status == 200 and page.url.endswith(f"/doorverwijzing/{referral.id}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
    logged = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert any(f"/doorverwijzing/{MASK}" in line for line in logged), logged
    assert any(f"/doorverwijzing/{referral.id}" in line for line in logged), logged
    assert not any(token in line for line in logged) and token not in caplog.text


def test_the_apps_own_log_masks_the_token(app, caplog):
    assert any(isinstance(existing, MaskLinkTokens) for existing in app.logger.filters)
    with caplog.at_level(logging.ERROR, logger=app.logger.name):
        app.logger.error("Exception on %s [%s]", "/casus/eyJjIjo3fQ.abc.def", "GET")
    assert caplog.records[-1].getMessage() == f"Exception on /casus/{MASK} [GET]"
