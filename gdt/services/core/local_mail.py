"""The local mailbox: where mail goes in development and the demo when no SMTP server is configured.

`keep` stores the message instead of sending it (config MAIL_TRANSPORT=local, never in production) and
drops all but the newest MAIL_LOCAL_KEEP, so a long-running demo does not grow without bound. Mails carry
personal data (addresses, partner links), so only an admin reads them, and every read is audited.
"""
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from gdt.db import db, utcnow
from gdt.models import LocalMail, User
from gdt.services.core import audit
from gdt.services.core.errors import Forbidden
from gdt.services.core.transaction import unit_of_work


def keep(message: EmailMessage) -> None:
    """Store one message as it would have left; OSError (a failed delivery) in production, where mail must leave."""
    if current_app.config["ENVIRONMENT"] == "production":
        raise OSError("Lokale mail is uitgeschakeld in productie; stel SMTP_HOST in.")
    with unit_of_work():
        db.session.add(LocalMail(sent_at=utcnow(), recipient=message["To"], subject=message["Subject"],
                                 body=message.get_content()))
        db.session.flush()
        newest_dropped = db.session.scalar(sa.select(LocalMail.id).order_by(LocalMail.id.desc())
                                           .offset(current_app.config["MAIL_LOCAL_KEEP"]).limit(1))
        if newest_dropped is not None:
            db.session.execute(sa.delete(LocalMail).where(LocalMail.id <= newest_dropped))


def recent(*, actor: User, limit: int = 50) -> list[LocalMail]:
    """The newest kept mails, newest first, for an admin; the view is audited (a refusal too)."""
    if actor is None or actor.role != "admin":
        audit.record_now(actor, "view", "local_mail", outcome="denied")
        raise Forbidden(_l("Alleen een beheerder leest de lokaal bewaarde mail."))
    mails = list(db.session.scalars(sa.select(LocalMail).order_by(LocalMail.id.desc()).limit(limit)))
    audit.record_now(actor, "view", "local_mail", detail={"shown": len(mails)})
    return mails
