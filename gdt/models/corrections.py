"""Corrections of a report before triage: what was changed, from what to what, and why.

Each correction belongs to one "correct" event in the report's history (who and when are the event's). The event's
`detail` holds only keys (the field, category keys), as every history detail does; the values and the reason are
text a person typed or a resident's address, so they live here, where retention can find and clear them.
"""
import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import db, enum_column
from gdt.models.reports import Report, ReportEvent

CORRECTED_FIELDS = ("category", "address", "description")


class ReportCorrection(db.Model):
    __tablename__ = "report_corrections"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reports.id"), index=True)
    event_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("report_events.id"), unique=True)
    field: so.Mapped[str] = so.mapped_column(enum_column(*CORRECTED_FIELDS, name="corrected_field"))
    # As shown at the time: a category's label, an address as one line, a description's text (None: the original).
    before: so.Mapped[str | None] = so.mapped_column(sa.Text)
    after: so.Mapped[str | None] = so.mapped_column(sa.Text)
    reason: so.Mapped[str] = so.mapped_column(sa.Text)

    report: so.Mapped[Report] = so.relationship()
    # Loaded with the events (one query per history), so a history shows its corrections without a query per row.
    event: so.Mapped[ReportEvent] = so.relationship(
        backref=so.backref("correction", uselist=False, lazy="selectin"))
