"""Admin-configurable lists, their change history and the per-year reference counter."""
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, utcnow
from gdt.models.partners import Partner


class Category(db.Model):
    """What kind of nuisance a report is about; kept by the admin (gdt/services/admin/categories.py).

    `is_public`: offered on the resident channels (webform, app); staff channels offer every active category.
    `triage_working_days`: this category's triage deadline; None means the general TRIAGE_NORM_WORKING_DAYS.
    `suggested_partner`: pre-selected when a coordinator refers a report of this category (a suggestion only).
    """

    __tablename__ = "categories"
    __table_args__ = (
        sa.CheckConstraint("triage_working_days IS NULL OR triage_working_days BETWEEN 1 AND 30",
                           name="triage_working_days_range"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    label: so.Mapped[str] = so.mapped_column(sa.String(80))
    position: so.Mapped[int] = so.mapped_column(default=0)
    is_active: so.Mapped[bool] = so.mapped_column(default=True)
    help_text: so.Mapped[str | None] = so.mapped_column(sa.String(300))  # for residents, under the choice
    is_public: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    triage_working_days: so.Mapped[int | None]
    suggested_partner_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("partners.id"))

    suggested_partner: so.Mapped[Partner | None] = so.relationship()


class ReferenceCounter(db.Model):
    """The last reference number handed out per year (GDT-2026-000123): bumped with UPDATE … RETURNING on SQLite; on
    PostgreSQL the start of the year's sequence, which it owns (gdt.services.core.reference_numbers)."""

    __tablename__ = "reference_counters"
    __table_args__ = (sa.CheckConstraint("last_value >= 0", name="not_negative"),)

    year: so.Mapped[int] = so.mapped_column(primary_key=True, autoincrement=False)
    last_value: so.Mapped[int] = so.mapped_column(default=0)


class Area(db.Model):
    """The name of a CBS wijk or buurt, by its code (WK077201, BU07720110) as the address service gives it on a report.

    Reports keep only the codes; the statistics show these names beside them. Filled by `flask areas import`
    (and by the demo); a code without a row is shown as the bare code.
    """

    __tablename__ = "areas"
    __table_args__ = (sa.CheckConstraint("code LIKE 'WK%' OR code LIKE 'BU%'", name="wijk_or_buurt_code"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(10), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(100))

    @property
    def kind(self) -> str:
        return "wijk" if self.code.startswith("WK") else "buurt"


class ClosingDay(db.Model):
    """A day the municipality is closed on top of weekends and public holidays (a bridge day after Ascension Day):
    deadlines skip it like a holiday (gdt/services/core/deadlines.py). Kept by the admin
    (gdt/services/admin/closing_days.py); EXTRA_NON_WORKING_DAYS in the settings counts in addition."""

    __tablename__ = "closing_days"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    day: so.Mapped[date] = so.mapped_column(sa.Date, unique=True)
    description: so.Mapped[str] = so.mapped_column(sa.String(100))


class ReferenceChange(db.Model):
    """One change to reference data (a category, partner, area, closing day, case result), with its values.

    Reference data names organisations and lists, never residents, so unlike the audit log (field names only) this
    keeps what a field held before and after: an admin can see who set a deadline to 5 days and when. Append-only.
    """

    __tablename__ = "reference_changes"
    __table_args__ = (sa.Index("ix_reference_changes_object", "object_type", "object_key", "occurred_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    occurred_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))  # None: a command line
    object_type: so.Mapped[str] = so.mapped_column(sa.String(20))
    object_key: so.Mapped[str] = so.mapped_column(sa.String(60))
    action: so.Mapped[str] = so.mapped_column(sa.String(40))
    # {field: [before, after]}; a created record has before None, values as JSON scalars (dates as ISO text).
    changes: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
