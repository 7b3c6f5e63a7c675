"""People across cases: one person (a resident causing or suffering nuisance, a household member) linked to
several cases and reports in a role, so "eerder in beeld" can be answered and duplicates merged."""
from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, enum_column, utcnow
from gdt.models.casework import PARTY_ROLES
from gdt.models.mixins import EventMixin, TimestampMixin, VersionedMixin
from gdt.models.users import User

if TYPE_CHECKING:
    from gdt.models.cases import Case
    from gdt.models.reports import Report

ONE_OWNER = sa.text("(case_id IS NULL) <> (report_id IS NULL)")
NOT_MERGED = sa.text("merged_into_id IS NULL")
IN_CASE = sa.text("case_id IS NOT NULL")
IN_REPORT = sa.text("report_id IS NOT NULL")


class Person(TimestampMixin, VersionedMixin, db.Model):
    """A person as the team knows them. Merged into another: the row stays (its history points on), unlisted."""

    __tablename__ = "people"
    __table_args__ = (
        sa.Index("ix_people_phone", "phone", postgresql_where=NOT_MERGED, sqlite_where=NOT_MERGED),
        sa.Index("ix_people_email", sa.func.lower(sa.column("email")), postgresql_where=NOT_MERGED,
                 sqlite_where=NOT_MERGED),
        # Possible duplicates: the same name, ignoring case and accents (gdt.services.people.names.name_key).
        sa.Index("ix_people_name_key", "name_key", postgresql_where=NOT_MERGED, sqlite_where=NOT_MERGED),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str | None] = so.mapped_column(sa.String(120))  # None only once removed (retention)
    name_key: so.Mapped[str | None] = so.mapped_column(sa.String(120))  # the name folded: lower case, no accents
    date_of_birth: so.Mapped[date | None] = so.mapped_column(sa.Date)
    phone: so.Mapped[str | None] = so.mapped_column(sa.String(30))  # digits as typed, normalised by the service
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    merged_into_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("people.id"), index=True)
    removed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())  # content removed (retention)

    addresses: so.Mapped[list["PersonAddress"]] = so.relationship(
        back_populates="person", order_by="PersonAddress.id", cascade="all, delete-orphan")
    links: so.Mapped[list["PersonLink"]] = so.relationship(back_populates="person", order_by="PersonLink.id")
    events: so.Mapped[list["PersonEvent"]] = so.relationship(
        back_populates="person", order_by="PersonEvent.id", cascade="all, delete-orphan")
    merged_into: so.Mapped[Optional["Person"]] = so.relationship(remote_side=[id])
    created_by: so.Mapped[User | None] = so.relationship()

    def __repr__(self) -> str:
        return f"<Person {self.id}>"


class PersonAddress(db.Model):
    """An address the person lives or lived at, in the report's terms (postcode + number, so the report index
    answers "this address is known")."""

    __tablename__ = "person_addresses"
    __table_args__ = (sa.Index("ix_person_addresses_address", "postcode", "house_number"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id"), index=True)
    postcode: so.Mapped[str] = so.mapped_column(sa.String(6))
    house_number: so.Mapped[int]
    house_number_addition: so.Mapped[str | None] = so.mapped_column(sa.String(6))
    street: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    city: so.Mapped[str | None] = so.mapped_column(sa.String(80))

    person: so.Mapped[Person] = so.relationship(back_populates="addresses")


class PersonLink(db.Model):
    """The person in one case or one report, in a role (the case parties' roles)."""

    __tablename__ = "person_links"
    __table_args__ = (
        sa.CheckConstraint(ONE_OWNER, name="person_link_one_owner"),
        # Once per role in a case or a report (a plain unique constraint would let NULLs repeat).
        sa.Index("uq_person_links_case", "person_id", "case_id", "role", unique=True,
                 postgresql_where=IN_CASE, sqlite_where=IN_CASE),
        sa.Index("uq_person_links_report", "person_id", "report_id", "role", unique=True,
                 postgresql_where=IN_REPORT, sqlite_where=IN_REPORT),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id"), index=True)
    case_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("cases.id"), index=True)
    report_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("reports.id"), index=True)
    role: so.Mapped[str] = so.mapped_column(enum_column(*PARTY_ROLES, name="person_role"))
    added_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    added_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    person: so.Mapped[Person] = so.relationship(back_populates="links")
    case: so.Mapped[Optional["Case"]] = so.relationship()
    report: so.Mapped[Optional["Report"]] = so.relationship()


class PersonEvent(EventMixin, db.Model):
    """Append-only history of a person: registered, linked, unlinked, changed, merged."""

    __tablename__ = "person_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    person_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("people.id"), index=True)

    person: so.Mapped[Person] = so.relationship(back_populates="events")
