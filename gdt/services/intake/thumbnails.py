"""Small versions of a report's photos, for the report pages: made on first view from the stored photo, then kept.

A thumbnail is shown to exactly who may download the photo (`attachments.visible_file`), and every view is audited
like a download ("view_thumbnail"). It is made server-side with Pillow from the stored file, which is always our
own re-encoded JPEG of at most 4096 px: JPEG draft mode decodes it at 1/8 to 1/2 of its size, so making one takes
a few megabytes and milliseconds, and it runs in one of the process's image slots like an upload (`Busy` when
they are all taken). The result, at most THUMBNAIL_SIDE px on its longest side, is written next to the photos
(ATTACHMENT_DIR/thumbnails, under the photo's generated name) by a temporary file and a rename, so a second
view reads it and two first views at once both end with one whole file. Photos stored before thumbnails existed
get theirs the same way; `attachments.prune_orphans` removes those whose photo is gone.
"""
import io
import warnings
from pathlib import Path

from PIL import Image

from gdt.models import Attachment, User
from gdt.services.core import attachment_store, audit
from gdt.services.core.errors import NotFound
from gdt.services.intake import attachments

THUMBNAIL_SIDE = 320  # px, the longest side: sharp at 160 CSS px on a screen with twice the pixels
JPEG_QUALITY = 80


def open_thumbnail(reference: str, attachment_id: int, *, actor: User) -> tuple[Attachment, Path]:
    """The photo's thumbnail file (made now when it is the first view), for someone who may see the report."""
    attachment, photo = attachments.visible_file(reference, attachment_id, actor=actor, action="view_thumbnail",
                                                 kind="photo")
    thumbnail = path_for(attachment)
    if not thumbnail.is_file():
        attachments.write_file(thumbnail, make(photo))
    audit.record_now(actor, "view_thumbnail", "report", reference, detail={"attachment": attachment.id})
    return attachment, thumbnail


def path_for(attachment: Attachment) -> Path:
    folder = attachments.directory() / attachments.THUMBNAIL_FOLDER
    folder.mkdir(exist_ok=True, mode=0o700)
    return folder / attachment_store.thumbnail_name(attachment.storage_name)


def make(photo: Path) -> bytes:
    """A JPEG of at most THUMBNAIL_SIDE px from a stored photo, decoded within the uploads' budget and slots."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(photo, formats=["JPEG"]) as image:
                image.draft("RGB", (THUMBNAIL_SIDE, THUMBNAIL_SIDE))  # decode at the smallest scale that still covers
                if attachments.decoded_bytes(image) > attachments.MAX_DECODED_BYTES:
                    raise NotFound(attachments.NO_SUCH_FILE)  # never stored by us: not shown
                with attachments.image_slot():
                    image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
                    small = image if image.mode == "RGB" else image.convert("RGB")
                    out = io.BytesIO()
                    small.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise NotFound(attachments.NO_SUCH_FILE) from None
    return out.getvalue()
