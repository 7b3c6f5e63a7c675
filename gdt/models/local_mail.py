"""Mail kept in the database instead of sent, for development and the demo without an SMTP server."""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, utcnow


class LocalMail(db.Model):
    """One message as it would have left (MAIL_TRANSPORT=local); only the newest MAIL_LOCAL_KEEP are kept."""

    __tablename__ = "local_mail"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    sent_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    recipient: so.Mapped[str] = so.mapped_column(sa.String(254))
    subject: so.Mapped[str] = so.mapped_column(sa.String(998))  # RFC 5322's line limit
    body: so.Mapped[str] = so.mapped_column(sa.Text)
