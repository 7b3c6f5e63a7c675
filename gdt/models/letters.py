"""Letter templates the administrator manages (sandboxed Jinja), rendered to PDF on a case."""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, utcnow
from gdt.models.mixins import VersionedMixin
from gdt.models.users import User


class LetterTemplate(VersionedMixin, db.Model):
    """A letter the team sends from a case (gdt/services/letters): `subject` and `body` are Jinja, rendered in a
    sandbox with the fields of gdt/services/letters/fields.py only. A decision (`is_decision`) is stored as a
    "besluit" and printed with the objection clause; deactivating keeps the template and the letters made with it."""

    __tablename__ = "letter_templates"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    is_decision: so.Mapped[bool] = so.mapped_column(default=False)
    subject: so.Mapped[str] = so.mapped_column(sa.String(200))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    is_active: so.Mapped[bool] = so.mapped_column(default=True)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    updated_by: so.Mapped[User | None] = so.relationship()
