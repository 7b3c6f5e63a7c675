"""Small versions of a report's photos, for the report pages: made on first view from the stored photo, then kept.

A thumbnail is shown to exactly who may download the photo (`attachments.visible_file`), and every view is audited
like a download ("view_thumbnail"). It is made server-side with Pillow from the stored file, which is always our
own re-encoded JPEG of at most 4096 px: JPEG draft mode decodes it at 1/8 to 1/2 of its size, so making one takes
a few megabytes and milliseconds, and it runs in one of the process's image slots like an upload (`Busy` when
they are all taken). The result, at most THUMBNAIL_SIDE px on its longest side, is written to the same object store
as the photos (`thumbnails/`, under the photo's generated name), whole or not at all, so a second view reads it
and two first views at once both end with one whole file. Photos stored before thumbnails existed get theirs the
same way; `attachments.prune_orphans` removes those whose photo is gone.
"""
import io
import warnings

from PIL import Image

from gdt.models import Attachment, User
from gdt.services.core import attachment_store, audit, object_store
from gdt.services.core.errors import NotFound
from gdt.services.intake import attachments

THUMBNAIL_SIDE = 320  # px, the longest side: sharp at 160 CSS px on a screen with twice the pixels
JPEG_QUALITY = 80


def open_thumbnail(reference: str, attachment_id: int, *,
                   actor: User) -> tuple[Attachment, object_store.StoredObject]:
    """The photo's stored thumbnail (made now when it is the first view), for someone who may see the report."""
    attachment, photo = attachments.visible_file(reference, attachment_id, actor=actor, action="view_thumbnail",
                                                 kind="photo")
    thumbnail = path_for(attachment)
    if not thumbnail.is_file():
        object_store.current().put(attachment_store.thumbnail_key(attachment.storage_name), make(photo))
    audit.record_now(actor, "view_thumbnail", "report", reference, detail={"attachment": attachment.id})
    return attachment, thumbnail


def path_for(attachment: Attachment) -> object_store.StoredObject:
    """The photo's thumbnail in the store (in the file store, a path in its `thumbnails` folder)."""
    return object_store.current().locate(attachment_store.thumbnail_key(attachment.storage_name))


def make(photo: object_store.StoredObject) -> bytes:
    """A JPEG of at most THUMBNAIL_SIDE px from a stored photo, decoded within the uploads' budget and slots."""
    try:
        data = photo.read_bytes()  # our own JPEG of at most 4096 px: a few MB, read whole so Pillow may seek in it
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["JPEG"]) as image:
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
