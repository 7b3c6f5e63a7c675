"""Mijn melding: the resident's page behind the signed link — the status in words and nothing about the address,
the description or anyone else; the logbook with the intake's field rules and upload checks while the report is
open, read-only once closed; tampered, expired and revoked links refused; the token kept out of the logs."""
import io
import re
import time
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from PIL import Image

from gdt.db import db as database
from gdt.log_filters import MASK, mask_link_tokens
from gdt.models import Attachment, AuditEvent, CaseParty, Report
from gdt.models.resident import ResidentLogEntry
from gdt.services.core import resident_links
from gdt.services.core.attachment_store import directory
from tests import attachment_files as files
from tests import dates, links
from tests.apps import own_app

SECRETS = ("Geheimstraat", "Pietersen", "Anna Melder", "anna@example.net", "5611", "Politie", "Buurman Boos")


def token_of(app, report) -> str:
    with app.test_request_context():
        return resident_links.link_token(report)


def entry(**changes) -> dict:
    data = {"happened_on": dates.today().isoformat(), "happened_at": "23:15", "duration_minutes": "45",
            "text": "Weer harde muziek en gebonk tot half een."}
    return {key: value for key, value in (data | changes).items() if value is not None}


def entries(db) -> list[ResidentLogEntry]:
    return db.session.scalars(sa.select(ResidentLogEntry).order_by(ResidentLogEntry.id)).all()


def events(db, action: str) -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.fixture
def resident(app, make):
    """A report about a neighbour in an open case with a named party and a partner: the resident's link to it."""
    report = make.report("escalated", street="Geheimstraat", description="De buurman Pietersen schreeuwt",
                         reporter_name="Anna Melder", reporter_email="anna@example.net", reporter_may_contact=True)
    make.session.add(CaseParty(case=report.case, name="Buurman Boos", role="subject"))
    make.session.commit()
    return report, f"/mijn-melding/{token_of(app, report)}"


def test_the_page_shows_the_status_in_words_and_nothing_about_the_address_or_others(app, db, resident):
    report, url = resident
    response = app.test_client().get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and report.reference in html
    assert "In behandeling" in html and "Wat gebeurt er nu?" in html and "Logboek" in html
    for secret in SECRETS:
        assert secret not in html, secret
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"] and 'name="robots" content="noindex' in html
    [event] = events(db, "view_resident_page")
    assert event.object_ref == report.reference and event.actor_id is None


@pytest.mark.parametrize(("status", "words"), [("received", "Ontvangen"), ("referred", "In behandeling"),
                                                ("closed", "Afgehandeld")])
def test_each_status_in_words(app, make, status, words):
    report = make.report("referred" if status == "closed" else status)
    if status == "closed":
        report.status = "closed"
        make.session.commit()
    html = app.test_client().get(f"/mijn-melding/{token_of(app, report)}").get_data(as_text=True)
    assert re.search(rf'id="status">{words}<', html)


def test_tampered_expired_and_revoked_links_are_refused_with_how_to_get_a_new_one(app, db, make):
    report = make.report("received")
    token = token_of(app, report)
    client = app.test_client()
    tampered = client.get(f"/mijn-melding/{links.tampered(token)}")
    assert tampered.status_code == 403 and "14 040" in tampered.get_data(as_text=True)
    assert report.reference not in tampered.get_data(as_text=True)
    assert tampered.headers["Referrer-Policy"] == "no-referrer" and tampered.headers["Cache-Control"] == "no-store"
    assert client.get("/mijn-melding/niets").status_code == 403

    app.config["RESIDENT_LINK_DAYS"] = 0
    time.sleep(1.1)
    expired = client.get(f"/mijn-melding/{token}")
    app.config["RESIDENT_LINK_DAYS"] = 180
    assert expired.status_code == 410 and "verlopen" in expired.get_data(as_text=True)
    assert "Bel 14 040 en noem uw kenmerk" in expired.get_data(as_text=True)
    assert client.get(f"/mijn-melding/{token}").status_code == 200

    report.destroyed_at = datetime(2026, 12, 1, tzinfo=UTC)
    make.session.commit()
    assert client.get(f"/mijn-melding/{token}").status_code == 410
    assert client.post(f"/mijn-melding/{token}/logboek", data=entry()).status_code == 410
    assert entries(db) == [] and events(db, "view_resident_page") == [events(db, "view_resident_page")[0]]


def test_a_logbook_entry_with_a_photo_and_a_recording_keeps_no_exif(app, db, resident):
    report, url = resident
    client = app.test_client()
    data = entry() | {"photos": [(io.BytesIO(files.jpeg_with_gps()), "IMG_0001.jpg")],
                      "sound": (io.BytesIO(files.wav()), "geluid.wav")}
    response = client.post(f"{url}/logboek", data=data, content_type="multipart/form-data")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{url}#logboek")

    [stored] = entries(db)
    assert (stored.happened_at.strftime("%H:%M"), stored.duration_minutes) == ("23:15", 45)
    photo, sound = sorted(stored.attachments, key=lambda attachment: attachment.kind, reverse=True)
    assert (photo.kind, sound.kind, photo.report_id) == ("photo", "audio", report.id)
    with Image.open(directory() / photo.storage_name) as image:
        assert dict(image.getexif()) == {} and "comment" not in image.info
    [created] = [event for event in events(db, "create") if event.object_type == "resident_log_entry"]
    assert created.actor_id is None and created.detail == {"entry": stored.id, "photos": 1, "sound": 1}

    html = client.get(url).get_data(as_text=True)
    assert "Weer harde muziek" in html and "23:15" in html and "45 minuten" in html and "IMG_0001.jpg" in html
    assert "Dank u wel. Uw aantekening staat in het logboek." in html
    assert "/attachments/" not in html  # no file is served under the link


@pytest.mark.parametrize(("field", "upload", "message"), [
    ("photos", (b"%PDF-1.4 not a photo", "brief.pdf"), "brief.pdf: Voeg alleen foto&#39;s toe (JPEG, PNG of HEIC)."),
    ("photos", (files.png(), "vals.jpg"), "vals.jpg: Dit bestand is geen JPEG-foto, al eindigt de naam op .jpg."),
    ("sound", (files.jpeg_with_gps(), "foto.jpg"), "foto.jpg: Voeg alleen een geluidsopname toe"),
    ("sound", (files.ogg(), "opname.mp3"), "opname.mp3: De inhoud van het bestand past niet bij de extensie .mp3."),
])
def test_bad_files_are_refused_with_their_message_and_nothing_is_kept(app, db, resident, field, upload, message):
    _, url = resident
    content, name = upload
    response = app.test_client().post(f"{url}/logboek", data=entry() | {field: (io.BytesIO(content), name)},
                                      content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html and "Weer harde muziek" in html  # the text is kept
    assert entries(db) == [] and db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0


def test_the_field_rules_are_the_intakes_and_every_mistake_is_named_at_once(app, db, resident):
    _, url = resident
    tomorrow = (dates.today() + timedelta(days=1)).isoformat()
    too_many = [(io.BytesIO(files.jpeg_with_gps()), f"foto{n}.jpg") for n in range(4)]
    response = app.test_client().post(f"{url}/logboek", content_type="multipart/form-data", data=entry(
        happened_on=tomorrow, happened_at="25:00", duration_minutes="veel", text="x" * 5001) | {"photos": too_many})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("Deze datum ligt in de toekomst", "Vul een tijd in als uren:minuten",
                    "Vul het aantal minuten in met cijfers", "Gebruik hoogstens 5000 tekens",
                    "U kunt hoogstens 3 foto&#39;s toevoegen"):
        assert message in html, message
    empty = app.test_client().post(f"{url}/logboek", data=entry(happened_on="", text=" \u202e "))
    assert "Vul in op welke dag het gebeurde" in empty.get_data(as_text=True)
    assert "Beschrijf wat er gebeurde." in empty.get_data(as_text=True)
    assert entries(db) == []


def test_a_closed_report_has_a_read_only_logbook(app, db, make):
    report = make.report("escalated")
    make.session.add(ResidentLogEntry(report_id=report.id, happened_on=date(2026, 3, 2), text="Eerder genoteerd."))
    report.case.status, report.case.result = "closed", "de-escalated"
    report.case.closed_at = datetime(2026, 4, 1, tzinfo=UTC)
    make.session.commit()
    url = f"/mijn-melding/{token_of(app, report)}"
    client = app.test_client()
    html = client.get(url).get_data(as_text=True)
    assert "Afgehandeld" in html and "Eerder genoteerd." in html and 'id="logbook-closed"' in html
    assert "Aantekening toevoegen" not in html and "/logboek" not in html
    refused = client.post(f"{url}/logboek", data=entry(), follow_redirects=True)
    assert "U kunt niets meer aan het logboek toevoegen." in refused.get_data(as_text=True)
    assert len(entries(db)) == 1


def test_the_form_carries_a_csrf_token_and_is_refused_without_it():
    with own_app(WTF_CSRF_ENABLED=True) as app:
        category = database.session.scalar(sa.select(Report.category.property.mapper.class_).limit(1))
        report = Report(reference="GDT-T-CSRF", channel="webform", status="received", postcode="5611AB",
                        house_number=1, category=category, description="Overlast")
        database.session.add(report)
        database.session.commit()
        url = f"/mijn-melding/{token_of(app, report)}"
        client = app.test_client()
        assert 'name="csrf_token"' in client.get(url).get_data(as_text=True)
        assert client.post(f"{url}/logboek", data=entry()).status_code == 400  # CSRFProtect, before the view
        assert database.session.scalar(sa.select(sa.func.count()).select_from(ResidentLogEntry)) == 0


def test_entries_are_rate_limited_like_the_webform():
    with own_app(RATELIMIT_ENABLED=True, WEBFORM_RATE_LIMIT="2 per hour") as app:
        category = database.session.scalar(sa.select(Report.category.property.mapper.class_).limit(1))
        report = Report(reference="GDT-T-RATE", channel="webform", status="received", postcode="5611AB",
                        house_number=1, category=category, description="Overlast")
        database.session.add(report)
        database.session.commit()
        url = f"/mijn-melding/{token_of(app, report)}/logboek"
        client = app.test_client()
        statuses = [client.post(url, data=entry(text=f"Aantekening {n}")).status_code for n in range(3)]
        page = client.post(url, data=entry()).get_data(as_text=True)
        stored = database.session.scalar(sa.select(sa.func.count()).select_from(ResidentLogEntry))
    assert statuses == [303, 303, 429] and stored == 2
    assert "Te veel berichten" in page and "14 040" in page and "Terug naar uw melding" in page


def test_a_new_nonce_revokes_every_earlier_link(app, db, make):
    report = make.report("received")
    old = token_of(app, report)
    with app.test_request_context():
        resident_links.revoke(report.reference, actor=None)
    client = app.test_client()
    revoked = client.get(f"/mijn-melding/{old}")
    assert revoked.status_code == 410 and "werkt niet meer" in revoked.get_data(as_text=True)
    assert client.get(f"/mijn-melding/{token_of(app, report)}").status_code == 200


def test_the_token_never_reaches_a_log_line():
    line = '127.0.0.1 - - "POST /mijn-melding/eyJhbGciOi.abc.def/logboek HTTP/1.1" 303'
    assert mask_link_tokens(line) == f'127.0.0.1 - - "POST /mijn-melding/{MASK}/logboek HTTP/1.1" 303'


def test_the_apps_answer_carries_a_fresh_link_to_the_page_and_so_does_a_retry(app, db, make):
    from gdt.services.core import tokens
    from tests.api.test_app_intake import AppCaller, report_body
    make.defaults()
    caller = AppCaller(app, tokens.issue_api_client("woonoverlast-app", "app", actor=None)[1])
    first = caller.post(report_body(), key="resident-link").get_json()
    again = caller.post(report_body(), key="resident-link").get_json()
    base = app.config["PUBLIC_BASE_URL"].rstrip("/")
    for body in (first, again):
        assert body["residentUrl"].startswith(f"{base}/mijn-melding/")
        page = app.test_client().get(body["residentUrl"].removeprefix(base))
        assert page.status_code == 200 and first["reference"] in page.get_data(as_text=True)
    record = db.session.scalar(sa.select(database.Model.metadata.tables["idempotency_records"].c.response_body))
    assert "residentUrl" not in record  # never kept: made afresh for every answer
