"""The public webform /melden: no login, the intake's rules, one report per form, spam kept out."""
import io
import re

import pytest
import sqlalchemy as sa

from gdt.db import db
from gdt.models import Attachment, OutboxMessage, Report
from gdt.services.intake import webform_intake
from tests import attachment_files as files
from tests.apps import own_app


def form_key(client) -> str:
    page = client.get("/melden").get_data(as_text=True)
    return re.search(r'name="form_key" type="hidden" value="([^"]+)"', page).group(1)


def answers(client, **changes) -> dict:
    data = {"form_key": form_key(client), "category": "geluidsoverlast",
            "description": "Elke nacht harde muziek tot drie uur.", "postcode": "5611 AB", "house_number": "12",
            "reporter_name": "Anna de Vries", "reporter_email": "anna@example.nl", "reporter_may_contact": "y"}
    return {key: value for key, value in (data | changes).items() if value is not None}


def reports(db) -> list[Report]:
    return db.session.scalars(sa.select(Report).order_by(Report.id)).all()


@pytest.fixture
def visitor(app, db, make):
    make.defaults()
    return app.test_client()


def test_the_form_is_public_and_accessible_in_its_markup(visitor):
    response = visitor.get("/melden")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'autocomplete="postal-code"' in page and 'autocomplete="email"' in page and "(optioneel)" in page
    assert "placeholder" not in page and 'enctype="multipart/form-data"' in page
    assert "Uitloggen" not in page and "Intakewachtrij" not in page
    assert response.headers["Cache-Control"] == "no-store"


def test_a_report_is_stored_with_channel_webform_and_a_queued_receipt(visitor, db):
    response = visitor.post("/melden", data=answers(visitor))
    assert response.status_code == 302 and response.headers["Location"].endswith("/melden/ontvangen")
    [report] = reports(db)
    assert report.channel == "webform" and report.status == "received" and report.reporter_may_contact
    assert report.reporter_email == "anna@example.nl" and report.postcode == "5611AB"
    assert db.session.scalar(sa.select(OutboxMessage.topic)) == "report.received"
    page = visitor.get("/melden/ontvangen").get_data(as_text=True)
    assert report.reference in page and "112" in page
    assert report.reference not in response.headers["Location"]


def test_double_submission_makes_one_report(visitor, db):
    data = answers(visitor)
    first, second = visitor.post("/melden", data=data), visitor.post("/melden", data=data)
    assert first.status_code == second.status_code == 302
    assert len(reports(db)) == 1
    assert "al verstuurd" in visitor.get(second.headers["Location"]).get_data(as_text=True)


def test_back_edit_and_resend_still_one_report(visitor, db):
    data = answers(visitor)
    visitor.post("/melden", data=data)
    visitor.post("/melden", data=data | {"description": "Toch iets anders."})
    assert len(reports(db)) == 1


def test_a_forged_form_key_is_refused_with_the_input_kept(visitor, db):
    response = visitor.post("/melden", data=answers(visitor, form_key="vervalst"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "niet compleet geladen" in page
    assert "Elke nacht harde muziek" in page and reports(db) == []


@pytest.mark.parametrize("changes, field, message", [
    ({"postcode": "1234 5"}, "postcode", "postcode"), ({"postcode": "0123AB"}, "postcode", "postcode"),
    ({"house_number": "0"}, "house_number", "huisnummer"), ({"house_number": "12a"}, "house_number", "huisnummer"),
    ({"house_number": "100000"}, "house_number", "huisnummer"),
    ({"description": ""}, "description", "Beschrijf"), ({"description": "x" * 20000}, "description", "tekens"),
    ({"category": "bestaat-niet"}, "category", "categorie"), ({"reporter_name": ""}, "reporter_name", "naam"),
    ({"reporter_email": "anna@"}, "reporter_email", "e-mail"), ({"description": "nul\x00byte"}, "description", ""),
])
def test_field_errors_come_back_inline_and_nothing_is_saved(visitor, db, changes, field, message):
    response = visitor.post("/melden", data=answers(visitor, **changes))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and 'href="#' + field + '"' in page
    assert message.lower() in page.lower()
    assert reports(db) == []


def test_anonymous_reports_keep_no_reporter_details(visitor, db):
    visitor.post("/melden", data=answers(visitor, reporter_is_anonymous="y"))
    [report] = reports(db)
    assert report.reporter_is_anonymous and report.reporter_name is None and report.reporter_email is None


def test_the_honeypot_stores_nothing_but_answers_like_a_success(visitor, db):
    response = visitor.post("/melden", data=answers(visitor, website="http://spam.example"))
    assert response.status_code == 302 and reports(db) == []
    assert "Bedankt" in visitor.get("/melden/ontvangen").get_data(as_text=True)


def test_photos_are_stored_without_gps(visitor, db):
    data = answers(visitor) | {"photos": [(io.BytesIO(files.jpeg_with_gps()), "IMG_1.JPG"),
                                          (io.BytesIO(files.png()), "scherm.png")]}
    assert visitor.post("/melden", data=data, content_type="multipart/form-data").status_code == 302
    [report] = reports(db)
    kinds = db.session.scalars(sa.select(Attachment.content_type).where(Attachment.report_id == report.id)).all()
    assert kinds == ["image/jpeg", "image/jpeg"]


@pytest.mark.parametrize("upload, message", [
    ((files.wav(), "geluid.wav"), "alleen foto"), ((files.jpeg_with_gps(), "foto.png"), "past niet"),
    ((b"<script>", "foto.jpg.html"), "niet worden toegevoegd"),
])
def test_a_bad_photo_is_a_field_error_and_the_text_is_kept(visitor, db, upload, message):
    data = answers(visitor) | {"photos": [(io.BytesIO(upload[0]), upload[1])]}
    response = visitor.post("/melden", data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and 'id="photos-error"' in page
    assert "Elke nacht harde muziek" in page and "opnieuw toe" in page
    assert reports(db) == []


def test_more_than_three_photos_is_refused(visitor, db):
    data = answers(visitor) | {"photos": [(io.BytesIO(files.jpeg_with_gps()), f"{n}.jpg") for n in range(4)]}
    response = visitor.post("/melden", data=data, content_type="multipart/form-data")
    assert response.status_code == 422 and "hoogstens 3" in response.get_data(as_text=True)


def test_an_expired_csrf_token_keeps_the_input(app, visitor, db, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    response = visitor.post("/melden", data=answers(visitor, csrf_token="verlopen"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Het formulier was verlopen" in page
    assert "Elke nacht harde muziek" in page and reports(db) == []
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form_key_again = re.search(r'name="form_key" type="hidden" value="([^"]+)"', page).group(1)
    retry = visitor.post("/melden", data=answers(visitor, csrf_token=token, form_key=form_key_again))
    assert retry.status_code == 302 and len(reports(db)) == 1


def test_posts_are_rate_limited_per_address():
    with own_app(RATELIMIT_ENABLED=True, WEBFORM_RATE_LIMIT="2 per hour") as app:
        visitor = app.test_client()
        statuses = [visitor.post("/melden", data=answers(visitor, description=f"Melding {n}")).status_code
                    for n in range(3)]
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(Report))
        page = visitor.post("/melden", data=answers(visitor)).get_data(as_text=True)
    assert statuses == [302, 302, 429] and stored == 2
    assert "Te veel" in page


def test_the_confirmation_page_without_a_report_goes_to_the_form(visitor):
    assert visitor.get("/melden/ontvangen").headers["Location"].endswith("/melden")


def test_the_webform_client_cannot_call_the_api(visitor, db):
    client = webform_intake.webform_client()
    assert client.channel == "webform" and client.name == "webformulier"
