"""Uploads cost bounded work: decoded bytes counted from the header, few photos at once, real recordings only."""
import io

import pytest
import sqlalchemy as sa
from PIL import Image

from gdt.models import Attachment
from gdt.services.core.errors import ValidationFailed
from gdt.services.intake import attachments, image_slots
from tests import attachment_files as files

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def refused(filename, data) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as failure:
        attachments.prepare(filename, data)
    return failure.value


@pytest.mark.parametrize("mode, size, expected", [
    ("RGB", (100, 50), 15_000), ("RGBA", (100, 50), 20_000), ("I;16", (100, 50), 10_000),
    ("L", (100, 50), 5_000), ("1", (100, 50), 5_000), ("CMYK", (10, 10), 400),
])
def test_decoded_bytes_count_every_byte_of_a_pixel(mode, size, expected):
    assert attachments.decoded_bytes(Image.new(mode, size)) == expected


@pytest.mark.parametrize("bit_depth, colour_type, per_pixel",
                         [(16, 6, 8), (16, 2, 6), (16, 0, 2), (8, 6, 4), (8, 2, 3)])
def test_decoded_bytes_of_a_png_follow_its_bit_depth(bit_depth, colour_type, per_pixel):
    with Image.open(io.BytesIO(files.png_header(100, 10, bit_depth, colour_type))) as image:
        assert attachments.decoded_bytes(image) == 1000 * per_pixel


def test_a_16_bit_image_under_the_pixel_cap_but_over_the_byte_budget_is_refused_before_decoding(db):
    # 16 megapixels (under the 40 MP cap) of 16-bit RGBA: 8 bytes a pixel, 128 MB once decoded.
    data = files.png_header(4000, 4000, bit_depth=16, colour_type=6)
    assert len(data) < 200
    failure = refused("diep.png", data)
    assert "te veel pixels" in str(failure.errors["file"])  # not "beschadigd": nothing was decoded


def test_a_grey_16_bit_image_within_the_budget_is_shrunk_and_kept(db):
    image = Image.new("I;16", (5000, 300), 40000)
    out = io.BytesIO()
    image.save(out, "PNG")
    stored = Image.open(io.BytesIO(attachments.prepare("scan.png", out.getvalue()).data))
    assert stored.mode == "RGB" and stored.size == (attachments.MAX_SIDE, 246)
    assert stored.getpixel((10, 10))[0] > 100  # scaled from 16 to 8 bits, not clipped to white or black


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(db):
    out = io.BytesIO()
    Image.new("RGB", (8200, 1000), "green").save(out, "JPEG")
    with Image.open(io.BytesIO(out.getvalue())) as image:
        image.draft("RGB", attachments._stored_size(image.size))
        assert image.size == (4100, 500)  # half the work, still at least the stored size
    stored = Image.open(io.BytesIO(attachments.prepare("breed.jpg", out.getvalue()).data))
    assert stored.size == (4096, 500)


def test_when_every_image_slot_is_taken_the_upload_is_refused_with_try_again(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_IMAGE_SLOTS", 1)
    monkeypatch.setitem(app.config, "ATTACHMENT_IMAGE_WAIT_SECONDS", 0)
    assert image_slots.acquire(1, 0)
    try:
        failure = refused("foto.jpg", files.jpeg_with_gps())
        assert isinstance(failure, attachments.Busy) and failure.status == 503
        assert "probeer het zo opnieuw" in str(failure.errors["file"])
        assert attachments.prepare("opname.wav", files.wav()).kind == "audio"  # sound needs no image slot
    finally:
        image_slots.release()
    assert image_slots.in_use() == 0
    assert attachments.prepare("foto.jpg", files.jpeg_with_gps()).kind == "photo"
    assert image_slots.in_use() == 0  # given back after the work, also after a refusal below
    refused("kapot.jpg", files.jpeg_with_gps()[:400])
    assert image_slots.in_use() == 0


@pytest.mark.parametrize("name, builder", [
    ("opname.wav", files.wav), ("opname.ogg", files.ogg), ("opname.mp3", files.mp3),
    ("opname.m4a", files.m4a), ("opname.aac", files.aac),
])
def test_real_recordings_of_every_type_are_kept_as_sent(db, name, builder):
    prepared = attachments.prepare(name, builder())
    assert prepared.kind == "audio" and prepared.data == builder()


@pytest.mark.parametrize("name, data", [
    ("opname.mp3", b"ID3\x04\x00\x00\x00\x00\x00\x00" + HTML),  # a tag and then a web page
    ("opname.mp3", b"\xff\xfb\x90\x64" + HTML * 20),  # one frame header and then a web page
    ("opname.mp3", files.mp3() + HTML),  # a real recording with a page appended
    ("opname.wav", files.wav()[:44] + HTML),  # a WAV header announcing samples that are not there
    ("opname.ogg", b"OggS\x00\x02" + b"\x00" * 20 + HTML),
    ("opname.m4a", files.m4a()[:24] + HTML),
    ("opname.aac", b"\xff\xf1\x50\x80\x02\x1f\xfc" + HTML),
    ("opname.ogg", files.ogg()[:60]),  # only the first header page
])
def test_polyglots_and_fakes_with_audio_magic_bytes_are_refused(db, name, data):
    failure = refused(name, data)
    assert "geen geluidsopname" in str(failure.errors["file"]) or "past niet" in str(failure.errors["file"])


def test_a_refusal_for_lack_of_a_slot_stores_nothing_and_leaves_the_report(app, db, make, monkeypatch):
    """A refusal for lack of a slot happens before the unit of work: no row, no file."""
    monkeypatch.setitem(app.config, "ATTACHMENT_IMAGE_WAIT_SECONDS", 0)
    report = make.report()
    limit = app.config.get("ATTACHMENT_IMAGE_SLOTS", attachments.DEFAULTS["ATTACHMENT_IMAGE_SLOTS"])
    taken = [image_slots.acquire(limit, 0) for _ in range(limit)]
    try:
        assert all(taken)
        refused("foto.jpg", files.jpeg_with_gps())
    finally:
        for _ in taken:
            image_slots.release()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    assert db.session.get(type(report), report.id) is not None
