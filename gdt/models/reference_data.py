"""Admin-configurable lists and the per-year reference counter."""
import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import db


class Category(db.Model):
    __tablename__ = "categories"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    label: so.Mapped[str] = so.mapped_column(sa.String(80))
    position: so.Mapped[int] = so.mapped_column(default=0)
    is_active: so.Mapped[bool] = so.mapped_column(default=True)


class ReferenceCounter(db.Model):
    """The last reference number handed out per year (GDT-2026-000123), bumped with UPDATE … RETURNING."""

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
