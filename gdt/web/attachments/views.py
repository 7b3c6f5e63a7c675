"""A report's photo or sound fragment as a download, and a photo's thumbnail for the report pages: never sniffed,
never cached (the private headers of every staff page), every one audited by the service."""
import io

from flask import Response, send_file
from flask_login import current_user

from gdt.services.intake import attachments, thumbnails
from gdt.web.access import role_required
from gdt.web.attachments import bp


@bp.route("/reports/<reference>/attachments/<int:attachment_id>")
@role_required("intake", "coordinator")  # the service narrows this to who may see the report
def download(reference: str, attachment_id: int):
    attachment, stored = attachments.open_for_download(reference, attachment_id, actor=current_user)
    stamp = attachment.created_at.strftime("%Y%m%d-%H%M%S")
    return _private(stored, attachment.content_type, as_attachment=True,
                    name=f"{reference}-{attachment.kind}-{stamp}.{attachment.extension}")


@bp.route("/reports/<reference>/attachments/<int:attachment_id>/thumbnail")
@role_required("intake", "coordinator")  # the service narrows this to who may see the report
def thumbnail(reference: str, attachment_id: int):
    """Shown in an <img> (inline); only ever our own small JPEG, so it is served as exactly that."""
    try:
        attachment, stored = thumbnails.open_thumbnail(reference, attachment_id, actor=current_user)
    except attachments.Busy:  # every image slot taken by uploads: the browser shows the alt text, a reload the photo
        return Response(status=503, headers={"Retry-After": "5", "Cache-Control": "no-store"})
    return _private(stored, "image/jpeg", as_attachment=False, name=f"{reference}-foto-{attachment.id}-klein.jpg")


def _private(stored, mimetype: str, *, as_attachment: bool, name: str):
    # Read whole from the store, folder or bucket (at most 20 MB by the upload limits), and sent by GDT itself, never
    # as a link into the bucket: no file handle or connection to the store outlives the request.
    response = send_file(io.BytesIO(stored.read_bytes()), mimetype=mimetype, as_attachment=as_attachment, max_age=0,
                         conditional=False, download_name=name)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
