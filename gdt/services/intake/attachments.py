"""Photos and sound fragments that come with a report (OWASP ASVS V5.2–V5.4, AVG).

An upload is checked before any transaction (`prepare`): the type is sniffed from the content and
must match the extension; photos are decoded and re-encoded, which drops every byte we did not
draw ourselves — EXIF (with the GPS position of the phone), XMP, comments, polyglot payloads.
Decoding is bounded: the bytes a photo would take once decoded are computed from its header and
refused above MAX_DECODED_BYTES, it is shrunk while it is decoded, and at most ATTACHMENT_IMAGE_SLOTS
photos are worked on at once per process (`image_slots`). Sound fragments are kept as sent, but only
after mutagen has read them as a recording of the type their extension names (`sound_fragments`).
`store` writes the file under a generated name to the object store (a folder outside the web root, or a
bucket: `core.object_store`) inside the caller's unit of work; a file whose transaction then rolls back is an
orphan that `prune_orphans` removes.
"""
import hashlib
import io
import re
import time
import unicodedata
import uuid
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from gdt.db import db
from gdt.models import ApiClient, Attachment, Report, User
from gdt.models.documents import DocumentVersion
from gdt.models.resident import ResidentLogEntry
from gdt.services.core import access, audit, object_store
from gdt.services.core.attachment_store import THUMBNAIL_FOLDER
from gdt.services.core.attachment_store import directory as directory  # the file store's folder, for tools and tests
from gdt.services.core.errors import Forbidden, NotFound, ValidationFailed
from gdt.services.core.transaction import joins_unit_of_work, unit_of_work
from gdt.services.intake import image_slots, sound_fragments

register_heif_opener()

DEFAULTS = {"ATTACHMENT_MAX_PHOTO_BYTES": 10 * 1024 * 1024, "ATTACHMENT_MAX_AUDIO_BYTES": 20 * 1024 * 1024,
            "ATTACHMENT_MAX_PER_REPORT": 10, "ATTACHMENT_IMAGE_SLOTS": 1, "ATTACHMENT_IMAGE_WAIT_SECONDS": 5}
MAX_PIXELS = 40_000_000  # 40 megapixels: above any phone camera, far below a decompression bomb
# What decoding may take: 40 megapixels of 8-bit RGB. Any phone photo fits; a 16-bit or transparent image of
# the same size does not (its pixels take two to eight bytes each, and converting them copies them again).
MAX_DECODED_BYTES = MAX_PIXELS * 3
BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "LA": 2, "La": 2, "PA": 2, "I;16": 2, "I;16B": 2, "I;16L": 2, "I;16N": 2,
                   "RGB": 3, "YCbCr": 3, "LAB": 3, "HSV": 3, "RGBA": 4, "RGBa": 4, "RGBX": 4, "CMYK": 4, "I": 4, "F": 4}
WIDEST_PIXEL = 8  # a mode not listed above (16-bit RGBA from a HEIF decoder …) is counted at the most it can take
MAX_SIDE = 4096  # stored photos are scaled down to this: enough to see, less to keep
JPEG_QUALITY = 85
ORPHAN_AGE_SECONDS = 3600
FIELD = "file"

PHOTO_EXTENSIONS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "heic": "HEIF", "heif": "HEIF"}
PHOTO_FORMAT_NAMES = {"JPEG": "JPEG", "PNG": "PNG", "HEIF": "HEIC"}  # as people know them
AUDIO_TYPES = {"m4a": "audio/mp4", "aac": "audio/aac", "mp3": "audio/mpeg", "ogg": "audio/ogg", "wav": "audio/wav"}

NOT_A_PHOTO = _l("Voeg alleen foto's toe (JPEG, PNG of HEIC).")
MISSING = _l("Voeg een bestand toe.")
EMPTY = _l("Het bestand is leeg.")
TOO_LARGE = _l("Het bestand is te groot (hoogstens %(size)s MB).")
NOT_ALLOWED = _l("Dit soort bestand kan niet worden toegevoegd. Voeg een foto (JPEG, PNG, HEIC) of een "
                 "geluidsopname (m4a, aac, mp3, ogg, wav) toe.")
MISMATCH = _l("De inhoud van het bestand past niet bij de extensie .%(extension)s.")
PHOTO_MISMATCH = _l("Dit bestand is geen %(format)s-foto, al eindigt de naam op .%(extension)s.")
BROKEN = _l("De foto kan niet worden gelezen; het bestand is beschadigd of onvolledig.")
TOO_MANY_PIXELS = _l("De foto is te groot (te veel pixels).")
NO_SUCH_REPORT = _l("Er is geen melding met dit kenmerk van deze client.")
NO_SUCH_FILE = _l("Deze bijlage bestaat niet (meer).")
NOT_YOURS = _l("U mag deze melding en haar bijlagen niet inzien.")
TOO_MANY = _l("Er kunnen hoogstens %(count)s bestanden bij een melding.")
BUSY = _l("Er worden op dit moment veel foto's verwerkt. Wacht even en probeer het zo opnieuw.")
NOT_A_RECORDING = _l("Dit bestand is geen geluidsopname die we kunnen afspelen (.%(extension)s).")


class Busy(ValidationFailed):
    """Every image slot is taken: nothing was stored, the same upload can be sent again in a moment.

    A ValidationFailed on the file, so the webform shows it beside the photos and keeps what was typed;
    the API answers it as 503 with Retry-After. Nothing accepted is at stake: a webform report is only
    accepted with its photos, and the app's report was stored before its first file was sent."""

    status = 503


@dataclass(frozen=True)
class PreparedFile:
    """A checked upload, ready to store: the bytes as they will be kept, never the original."""

    kind: str
    content_type: str
    extension: str
    data: bytes
    sha256: str
    display_name: str | None


def prepare(filename: str | None, data: bytes, *, photos_only: bool = False) -> PreparedFile:
    """Check one upload and normalise it; ValidationFailed({"file": message}) when it cannot be kept.

    `photos_only` (a field for photos, like the webform's): anything else is refused at once, with a message
    that names only what the field takes.
    """
    extension = _extension(filename)
    if photos_only and extension not in PHOTO_EXTENSIONS:
        raise _refused(NOT_A_PHOTO)
    if not data:
        raise _refused(EMPTY)
    if extension in PHOTO_EXTENSIONS:
        kind, content_type, stored_extension, body = "photo", "image/jpeg", "jpg", _photo(data, extension)
    elif extension in AUDIO_TYPES:
        _check_size(data, "ATTACHMENT_MAX_AUDIO_BYTES")
        if sniff_audio(data) != extension and not (extension == "m4a" and sniff_audio(data) == "aac"):
            raise _refused(MISMATCH % {"extension": extension})
        if not sound_fragments.is_recording(data, extension):
            raise _refused(NOT_A_RECORDING % {"extension": extension})
        kind, content_type, stored_extension, body = "audio", AUDIO_TYPES[extension], extension, data
    else:
        raise _refused(NOT_ALLOWED)
    return PreparedFile(kind, content_type, stored_extension, body, hashlib.sha256(body).hexdigest(),
                        display_name(filename))


@joins_unit_of_work
def store(report: Report, prepared: PreparedFile, *, uploaded_by: User | None = None,
          api_client: ApiClient | None = None, log_entry: ResidentLogEntry | None = None) -> Attachment:
    """Write the file and its row inside the caller's unit of work. A file of the resident's logbook (`log_entry`)
    counts against its entry's limit, not the report's own files'."""
    limit = _setting("ATTACHMENT_MAX_PER_REPORT")
    same_owner = Attachment.log_entry_id == log_entry.id if log_entry else Attachment.log_entry_id.is_(None)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)
                              .where(Attachment.report_id == report.id, same_owner))
    if count >= limit:
        raise _refused(TOO_MANY % {"count": limit})
    name = f"{uuid.uuid4().hex}.{prepared.extension}"
    object_store.current().put(name, prepared.data)
    attachment = Attachment(report_id=report.id, kind=prepared.kind, content_type=prepared.content_type,
                            extension=prepared.extension, size_bytes=len(prepared.data), sha256=prepared.sha256,
                            storage_name=name, original_name=prepared.display_name,
                            uploaded_by_id=uploaded_by.id if uploaded_by else None,
                            api_client_id=api_client.id if api_client else None,
                            log_entry_id=log_entry.id if log_entry else None)
    db.session.add(attachment)
    audit.record(uploaded_by, "create", "attachment", report.reference,
                 detail={"kind": prepared.kind, "client": api_client.name if api_client else None})
    return attachment


def add_from_client(reference: str, filename: str | None, data: bytes, *, client: ApiClient) -> Attachment:
    """A file the app sends after its report; only the client that sent the report may add to it."""
    report = db.session.scalar(sa.select(Report).where(Report.reference == reference,
                                                       Report.api_client_id == client.id))
    if report is None:  # another client's report looks exactly like no report: no existence oracle
        raise NotFound(NO_SUCH_REPORT)
    prepared = prepare(filename, data)
    with unit_of_work():
        return store(report, prepared, api_client=client)


def open_for_download(reference: str, attachment_id: int, *,
                      actor: User) -> tuple[Attachment, object_store.StoredObject]:
    """The attachment and its stored file, for someone who may see the report; every try is audit-logged."""
    attachment, stored = visible_file(reference, attachment_id, actor=actor, action="download_attachment")
    audit.record_now(actor, "download_attachment", "report", reference, detail={"attachment": attachment.id})
    return attachment, stored


def visible_file(reference: str, attachment_id: int, *, actor: User, action: str,
                 kind: str | None = None) -> tuple[Attachment, object_store.StoredObject]:
    """The attachment (of `kind`, when given) and its stored file, if `actor` may see the report.

    A refusal is audited as `action` denied; what the caller then shows, it audits itself.
    """
    report = db.session.scalar(sa.select(Report).where(Report.reference == reference))
    attachment = db.session.get(Attachment, attachment_id)
    if report is None or attachment is None or attachment.report_id != report.id:
        raise NotFound(NO_SUCH_FILE)
    # A file of the resident's logbook: the team's (coordinators, intake) only, never a partner's.
    logbook_refused = attachment.log_entry_id is not None and actor.role not in ("coordinator", "intake")
    if not access.can_view_report(actor, report) or logbook_refused:
        audit.record_now(actor, action, "report", reference, outcome="denied")
        raise Forbidden(NOT_YOURS)
    if kind is not None and attachment.kind != kind:
        raise NotFound(NO_SUCH_FILE)
    stored = object_store.current().locate(attachment.storage_name)
    if not stored.is_file():
        raise NotFound(NO_SUCH_FILE)
    return attachment, stored


def prune_orphans(older_than: float = ORPHAN_AGE_SECONDS) -> int:
    """Delete stored files no row refers to (their transaction rolled back), older than `older_than` s, and the
    thumbnails of files that are gone. Files in other folders are left alone (`flask attachments check` lists them)."""
    store = object_store.current()
    known = stored_names()
    stems = {Path(name).stem for name in known}
    cutoff, doomed = time.time() - older_than, []
    for item in store.list():
        if item.modified >= cutoff or not object_store.valid_name(item.name):
            continue
        folder, _, name = item.name.rpartition("/")
        if (not folder and name not in known) or (folder == THUMBNAIL_FOLDER and Path(name).stem not in stems):
            doomed.append(item.name)
    return store.delete(doomed)


def stored_names() -> set[str]:
    """Every file name the store should hold: the attachments' and the case documents' (kept in the same store)."""
    return set(db.session.scalars(sa.select(Attachment.storage_name).union(sa.select(DocumentVersion.storage_name))))


def display_name(filename: str | None) -> str | None:
    """The uploader's file name made harmless for showing: no path, no control or bidi characters, no quotes."""
    if not filename:
        return None
    name = re.split(r"[\\/]", filename)[-1]
    name = "".join(char for char in unicodedata.normalize("NFC", name)
                   if unicodedata.category(char)[0] != "C" and char not in "\"';<>`")
    name = name.strip(" .")[:120]
    return name or None


def sniff_audio(data: bytes) -> str | None:
    """The audio container by its magic bytes: m4a (MP4 box), aac (ADTS), mp3, ogg, wav; None otherwise."""
    if data[4:8] == b"ftyp" and data[8:12] in (b"M4A ", b"M4B ", b"mp42", b"isom", b"mp41", b"iso2", b"dash"):
        return "m4a"
    if data[:4] == b"OggS":
        return "ogg"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0 and data[1] & 0x06):
        return "mp3"  # an ID3 tag, or an MPEG audio frame sync with a layer set
    if len(data) > 1 and data[0] == 0xFF and data[1] & 0xF6 == 0xF0:
        return "aac"  # ADTS: sync word, layer 00
    return None


def decoded_bytes(image: Image.Image) -> int:
    """What decoding `image` produces, from its header alone: width × height × bytes per pixel.

    Bytes per pixel follow the mode, and the bit depth where the file has more than Pillow keeps: a 16-bit
    RGBA PNG opens as "RGBA" but its decoder inflates 8 bytes for every pixel (raw mode "RGBA;16B")."""
    per_pixel = BYTES_PER_PIXEL.get(image.mode, WIDEST_PIXEL)
    if any(";16" in _raw_mode(tile) for tile in getattr(image, "tile", ())):
        per_pixel = max(per_pixel, 2 * len(image.getbands()))
    return image.width * image.height * per_pixel


def _raw_mode(tile) -> str:
    args = tile.args if hasattr(tile, "args") else tile[3]
    return str(args[0] if isinstance(args, tuple) and args else args or "")


def _photo(data: bytes, extension: str) -> bytes:
    """Decode (only as the format the extension names) within the budget, shrink, turn upright, re-encode as JPEG."""
    _check_size(data, "ATTACHMENT_MAX_PHOTO_BYTES")
    expected = PHOTO_EXTENSIONS[extension]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[expected]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise _refused(TOO_MANY_PIXELS)
                # A JPEG decodes at 1/2, 1/4 or 1/8 of its size when that still covers the stored size.
                image.draft("RGB", _stored_size(image.size))
                if decoded_bytes(image) > MAX_DECODED_BYTES:
                    raise _refused(TOO_MANY_PIXELS)
                with image_slot():
                    return _reencoded(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refused(TOO_MANY_PIXELS) from None
    except UnidentifiedImageError:
        raise _refused(PHOTO_MISMATCH % {"format": PHOTO_FORMAT_NAMES[expected], "extension": extension}) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _refused(BROKEN) from None


def _reencoded(image: Image.Image) -> bytes:
    """Shrink first (thumbnail decodes, then reduces by whole factors before resampling), so the copies that
    turning and converting make are of the small image; the original's pixels go as soon as it is shrunk.
    Transparent images are put on white before: resampling them would premultiply a full-size copy."""
    if _has_alpha(image):
        image = _as_rgb(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    ImageOps.exif_transpose(image, in_place=True)  # the orientation tag survives the shrinking
    image = _as_rgb(image)
    image.info.clear()  # Pillow would carry a JPEG comment over into the new file
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)  # no exif=, no icc_profile=: nothing carried over
    return out.getvalue()


def _stored_size(size: tuple[int, int]) -> tuple[int, int]:
    """The size `thumbnail((MAX_SIDE, MAX_SIDE))` will give, near enough for `draft` to choose its scale."""
    scale = min(1.0, MAX_SIDE / max(size))
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


@contextmanager
def image_slot():
    """One of the process's image slots for the decoding, or Busy after a short wait."""
    if not image_slots.acquire(_setting("ATTACHMENT_IMAGE_SLOTS"), _setting("ATTACHMENT_IMAGE_WAIT_SECONDS")):
        raise Busy({FIELD: BUSY})
    try:
        yield
    finally:
        image_slots.release()


def _as_rgb(image: Image.Image) -> Image.Image:
    """CMYK, 16-bit, palette and transparent images as plain RGB (transparency on white), with few copies."""
    if _has_alpha(image):
        if image.mode != "RGBA":
            image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image)  # an RGBA mask is its alpha: no separate copy of the channel
        return background
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.point(lambda value: value / 256).convert("L")
    return image if image.mode == "RGB" else image.convert("RGB")


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def _extension(filename: str | None) -> str:
    name = (filename or "").strip().rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _check_size(data: bytes, setting: str) -> None:
    limit = _setting(setting)
    if len(data) > limit:
        raise _refused(TOO_LARGE % {"size": limit // (1024 * 1024)})


def _setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


def _refused(message) -> ValidationFailed:
    return ValidationFailed({FIELD: message})

