"""The local mailbox page: in development and the demo without an SMTP server, the mail that would have left."""
import re

from flask import current_app, render_template
from flask_login import current_user

from gdt.services.core import local_mail
from gdt.web.access import role_required
from gdt.web.admin import bp

LINK = re.compile(r"(https?://[^\s<>\"]+)")


@bp.route("/admin/mail")
@role_required("admin")
def local_mailbox():
    mails = local_mail.recent(actor=current_user)
    return render_template("admin/local_mail.html", mails=[(mail, body_lines(mail.body)) for mail in mails],
                           local=current_app.config["MAIL_TRANSPORT"] == "local")


def body_lines(body: str) -> list[list[tuple[str, bool]]]:
    """Each line of a plain-text body as (text, is_link) pieces, so the template can make links clickable
    while escaping everything (only http and https become links)."""
    return [[(piece, index % 2 == 1) for index, piece in enumerate(LINK.split(line)) if piece]
            for line in body.splitlines()]
