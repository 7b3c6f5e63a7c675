"""Thumbnails of a report's photos: made server-side on first view, bounded, stored and read again, shown only to who
may see the report and audited like a download."""
import io
import os
import time

import pytest
import sqlalchemy as sa
from PIL import Image

from gdt.models import AuditEvent
from gdt.services.core.errors import Forbidden, NotFound
from gdt.services.core.transaction import unit_of_work
from gdt.services.intake import attachments, image_slots, thumbnails
from tests import attachment_files as files


def photo(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "orange").save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def clerk(make):
    return make.user("intake")


@pytest.fixture
def report(make, clerk):
    return make.report(registered_by_id=clerk.id)


def store(report, name: str, data: bytes):
    with unit_of_work():
        return attachments.store(report, attachments.prepare(name, data))


def views(db, outcome: str) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "view_thumbnail", AuditEvent.outcome == outcome))


def test_a_large_photo_gets_a_small_jpeg_made_once_and_kept(db, report, clerk):
    attachment = store(report, "groot.jpg", photo(6000, 4000))  # stored at 4096 × 2731
    _, path = thumbnails.open_thumbnail(report.reference, attachment.id, actor=clerk)
    assert path.parent == attachments.directory() / "thumbnails"
    with Image.open(path) as small:
        assert small.format == "JPEG" and small.width == 320 and abs(small.height - 320 * 2 / 3) <= 1
    assert path.stat().st_size < 20_000
    path.write_bytes(path.read_bytes() + b"kept")  # a second view reads the stored file, it does not make a new one
    _, again = thumbnails.open_thumbnail(report.reference, attachment.id, actor=clerk)
    assert again == path and again.read_bytes().endswith(b"kept")
    assert views(db, "ok") == 2


def test_a_small_photo_is_not_enlarged(db, report, clerk):
    attachment = store(report, "klein.jpg", files.jpeg_with_gps(size=(64, 48)))
    _, path = thumbnails.open_thumbnail(report.reference, attachment.id, actor=clerk)
    with Image.open(path) as small:
        assert small.size == (48, 64)  # the stored photo is upright already


def test_only_who_may_see_the_report_gets_the_thumbnail_and_a_refusal_is_audited(db, make, report):
    attachment = store(report, "foto.jpg", files.jpeg_with_gps())
    thumbnails.open_thumbnail(report.reference, attachment.id, actor=make.user("coordinator"))
    for stranger in (make.user("intake"), make.user("manager")):
        with pytest.raises(Forbidden):
            thumbnails.open_thumbnail(report.reference, attachment.id, actor=stranger)
    assert (views(db, "ok"), views(db, "denied")) == (1, 2)


def test_a_recording_or_another_reports_photo_has_no_thumbnail(db, make, report, clerk):
    recording = store(report, "opname.wav", files.wav())
    with pytest.raises(NotFound):
        thumbnails.open_thumbnail(report.reference, recording.id, actor=clerk)
    elsewhere = store(make.report(registered_by_id=clerk.id), "foto.jpg", files.jpeg_with_gps())
    with pytest.raises(NotFound):
        thumbnails.open_thumbnail(report.reference, elsewhere.id, actor=clerk)
    assert views(db, "ok") == 0


def test_while_every_image_slot_is_taken_no_thumbnail_is_made(app, db, report, clerk, monkeypatch):
    attachment = store(report, "foto.jpg", files.jpeg_with_gps())
    monkeypatch.setitem(app.config, "ATTACHMENT_IMAGE_SLOTS", 1)
    monkeypatch.setitem(app.config, "ATTACHMENT_IMAGE_WAIT_SECONDS", 0)
    assert image_slots.acquire(1, 0)
    try:
        with pytest.raises(attachments.Busy):
            thumbnails.open_thumbnail(report.reference, attachment.id, actor=clerk)
    finally:
        image_slots.release()
    assert not thumbnails.path_for(attachment).exists() and views(db, "ok") == 0
    thumbnails.open_thumbnail(report.reference, attachment.id, actor=clerk)
    assert thumbnails.path_for(attachment).is_file() and image_slots.in_use() == 0


def test_a_damaged_stored_photo_gives_no_thumbnail(db, report, clerk):
    attachment = store(report, "foto.jpg", files.jpeg_with_gps())
    stored = attachments.directory() / attachment.storage_name
    stored.write_bytes(stored.read_bytes()[:200])
    with pytest.raises(NotFound):
        thumbnails.open_thumbnail(report.reference, attachment.id, actor=clerk)
    assert not thumbnails.path_for(attachment).exists()


def test_pruning_removes_thumbnails_whose_photo_is_gone(app, db, report, clerk, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "ATTACHMENT_DIR", str(tmp_path))
    kept = store(report, "foto.jpg", files.jpeg_with_gps())
    thumbnails.open_thumbnail(report.reference, kept.id, actor=clerk)
    orphan = thumbnails.path_for(kept).with_name("0123456789abcdef.jpg")
    orphan.write_bytes(b"of a photo whose transaction rolled back")
    old = time.time() - 7200
    for path in (thumbnails.path_for(kept), orphan):
        os.utime(path, (old, old))
    assert attachments.prune_orphans() == 1
    assert not orphan.exists() and thumbnails.path_for(kept).is_file()
