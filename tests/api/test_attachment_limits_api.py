"""The app's uploads under load and fake recordings: 503 with Retry-After, 422 naming the file; the report stays."""
import pytest
import sqlalchemy as sa

from gdt.models import Attachment, Report
from gdt.services.intake import image_slots
from tests import attachment_files as files
from tests.api.test_app_intake import assert_problem, report_body
from tests.api.test_attachments_api import api, upload  # noqa: F401  (the fixture)

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_photo_while_every_image_slot_is_taken_is_503_and_can_be_sent_again(api, app, db, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "ATTACHMENT_IMAGE_SLOTS", 1)
    monkeypatch.setitem(app.config, "ATTACHMENT_IMAGE_WAIT_SECONDS", 0)
    reference = api.post(report_body()).get_json()["reference"]
    assert image_slots.acquire(1, 0)
    try:
        response = upload(api, reference, "IMG_0042.JPG", files.jpeg_with_gps())
    finally:
        image_slots.release()
    body = assert_problem(response, 503)
    assert response.headers["Retry-After"] == "10" and "probeer het zo opnieuw" in body["detail"]
    assert count(db, Attachment) == 0 and count(db, Report) == 1  # the accepted report is untouched
    assert upload(api, reference, "IMG_0042.JPG", files.jpeg_with_gps()).status_code == 201


@pytest.mark.parametrize("name, data", [
    ("opname.mp3", b"ID3\x04\x00\x00\x00\x00\x00\x00" + HTML),
    ("opname.mp3", files.mp3() + HTML),
    ("opname.wav", files.wav()[:44] + HTML),
])
def test_a_fake_recording_is_422_naming_the_file(api, db, name, data):  # noqa: F811
    reference = api.post(report_body()).get_json()["reference"]
    body = assert_problem(upload(api, reference, name, data), 422, "file")
    assert "geen geluidsopname" in body["detail"]
    assert count(db, Attachment) == 0


@pytest.mark.parametrize("name, builder, content_type", [
    ("opname.mp3", files.mp3, "audio/mpeg"), ("opname.ogg", files.ogg, "audio/ogg"),
    ("opname.m4a", files.m4a, "audio/mp4"), ("opname.aac", files.aac, "audio/aac"),
    ("opname.wav", files.wav, "audio/wav"),
])
def test_a_real_recording_is_201(api, db, name, builder, content_type):  # noqa: F811
    reference = api.post(report_body()).get_json()["reference"]
    response = upload(api, reference, name, builder())
    assert response.status_code == 201 and response.get_json()["contentType"] == content_type
    assert response.get_json()["size"] == len(builder())
