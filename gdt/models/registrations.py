"""A chain partner's registration of a case with the team (aanmelding door ketenpartner)."""

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import db
from gdt.models.mixins import TimestampMixin
from gdt.models.partners import Partner
from gdt.models.reports import Report

registration_partners = sa.Table(
    "registration_partners", db.metadata,
    sa.Column("registration_id", sa.ForeignKey("partner_registrations.id"), primary_key=True),
    sa.Column("partner_id", sa.ForeignKey("partners.id"), primary_key=True),
)


class PartnerRegistration(TimestampMixin, db.Model):
    """What only a partner registration has; its Report (channel `partner`) carries address, status, triage."""

    __tablename__ = "partner_registrations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reports.id"), unique=True)
    partner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partners.id"), index=True)  # who registers
    registrant_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    registrant_function: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    registrant_email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    registrant_phone: so.Mapped[str | None] = so.mapped_column(sa.String(30))
    concerned_name: so.Mapped[str | None] = so.mapped_column(sa.String(120))  # the person the concern is about
    reason: so.Mapped[str] = so.mapped_column(sa.Text)
    already_tried: so.Mapped[str | None] = so.mapped_column(sa.Text)

    report: so.Mapped[Report] = so.relationship(back_populates="registration")
    partner: so.Mapped[Partner] = so.relationship(foreign_keys=[partner_id])
    involved_partners: so.Mapped[list[Partner]] = so.relationship(secondary=registration_partners,
                                                                   order_by=Partner.name)
