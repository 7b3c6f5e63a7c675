"""Uploads: sniffed, matched to the extension, photos re-encoded without EXIF/GPS."""
import io
import os
import time

import pytest
import sqlalchemy as sa
from PIL import Image

from gdt.models import Attachment, AuditEvent
from gdt.services.core.errors import Forbidden, NotFound, ValidationFailed
from gdt.services.core.transaction import unit_of_work
from gdt.services.intake import attachments
from tests import attachment_files as files


def refused(filename, data) -> str:
    with pytest.raises(ValidationFailed) as failure:
        attachments.prepare(filename, data)
    return str(failure.value.errors["file"])


def test_a_phone_photo_loses_exif_gps_and_comments_but_keeps_its_orientation(db):
    original = files.jpeg_with_gps(size=(64, 48), orientation=6)
    assert b"PhoneMaker" in original and b"secret comment" in original
    prepared = attachments.prepare("IMG_0001.JPG", original)
    assert (prepared.kind, prepared.content_type, prepared.extension) == ("photo", "image/jpeg", "jpg")
    stored = Image.open(io.BytesIO(prepared.data))
    assert stored.size == (48, 64)  # turned upright before the orientation tag went
    assert not stored.getexif() and "exif" not in stored.info and "comment" not in stored.info
    assert b"Exif" not in prepared.data and b"PhoneMaker" not in prepared.data and b"secret" not in prepared.data


@pytest.mark.parametrize("name, data", [
    ("foto.png", files.png("RGBA")), ("palet.png", files.png("P")), ("diep.png", files.png("I;16")),
    ("cmyk.jpeg", files.jpeg_with_gps(mode="CMYK")), ("iphone.HEIC", files.heic()),
])
def test_photos_of_every_kind_become_plain_rgb_jpegs(db, name, data):
    prepared = attachments.prepare(name, data)
    stored = Image.open(io.BytesIO(prepared.data))
    assert stored.format == "JPEG" and stored.mode == "RGB"


@pytest.mark.parametrize("name, builder, content_type", [
    ("opname.wav", files.wav, "audio/wav"), ("opname.ogg", files.ogg, "audio/ogg"),
    ("opname.mp3", files.mp3, "audio/mpeg"), ("opname.m4a", files.m4a, "audio/mp4"),
    ("opname.aac", files.aac, "audio/aac"),
])
def test_sound_fragments_are_recognised_by_content(db, name, builder, content_type):
    prepared = attachments.prepare(name, builder())
    assert (prepared.kind, prepared.content_type) == ("audio", content_type)
    assert prepared.data == builder()


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("foto.jpg", b"", "leeg"),
        ("foto.png", files.jpeg_with_gps(), "geen PNG-foto, al eindigt de naam op .png"),
        ("foto.jpg", files.png(), "geen JPEG-foto, al eindigt de naam op .jpg"),
        ("foto.jpg.html", files.jpeg_with_gps(), "niet worden toegevoegd"),
        (
            "tekening.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "niet worden toegevoegd",
        ),
        ("foto.jpg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "geen JPEG-foto"),
        ("polyglot.jpg", b"<html><script>alert(1)</script></html>" + files.jpeg_with_gps(), "geen JPEG-foto"),
        ("brief.pdf", b"%PDF-1.4 /JavaScript (app.alert(1))", "niet worden toegevoegd"),
        ("kapot.jpg", files.jpeg_with_gps()[:300], "beschadigd"),
        ("opname.mp3", files.wav(), "past niet bij de extensie .mp3"),
        ("opname.wav", files.jpeg_with_gps(), "past niet bij de extensie .wav"),
        ("zonder-extensie", files.jpeg_with_gps(), "niet worden toegevoegd"),
        ("archief.zip", b"PK\x03\x04" + b"\x00" * 50, "niet worden toegevoegd"),
    ],
)
def test_refused_uploads_say_why(db, name, data, message):
    assert message in refused(name, data)


@pytest.mark.parametrize("name, data", [("opname.wav", files.wav()), ("foto.jpg.html", b"<script>"),
                                        ("brief.pdf", b"%PDF-1.4"), ("leeg.mp3", b"")])
def test_a_field_for_photos_refuses_anything_else_naming_only_photos(db, name, data):
    with pytest.raises(ValidationFailed) as refused:
        attachments.prepare(name, data, photos_only=True)
    assert str(refused.value.errors["file"]) == "Voeg alleen foto's toe (JPEG, PNG of HEIC)."


def test_a_decompression_bomb_is_refused_before_decoding(db):
    image = Image.new("1", (12_000, 12_000))  # 144 megapixels, a few kB as PNG
    out = io.BytesIO()
    image.save(out, "PNG")
    assert len(out.getvalue()) < 100_000
    assert "te veel pixels" in refused("bom.png", out.getvalue())


def test_size_limits_are_exact(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_AUDIO_BYTES", len(files.wav()))
    assert attachments.prepare("opname.wav", files.wav()).kind == "audio"
    assert "te groot" in refused("opname.wav", files.wav() + b"\x00")


@pytest.mark.parametrize(
    "name, shown",
    [
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("..\\..\\windows\\foto.jpg", "foto.jpg"),
        ('foto"; filename="evil.html.jpg', "foto filename=evil.html.jpg"),
        ("foto\u202egpj.exe.jpg", "fotogpj.exe.jpg"),
        ("CON.jpg", "CON.jpg"),
        ("a" * 300 + ".jpg", "a" * 120),
        ("\x00\x01.jpg", "jpg"),
        ("", None),
    ],
)
def test_display_names_are_harmless(name, shown):
    assert attachments.display_name(name) == shown


def test_store_writes_outside_the_web_root_under_a_generated_name(app, db, make):
    report = make.report()
    prepared = attachments.prepare("IMG 1.jpg", files.jpeg_with_gps())
    with unit_of_work():
        attachment = attachments.store(report, prepared)
    path = attachments.directory() / attachment.storage_name
    assert path.read_bytes() == prepared.data
    assert attachment.storage_name != "IMG 1.jpg" and attachment.storage_name.endswith(".jpg")
    assert not str(path).startswith(str(app.static_folder))
    assert attachment.original_name == "IMG 1.jpg" and attachment.size_bytes == len(prepared.data)


def test_the_eleventh_file_is_refused(app, db, make, monkeypatch):
    report = make.report()
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_PER_REPORT", 2)
    prepared = attachments.prepare("opname.wav", files.wav())
    for _ in range(2):
        with unit_of_work():
            attachments.store(report, prepared)
    with pytest.raises(ValidationFailed, match="hoogstens 2"), unit_of_work():
        attachments.store(report, prepared)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 2


def test_a_rolled_back_upload_leaves_an_orphan_that_pruning_removes(app, db, make, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "ATTACHMENT_DIR", str(tmp_path))
    report = make.report()
    prepared = attachments.prepare("opname.wav", files.wav())
    with pytest.raises(RuntimeError), unit_of_work():
        attachments.store(report, prepared)
        raise RuntimeError("something later in the transaction failed")
    with unit_of_work():
        kept = attachments.store(report, prepared)
    orphans = [path for path in attachments.directory().iterdir() if path.name != kept.storage_name]
    assert len(orphans) == 1
    assert attachments.prune_orphans() == 0  # too young: its transaction might still be running
    old = time.time() - 7200
    for path in attachments.directory().iterdir():
        os.utime(path, (old, old))
    assert attachments.prune_orphans() == 1
    assert [path.name for path in attachments.directory().iterdir()] == [kept.storage_name]


def test_download_checks_access_and_is_audited(app, db, make):
    clerk, other_clerk, coordinator = make.user("intake"), make.user("intake"), make.user("coordinator")
    report = make.report(registered_by_id=clerk.id)
    with unit_of_work():
        attachment = attachments.store(report, attachments.prepare("opname.wav", files.wav()))
    for user in (clerk, coordinator):
        found, path = attachments.open_for_download(report.reference, attachment.id, actor=user)
        assert found.id == attachment.id and path.is_file()
    with pytest.raises(Forbidden):
        attachments.open_for_download(report.reference, attachment.id, actor=other_clerk)
    with pytest.raises(NotFound):
        attachments.open_for_download(make.report().reference, attachment.id, actor=coordinator)
    outcomes = db.session.scalars(
        sa.select(AuditEvent.outcome).where(AuditEvent.action == "download_attachment").order_by(AuditEvent.id)
    ).all()
    assert outcomes == ["ok", "ok", "denied"]
