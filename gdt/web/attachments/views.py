"""Downloading a report's photo or sound fragment: never inline, never sniffed, never cached."""
import io

from flask import send_file
from flask_login import current_user

from gdt.services.intake import attachments
from gdt.web.access import role_required
from gdt.web.attachments import bp


@bp.route("/reports/<reference>/attachments/<int:attachment_id>")
@role_required("intake", "coordinator")  # the service narrows this to who may see the report
def download(reference: str, attachment_id: int):
    attachment, path = attachments.open_for_download(reference, attachment_id, actor=current_user)
    stamp = attachment.created_at.strftime("%Y%m%d-%H%M%S")
    # Read whole (at most 20 MB by the upload limits): no file handle outlives the request.
    response = send_file(
        io.BytesIO(path.read_bytes()),
        mimetype=attachment.content_type,
        as_attachment=True,
        max_age=0,
        conditional=False,
        download_name=f"{reference}-{attachment.kind}-{stamp}.{attachment.extension}",
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
