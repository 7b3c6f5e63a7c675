"""Column sets shared by several aggregates."""
from datetime import datetime

import sqlalchemy.orm as so

from gdt.db import UTCDateTime, utcnow


class TimestampMixin:
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class VersionedMixin:
    """Optimistic locking: a stale write raises StaleDataError instead of overwriting a colleague."""

    version: so.Mapped[int] = so.mapped_column(default=1)

    @so.declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}
