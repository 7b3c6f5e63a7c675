"""Requests from the people concerned (AVG art. 15–17) and how the privacy officer decided them."""
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, enum_column, utcnow
from gdt.models.users import User

REQUEST_KINDS = ("inspection", "rectification", "erasure")  # inzage (15), rectificatie (16), wissen (17)
REQUEST_DECISIONS = ("granted", "partly_granted", "refused")


class SubjectRequest(db.Model):
    """One request. The person is named as the requester gave it (the privacy officer needs it to answer and to
    account for the answer); what was found, changed or erased is named by references, never by content."""

    __tablename__ = "subject_requests"
    __table_args__ = (
        sa.CheckConstraint("(decision IS NULL) = (decided_at IS NULL)", name="decided_has_time"),
        sa.CheckConstraint("decision IS NULL OR decided_by_id IS NOT NULL", name="decided_has_actor"),
        sa.CheckConstraint("decision <> 'refused' OR legal_ground IS NOT NULL", name="refusal_has_ground"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    reference: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)  # e.g. AVG-2026-0003
    kind: so.Mapped[str] = so.mapped_column(enum_column(*REQUEST_KINDS, name="subject_request_kind"))
    received_on: so.Mapped[date] = so.mapped_column(sa.Date)
    subject_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    note: so.Mapped[str | None] = so.mapped_column(sa.Text)  # what was asked, how identity was verified
    # The reports and cases the request concerns, by reference, as the privacy officer selected them.
    references: so.Mapped[list[str] | None] = so.mapped_column(sa.JSON)
    decision: so.Mapped[str | None] = so.mapped_column(enum_column(*REQUEST_DECISIONS, name="subject_decision"))
    legal_ground: so.Mapped[str | None] = so.mapped_column(sa.Text)  # for a refusal (e.g. AVG art. 17(3)(b))
    decided_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    detail: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)  # what was done: fields, counts

    created_by: so.Mapped[User] = so.relationship(foreign_keys=[created_by_id])
    decided_by: so.Mapped[User | None] = so.relationship(foreign_keys=[decided_by_id])
