"""Failed logins per account, kept in the database so every web process sees the same count.

The key is a hash of the normalised e-mail address as typed, so an address without an account is slowed exactly
like one with an account (the answer reveals nothing) and the table holds no address in plain text.
"""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db


class LoginThrottle(db.Model):
    __tablename__ = "login_throttles"

    account_key: so.Mapped[str] = so.mapped_column(sa.String(64), primary_key=True)
    failures: so.Mapped[int] = so.mapped_column(default=0)
    blocked_until: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    last_failure_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime(), index=True)
