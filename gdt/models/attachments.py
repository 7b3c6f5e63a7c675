"""Files that came with a report: photos (re-encoded, EXIF stripped) and sound fragments."""
from datetime import datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, enum_column, utcnow
from gdt.models.reports import Report

if TYPE_CHECKING:
    from gdt.models.resident import ResidentLogEntry

ATTACHMENT_KINDS = ("photo", "audio")


class Attachment(db.Model):
    """One stored file. The bytes live outside the web root under `storage_name` (a generated name)."""

    __tablename__ = "attachments"
    __table_args__ = (
        sa.CheckConstraint("size_bytes > 0", name="size_positive"),
        sa.CheckConstraint("api_client_id IS NULL OR uploaded_by_id IS NULL", name="one_uploader"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reports.id"), index=True)
    kind: so.Mapped[str] = so.mapped_column(enum_column(*ATTACHMENT_KINDS, name="attachment_kind"))
    content_type: so.Mapped[str] = so.mapped_column(sa.String(60))
    extension: so.Mapped[str] = so.mapped_column(sa.String(8))  # of the stored file, e.g. "jpg", "m4a"
    size_bytes: so.Mapped[int]
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    storage_name: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    original_name: so.Mapped[str | None] = so.mapped_column(sa.String(120))  # cleaned, for display only
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    api_client_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("api_clients.id"))
    # A file of the resident's logbook (gdt.models.resident) rather than of the report as it was sent.
    log_entry_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("resident_log_entries.id"), index=True)

    report: so.Mapped[Report] = so.relationship(back_populates="attachments")
    log_entry: so.Mapped[Optional["ResidentLogEntry"]] = so.relationship(back_populates="attachments")
