"""Contact with the resident through their own link: questions a coordinator asks them, and the short
satisfaction survey after closing."""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, utcnow
from gdt.models.reports import Report


class ResidentQuestion(db.Model):
    """A question to the reporter; the report shows "reactie gevraagd" until it is answered (or withdrawn)."""

    __tablename__ = "resident_questions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reports.id"), index=True)
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    asked_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    asked_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    answer: so.Mapped[str | None] = so.mapped_column(sa.Text)
    answered_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    reminded_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    withdrawn_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    report: so.Mapped[Report] = so.relationship()


class SatisfactionResponse(db.Model):
    """One answer to the survey per report; counted per year on the statistics page, never shown per person."""

    __tablename__ = "satisfaction_responses"
    __table_args__ = (sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reports.id"), unique=True)
    case_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("cases.id"), index=True)
    score: so.Mapped[int]
    comment: so.Mapped[str | None] = so.mapped_column(sa.Text)
    answered_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
