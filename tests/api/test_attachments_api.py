"""POST /api/v1/reports/{reference}/attachments: the app's photos and sound fragments."""
import io

import pytest
import sqlalchemy as sa
from PIL import Image

from gdt.models import Attachment
from gdt.services.core import tokens
from gdt.services.intake import attachments
from tests import attachment_files as files
from tests.api.test_app_intake import AppCaller, assert_problem, report_body


@pytest.fixture
def api(app, db, make):
    make.defaults()
    _, token = tokens.issue_api_client("woonoverlast-app", "app", actor=None)
    return AppCaller(app, token)


def upload(api, reference, name, data, *, token=None, content_type=None):
    headers = api.headers("", token)
    if content_type:
        return api.client.post(f"/api/v1/reports/{reference}/attachments", data=data, headers=headers,
                               content_type=content_type)
    return api.client.post(f"/api/v1/reports/{reference}/attachments", headers=headers,
                           content_type="multipart/form-data",
                           data={"file": (io.BytesIO(data), name)} if name is not None else {"note": "geen bestand"})


def attachment_count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Attachment))


def test_a_photo_is_stored_without_its_gps_position(api, db):
    reference = api.post(report_body()).get_json()["reference"]
    response = upload(api, reference, "IMG_0042.JPG", files.jpeg_with_gps())
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["kind"] == "photo" and body["contentType"] == "image/jpeg" and body["size"] > 0
    assert response.headers["API-Version"]
    stored = db.session.get(Attachment, body["id"])
    data = (attachments.directory() / stored.storage_name).read_bytes()
    assert b"Exif" not in data and not Image.open(io.BytesIO(data)).getexif()


def test_a_sound_fragment_is_stored_as_sent(api, db):
    reference = api.post(report_body()).get_json()["reference"]
    response = upload(api, reference, "geluid.m4a", files.m4a())
    assert response.status_code == 201 and response.get_json()["contentType"] == "audio/mp4"


def test_another_clients_report_looks_like_no_report(api, app, db):
    reference = api.post(report_body()).get_json()["reference"]
    _, other_token = tokens.issue_api_client("andere-app", "app", actor=None)
    assert_problem(upload(api, reference, "foto.jpg", files.jpeg_with_gps(), token=other_token), 404)
    assert_problem(upload(api, "GDT-2026-999999", "foto.jpg", files.jpeg_with_gps()), 404)
    assert attachment_count(db) == 0


@pytest.mark.parametrize("name, data, status", [
    ("foto.jpg", b"", 422), ("foto.png", files.jpeg_with_gps(), 422), ("foto.jpg.html", files.jpeg_with_gps(), 422),
    ("kapot.jpg", files.jpeg_with_gps()[:200], 422), (None, b"", 422),
])
def test_bad_files_get_a_problem_naming_the_field(api, db, name, data, status):
    reference = api.post(report_body()).get_json()["reference"]
    assert_problem(upload(api, reference, name, data), status, "file")
    assert attachment_count(db) == 0


def test_not_multipart_is_415_and_too_large_is_413(api, app, db, monkeypatch):
    reference = api.post(report_body()).get_json()["reference"]
    assert_problem(upload(api, reference, None, b'{"file": 1}', content_type="application/json"), 415)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1000)
    assert_problem(upload(api, reference, "opname.wav", files.wav() * 2), 413)
    assert attachment_count(db) == 0


def test_without_a_token_or_as_staff_it_is_refused(api, db, make):
    reference = api.post(report_body()).get_json()["reference"]
    assert_problem(upload(api, reference, "opname.wav", files.wav(), token=""), 401)
    staff_token = tokens.issue_user_token(make.user("coordinator"), actor=None)
    assert_problem(upload(api, reference, "opname.wav", files.wav(), token=staff_token), 401)
