"""Mijn melding: the resident's logbook of dated entries on their report (with photos and sound).

The entries' photos and sound fragments are Attachment rows of the report with `log_entry_id` set, so the
attachments' checks, thumbnails, downloads and retention hold for them unchanged.
"""
from datetime import date, datetime, time
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, utcnow
from gdt.models.reports import Report

if TYPE_CHECKING:
    from gdt.models.attachments import Attachment


class ResidentLogEntry(db.Model):
    """What happened, on which day (and at what time, for how long), as the resident wrote it: never changed."""

    __tablename__ = "resident_log_entries"
    __table_args__ = (
        sa.CheckConstraint("duration_minutes IS NULL OR duration_minutes BETWEEN 1 AND 1440", name="duration_range"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reports.id"), index=True)
    happened_on: so.Mapped[date] = so.mapped_column(sa.Date)
    happened_at: so.Mapped[time | None] = so.mapped_column(sa.Time)
    duration_minutes: so.Mapped[int | None]
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    report: so.Mapped[Report] = so.relationship()
    attachments: so.Mapped[list["Attachment"]] = so.relationship(back_populates="log_entry",
                                                                  order_by="Attachment.id")
