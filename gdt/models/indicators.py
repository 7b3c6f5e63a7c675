"""Indicators of the safety plan: one row per indicator, a value and a target per year, footnotes.

An indicator is computed from GDT data (its `source` names the aggregate) or entered by hand (`manual`).
A stored `IndicatorValue` is a figure from elsewhere or from before the system existed; for that year it
takes the place of the computed figure. Targets hold a comparator as an ASCII key (lt, le, gt, ge, eq)
so the database, the import and the API never need to agree on how to spell "≤".
"""
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, enum_column, utcnow
from gdt.models.mixins import TimestampMixin

COMPUTED_SOURCES = ("reports_total", "share_escalated", "cases_total", "median_days_to_triage",
                    # "Werkt het?" (gdt.services.reporting.outcomes): per year of closing, or of the answer
                    "recurrence_6_months", "recurrence_12_months", "median_days_advice", "median_days_regie",
                    "share_satisfied")
INDICATOR_SOURCES = (*COMPUTED_SOURCES, "manual")
INDICATOR_UNITS = ("count", "percent", "days")
COMPARATORS = ("lt", "le", "gt", "ge", "eq")
COMPARATOR_SYMBOLS = {"lt": "<", "le": "≤", "gt": ">", "ge": "≥", "eq": "="}
VALUE_PRECISION, VALUE_SCALE = 12, 2  # up to 9 999 999 999,99: counts, percentages and days alike


class Indicator(TimestampMixin, db.Model):
    __tablename__ = "indicators"
    __table_args__ = (
        sa.CheckConstraint("key = lower(key) AND key <> ''", name="key_lower_case"),
        sa.CheckConstraint("name <> ''", name="name_not_empty"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(60), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    # enum_column's VARCHAR(20) is too short for "median_days_to_triage": the same named CHECK, a wider column.
    source: so.Mapped[str] = so.mapped_column(sa.Enum(*INDICATOR_SOURCES, name="indicator_source", native_enum=False,
                                                      create_constraint=True, length=40))
    unit: so.Mapped[str] = so.mapped_column(enum_column(*INDICATOR_UNITS, name="indicator_unit"))
    position: so.Mapped[int] = so.mapped_column(default=0)
    is_active: so.Mapped[bool] = so.mapped_column(default=True)
    footnote: so.Mapped[str | None] = so.mapped_column(sa.Text)

    values: so.Mapped[list["IndicatorValue"]] = so.relationship(
        back_populates="indicator", order_by="IndicatorValue.year", cascade="all, delete-orphan")
    targets: so.Mapped[list["IndicatorTarget"]] = so.relationship(
        back_populates="indicator", order_by="IndicatorTarget.year", cascade="all, delete-orphan")

    @property
    def is_computed(self) -> bool:
        return self.source in COMPUTED_SOURCES

    def __repr__(self) -> str:
        return f"<Indicator {self.key}>"


class IndicatorYearMixin:
    """One row per indicator and year (a value or a target).

    In the table `id`, `indicator_id` and `year` come first (sort_order -1), then the model's own columns, then
    `updated_at`; the model adds its `indicator` relationship.
    """

    @so.declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (
            sa.UniqueConstraint("indicator_id", "year"),
            sa.CheckConstraint("year BETWEEN 1900 AND 2999", name="year_range"),
        )

    id: so.Mapped[int] = so.mapped_column(primary_key=True, sort_order=-1)
    indicator_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("indicators.id", ondelete="CASCADE"), sort_order=-1)
    year: so.Mapped[int] = so.mapped_column(sort_order=-1)
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class IndicatorValue(IndicatorYearMixin, db.Model):
    """A figure for one year entered by hand or imported: manual indicators, and history before the system."""

    __tablename__ = "indicator_values"

    value: so.Mapped[Decimal] = so.mapped_column(sa.Numeric(VALUE_PRECISION, VALUE_SCALE))
    note: so.Mapped[str | None] = so.mapped_column(sa.Text)

    indicator: so.Mapped[Indicator] = so.relationship(back_populates="values")


class IndicatorTarget(IndicatorYearMixin, db.Model):
    """The target (doel) of an indicator for one year, e.g. lt 80 ("< 80")."""

    __tablename__ = "indicator_targets"

    comparator: so.Mapped[str] = so.mapped_column(enum_column(*COMPARATORS, name="indicator_comparator"))
    value: so.Mapped[Decimal] = so.mapped_column(sa.Numeric(VALUE_PRECISION, VALUE_SCALE))

    indicator: so.Mapped[Indicator] = so.relationship(back_populates="targets")

    @property
    def symbol(self) -> str:
        return COMPARATOR_SYMBOLS[self.comparator]
