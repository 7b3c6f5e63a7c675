"""Column sets shared by several aggregates."""
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, utcnow

if TYPE_CHECKING:
    from gdt.models.users import User


class TimestampMixin:
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class VersionedMixin:
    """Optimistic locking: a stale write raises StaleDataError instead of overwriting a colleague."""

    version: so.Mapped[int] = so.mapped_column(default=1)

    @so.declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}


class EventMixin:
    """One row of an append-only history: who did what when, from which status to which.

    The model adds its owner's key and relationship (`case_id` and `case`, `report_id` and `report`); the
    owner's key is declared on the model, so it comes right after `id` and before these columns in the table.
    """

    occurred_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    event: so.Mapped[str] = so.mapped_column(sa.String(40))
    from_status: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    to_status: so.Mapped[str] = so.mapped_column(sa.String(20))
    detail: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)

    @so.declared_attr
    def actor(cls) -> so.Mapped["User | None"]:
        return so.relationship("User")
