"""The webform while every image slot is taken: the form comes back with what was typed, nothing half-stored."""
import io

from gdt.services.intake import image_slots
from tests import attachment_files as files
from tests.web.test_webform import answers, reports, visitor  # noqa: F401  (the fixture)


def test_photos_while_busy_bring_the_form_back_with_the_text_and_store_nothing(app, visitor, db, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "ATTACHMENT_IMAGE_SLOTS", 1)
    monkeypatch.setitem(app.config, "ATTACHMENT_IMAGE_WAIT_SECONDS", 0)
    data = answers(visitor) | {"photos": [(io.BytesIO(files.jpeg_with_gps()), "IMG_1.JPG")]}
    assert image_slots.acquire(1, 0)
    try:
        response = visitor.post("/melden", data=data, content_type="multipart/form-data")
    finally:
        image_slots.release()
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "probeer het zo opnieuw" in page and 'id="photos-error"' in page
    assert "Elke nacht harde muziek" in page
    assert reports(db) == []  # not accepted, so nothing to lose: the resident sends the same form again
    data = answers(visitor) | {"photos": [(io.BytesIO(files.jpeg_with_gps()), "IMG_1.JPG")]}
    assert visitor.post("/melden", data=data, content_type="multipart/form-data").status_code == 303
    assert len(reports(db)) == 1
