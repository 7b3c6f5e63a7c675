"""The public webform /melden: no login, the intake's rules, one report per form, spam kept out."""
import html
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
    """A new form's one-time key, as a browser gets it: /melden sends it on to the form's own address."""
    page = client.get("/melden", follow_redirects=True).get_data(as_text=True)
    return key_in(page)


def key_in(page: str) -> str:
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
    response = visitor.get("/melden", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'autocomplete="postal-code"' in page and 'autocomplete="email"' in page and "(optioneel)" in page
    assert "placeholder" not in page and 'enctype="multipart/form-data"' in page
    assert "Uitloggen" not in page and "Intakewachtrij" not in page
    assert "hoogstens 5000 tekens" in page  # without JavaScript the hint states the limit


def test_each_form_has_an_address_of_its_own_that_keeps_its_key(visitor):
    first = visitor.get("/melden")
    assert first.status_code == 302
    address = first.headers["Location"]
    form_id = re.search(r"/melden\?formulier=([A-Za-z0-9_-]{22})$", address).group(1)
    page = visitor.get(address)
    assert page.headers["Cache-Control"] == "private, no-cache"  # Back may restore it as it was (bfcache)
    assert f'action="/melden?formulier={form_id}"' in page.get_data(as_text=True)
    browser = browser_id(visitor)
    again = key_in(visitor.get(address).get_data(as_text=True))
    assert webform_intake.form_of(key_in(page.get_data(as_text=True)), browser) == form_id
    assert webform_intake.form_of(again, browser) == form_id  # a reload is the same form
    assert visitor.get("/melden").headers["Location"] != address  # a new visit is a new form (another tab)


def browser_id(client) -> str:
    with client.session_transaction() as session:
        return session["gdt.webform.browser"]


def test_a_report_is_stored_with_channel_webform_and_a_queued_receipt(visitor, db):
    response = visitor.post("/melden", data=answers(visitor))
    assert response.status_code == 303 and "/melden/ontvangen?formulier=" in response.headers["Location"]
    [report] = reports(db)
    assert report.channel == "webform" and report.status == "received" and report.reporter_may_contact
    assert report.reporter_email == "anna@example.nl" and report.postcode == "5611AB"
    assert db.session.scalar(sa.select(OutboxMessage.topic)) == "report.received"
    page = visitor.get(response.headers["Location"])
    assert report.reference in page.get_data(as_text=True) and "112" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert report.reference not in response.headers["Location"]
    own_page = re.search(r'href="(/mijn-melding/[^"]+)"', page.get_data(as_text=True)).group(1)
    assert report.reference in visitor.get(own_page).get_data(as_text=True)  # the resident's page, from the receipt


def test_double_submission_makes_one_report(visitor, db):
    data = answers(visitor)
    first, second = visitor.post("/melden", data=data), visitor.post("/melden", data=data)
    assert first.status_code == second.status_code == 303
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
    ({"category": "bestaat-niet"}, "category", "Kies wat voor overlast het is"),
    ({"reporter_name": ""}, "reporter_name", "Vul uw naam in"),
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
    assert response.status_code == 200 and reports(db) == []
    assert "Bedankt" in response.get_data(as_text=True) and 'id="reference"' not in response.get_data(as_text=True)


def test_photos_are_stored_without_gps(visitor, db):
    data = answers(visitor) | {"photos": [(io.BytesIO(files.jpeg_with_gps()), "IMG_1.JPG"),
                                          (io.BytesIO(files.png()), "scherm.png")]}
    assert visitor.post("/melden", data=data, content_type="multipart/form-data").status_code == 303
    [report] = reports(db)
    kinds = db.session.scalars(sa.select(Attachment.content_type).where(Attachment.report_id == report.id)).all()
    assert kinds == ["image/jpeg", "image/jpeg"]


@pytest.mark.parametrize("upload, message", [
    ((files.wav(), "geluid.wav"), "geluid.wav: Voeg alleen foto's toe (JPEG, PNG of HEIC)."),
    ((files.jpeg_with_gps(), "foto.png"), "foto.png: Dit bestand is geen PNG-foto, al eindigt de naam op .png."),
    ((b"<script>", "foto.jpg.html"), "foto.jpg.html: Voeg alleen foto's toe (JPEG, PNG of HEIC)."),
])
def test_a_bad_photo_is_a_field_error_and_the_text_is_kept(visitor, db, upload, message):
    data = answers(visitor) | {"photos": [(io.BytesIO(upload[0]), upload[1])]}
    response = visitor.post("/melden", data=data, content_type="multipart/form-data")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and message in page and 'id="photos-error"' in page
    text = re.sub(r'(value|nonce)="[^"]*"', '', page)  # not in a token or nonce, where any letters may turn up
    assert "geluidsopname" not in text and "mp3" not in text  # only what the field takes
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
    assert retry.status_code == 303 and len(reports(db)) == 1


def test_posts_are_rate_limited_per_address():
    with own_app(RATELIMIT_ENABLED=True, WEBFORM_RATE_LIMIT="2 per hour") as app:
        visitor = app.test_client()
        statuses = [visitor.post("/melden", data=answers(visitor, description=f"Melding {n}")).status_code
                    for n in range(3)]
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(Report))
        page = visitor.post("/melden", data=answers(visitor)).get_data(as_text=True)
    assert statuses == [303, 303, 429] and stored == 2
    assert "Te veel meldingen" in page and "14 040" in page and "Naar het meldformulier" in page
    assert "Naar de startpagina" not in page  # the resident's page, not the staff's


def test_the_confirmation_page_without_a_report_goes_to_the_form(visitor):
    assert visitor.get("/melden/ontvangen").headers["Location"].endswith("/melden")


def test_the_webform_client_cannot_call_the_api(visitor, db):
    client = webform_intake.webform_client()
    assert client.channel == "webform" and client.name == "webformulier"


def test_a_key_replayed_from_another_browser_reveals_nothing_and_stores_nothing(app, visitor, db):
    data = answers(visitor)
    sent = visitor.post("/melden", data=data)
    [report] = reports(db)
    form_id = re.search(r"formulier=([A-Za-z0-9_-]{22})", sent.headers["Location"]).group(1)
    other = app.test_client()  # another browser, with a captured form: its key, everything typed
    replay = other.post("/melden", data=data)
    assert replay.status_code == 303 and replay.headers["Location"].endswith("/melden")
    page = other.get("/melden", follow_redirects=True).get_data(as_text=True)
    assert "in een andere browser geopend" in page and 'role="alert"' in page
    assert report.reference not in page and key_in(page) != data["form_key"]  # a fresh form
    assert "Elke nacht harde muziek" not in page
    assert len(reports(db)) == 1
    for address in (sent.headers["Location"], f"/melden?formulier={form_id}"):  # its addresses show nothing either
        answer = other.get(address, follow_redirects=True).get_data(as_text=True)
        assert report.reference not in answer and 'name="form_key"' in answer
    assert report.reference in visitor.get(sent.headers["Location"]).get_data(as_text=True)  # its own browser


def test_the_same_key_sent_again_by_its_browser_gets_the_first_reference(visitor, db):
    data = answers(visitor)
    visitor.post("/melden", data=data)
    again = visitor.post("/melden", data=data | {"description": "Na de terugknop nog eens verstuurd."})
    [report] = reports(db)
    assert again.status_code == 303 and "herhaald=1" in again.headers["Location"]
    page = visitor.get(again.headers["Location"]).get_data(as_text=True)
    assert report.reference in page and "al verstuurd" in page


def test_the_address_of_a_sent_form_shows_its_kenmerk_instead_of_a_form(visitor, db):
    address = visitor.get("/melden").headers["Location"]
    visitor.post(address, data=answers(visitor) | {"form_key": key_in(visitor.get(address).get_data(as_text=True))})
    [report] = reports(db)
    back = visitor.get(address)  # Back, where the browser asks the server again
    page = back.get_data(as_text=True)
    assert back.status_code == 200 and report.reference in page and "al verstuurd" in page
    assert 'name="form_key"' not in page and back.headers["Cache-Control"] == "no-store"
    assert 'href="/melden"' in page  # "Nog een melding doen": a new form


def test_a_key_of_the_old_kind_brings_the_form_back_with_the_input_and_a_new_key(visitor, db):
    legacy = webform_intake._serializer().dumps("zonder-browser")
    response = visitor.post("/melden?formulier=" + "a" * 22, data=answers(visitor, form_key=legacy))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "niet compleet geladen" in page and "Elke nacht harde muziek" in page
    assert webform_intake.form_of(key_in(page), browser_id(visitor)) == "a" * 22
    assert visitor.post("/melden", data=answers(visitor, form_key=key_in(page))).status_code == 303
    assert len(reports(db)) == 1


def test_after_the_form_page_nothing_writes_the_session(visitor, db):
    """A refused POST's answer is kept by the browser for Back only while the session cookie stays the same."""
    data = answers(visitor)
    refused = visitor.post("/melden", data=data | {"house_number": "0"})
    assert refused.status_code == 422 and refused.headers["Cache-Control"] == "private, no-cache"
    sent = visitor.post("/melden", data=data)
    confirmation = visitor.get(sent.headers["Location"])
    assert [response.headers.get("Set-Cookie") for response in (refused, sent, confirmation)] == [None] * 3


def test_line_breaks_count_as_one_character_as_the_counter_counts_them(visitor, db):
    text = "\r\n".join(["x" * 499] * 10)  # 4999 characters with one per line break, 5008 with CRLF
    assert visitor.post("/melden", data=answers(visitor, description=text)).status_code == 303
    [report] = reports(db)
    assert len(report.description) == 4999 and "\r" not in report.description


@pytest.mark.parametrize("changes", [
    {"reporter_name": "", "category": "", "reporter_email": "", "reporter_phone": ""},  # may contact, no way to
])
def test_the_resident_is_addressed_and_never_read_about_as_the_melder(visitor, db, changes):
    page = html.unescape(visitor.post("/melden", data=answers(visitor, **changes)).get_data(as_text=True))
    assert "Vul uw naam in, of kies ‘Ik wil anoniem melden’." in page
    assert "Kies wat voor overlast het is." in page
    assert "Vul uw telefoonnummer of e-mailadres in als wij contact met u mogen opnemen." in page
    assert "melder" not in page.lower() and "categorie" not in page.lower()


def test_photos_too_large_to_send_get_a_page_for_the_resident(app, visitor, db, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2 * 1024 * 1024)
    response = visitor.post("/melden", data=answers(visitor, description="x" * 3 * 1024 * 1024))
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 413 and "Uw foto's zijn samen te groot om te versturen (hoogstens 2 MB)" in page
    assert "Woonoverlast melden" in page and "De-escalatieteam –" not in page and "/login" not in page
    assert reports(db) == []
