"""Standard texts per category and moment, with placeholders, that staff pick when writing."""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, enum_column, utcnow
from gdt.models.mixins import VersionedMixin
from gdt.models.reference_data import Category
from gdt.models.users import User

# When a text is used: the receipt mail, the notice after a referral, the team taking a report on, a question to
# the resident, the notice of closing; and a question or advice to a partner (written by staff only).
TEXT_MOMENTS = ("receipt", "referred", "taken_on", "question", "closed", "partner")


class StandardText(VersionedMixin, db.Model):
    """A text the admin keeps (gdt/services/texts/admin.py); `category_id` None: for every category.

    The body holds {placeholders} from gdt/services/texts/placeholders.py, filled by simple substitution.
    """

    __tablename__ = "standard_texts"
    __table_args__ = (sa.Index(None, "moment", "category_id", "is_active"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(120))
    moment: so.Mapped[str] = so.mapped_column(enum_column(*TEXT_MOMENTS, name="standard_text_moment"))
    category_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("categories.id"))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    is_active: so.Mapped[bool] = so.mapped_column(default=True)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    category: so.Mapped[Category | None] = so.relationship()
    updated_by: so.Mapped[User | None] = so.relationship()
