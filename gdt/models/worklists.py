"""Saved work lists: a named filter of the report queue or the case list, or a search text, kept by its owner,
personal or shared with the owner's team, and pinned to the start page per user (gdt.services.worklists)."""
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, enum_column, utcnow
from gdt.models.mixins import TimestampMixin, VersionedMixin
from gdt.models.users import User

# reports: the report queue's filters (intake.queue); cases: the case list's (cases.index); search: a search text.
KINDS = ("reports", "cases", "search")


class SavedList(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "saved_lists"
    __table_args__ = (
        sa.UniqueConstraint("owner_id", "name"),
        # A search keeps its text in its own column (personal data may be in it), filters keep page keys only.
        sa.CheckConstraint("(kind = 'search') = (search_text IS NOT NULL)", name="search_has_text"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # Deleting a user removes their lists (and so every pin on them).
    owner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    name: so.Mapped[str] = so.mapped_column(sa.String(80))
    kind: so.Mapped[str] = so.mapped_column(enum_column(*KINDS, name="saved_list_kind"))
    # The list page's own filter keys and values, as its parser reads them from a query string.
    filters: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON, default=dict)
    search_text: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    shared_with_team: so.Mapped[bool] = so.mapped_column(default=False)

    owner: so.Mapped[User] = so.relationship()

    def __repr__(self) -> str:
        return f"<SavedList {self.id} {self.kind}>"


class SavedListPin(db.Model):
    """A list on one user's start page: a shared list is pinned by each colleague on their own."""

    __tablename__ = "saved_list_pins"

    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    list_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("saved_lists.id", ondelete="CASCADE"),
                                               primary_key=True, index=True)
    pinned_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
