"""Mijn melding: the resident's page behind the signed link — the status in words and nothing about the address,
the description or anyone else; tampered, expired and revoked links refused; the token kept out of the logs."""
import time
from datetime import UTC, datetime

import sqlalchemy as sa

from gdt.log_filters import MASK, mask_link_tokens
from gdt.models import AuditEvent
from gdt.services.core import resident_links


def test_the_page_shows_the_status_in_words_and_nothing_about_the_address_or_others(app, db, make):
    report = make.report("received", street="Geheimstraat", description="De buurman Pietersen schreeuwt",
                         reporter_name="Anna Melder", reporter_email="anna@example.net", reporter_may_contact=True)
    with app.test_request_context():
        token = resident_links.link_token(report)
    response = app.test_client().get(f"/mijn-melding/{token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and report.reference in html and "Ontvangen" in html
    for secret in ("Geheimstraat", "Pietersen", "Anna Melder", "anna@example.net", "5611"):
        assert secret not in html, secret
    assert response.headers["Cache-Control"].startswith("no-store") or "no-store" in response.headers["Cache-Control"]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "view_resident_page"))
    assert event.object_ref == report.reference and event.actor_id is None


def test_tampered_expired_and_revoked_links_are_refused(app, db, make):
    report = make.report("received")
    with app.test_request_context():
        token = resident_links.link_token(report)
    client = app.test_client()
    assert client.get(f"/mijn-melding/{token[:-2]}xx").status_code == 404
    assert client.get("/mijn-melding/niets").status_code == 404

    app.config["RESIDENT_LINK_DAYS"] = 0
    time.sleep(1.1)
    expired = client.get(f"/mijn-melding/{token}")
    assert expired.status_code == 410 and "verlopen" in expired.get_data(as_text=True)
    app.config["RESIDENT_LINK_DAYS"] = 180

    report.destroyed_at = datetime(2026, 12, 1, tzinfo=UTC)
    make.session.commit()
    assert client.get(f"/mijn-melding/{token}").status_code == 404


def test_the_token_never_reaches_a_log_line():
    line = '127.0.0.1 - - "GET /mijn-melding/eyJhbGciOi.abc.def HTTP/1.1" 200'
    assert mask_link_tokens(line) == f'127.0.0.1 - - "GET /mijn-melding/{MASK} HTTP/1.1" 200'
