"""A report (melding) from any channel, its triage decision and its history."""
import secrets
from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, enum_column, utcnow
from gdt.models.mixins import EventMixin, TimestampMixin, VersionedMixin
from gdt.models.partners import Partner
from gdt.models.reference_data import Category
from gdt.models.users import User
from workflows import TRIAGE_OUTCOMES, ReportLifecycle

if TYPE_CHECKING:
    from gdt.models.attachments import Attachment
    from gdt.models.cases import Case
    from gdt.models.referrals import Referral
    from gdt.models.registrations import PartnerRegistration
    from gdt.models.retention import DestructionList

CHANNELS = ("app", "webform", "phone", "partner")
RESIDENT_CHANNELS = ("app", "webform", "phone")
PARTNER_CHANNEL = sa.text("channel = 'partner'")
NOT_DESTROYED = sa.text("destroyed_at IS NULL")
DESTROYED_TEXT = "—"  # shown where a destroyed report's address was (lists keep their rows)
CONTACT_HELD = sa.text("contact_removed_at IS NULL AND destroyed_at IS NULL")
LOCATED = sa.text("rd_x IS NOT NULL")
REPORT_STATUSES = tuple(ReportLifecycle.states_map)  # the workflow is the one list of states


class Report(TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "reports"
    __table_args__ = (
        sa.CheckConstraint("house_number BETWEEN 1 AND 99999", name="house_number_range"),
        sa.CheckConstraint(
            "(status = 'received' AND triage_outcome IS NULL) OR (status <> 'received' AND triage_outcome IS NOT NULL)",
            name="triaged_unless_received",
        ),
        sa.CheckConstraint("triage_outcome IS NULL OR triaged_at IS NOT NULL", name="triage_has_time"),
        sa.CheckConstraint(
            "COALESCE(triage_outcome, '') <> 'referred' OR referred_partner_id IS NOT NULL", name="referred_has_partner"
        ),
        sa.CheckConstraint(
            "referred_partner_id IS NULL OR COALESCE(triage_outcome, '') = 'referred'", name="partner_only_if_referred"
        ),
        sa.CheckConstraint(
            "COALESCE(triage_outcome, '') <> 'escalated' OR case_id IS NOT NULL", name="escalated_has_case"
        ),
        sa.CheckConstraint(
            "NOT reporter_is_anonymous OR (reporter_name IS NULL AND reporter_email IS NULL AND reporter_phone IS NULL "
            "AND NOT reporter_may_contact)",
            name="anonymous_has_no_details",
        ),
        # Destruction keeps the row with its keys and removes the address (docs/domain.md, "Retention").
        sa.CheckConstraint("destroyed_at IS NOT NULL OR (postcode IS NOT NULL AND house_number IS NOT NULL)",
                           name="address_unless_destroyed"),
        sa.Index("ix_reports_queue", "status", "received_at"),
        # What the nightly retention run looks for: reports past their date, contact details still held.
        sa.Index("ix_reports_destruction_due_on", "destruction_due_on", postgresql_where=NOT_DESTROYED,
                 sqlite_where=NOT_DESTROYED),
        sa.Index("ix_reports_contact_pending", "triaged_at", postgresql_where=CONTACT_HELD,
                 sqlite_where=CONTACT_HELD),
        # Reports at an address (the triage page's history, bundling) and, with the time of receipt and what the rule
        # needs, "a new report at this address within a year" (gdt.services.reporting.recurrence) from the index alone.
        sa.Index("ix_reports_address_received", "postcode", "house_number", "received_at",
                 postgresql_include=["case_id", "bag_id", "house_number_addition"]),
        sa.Index("ix_reports_bag_id_received", "bag_id", "received_at", postgresql_include=["case_id"]),
        # "In de buurt" and the map's view: a range on RD metres first, the exact distance after (no PostGIS).
        sa.Index("ix_reports_location", "rd_x", "rd_y"),
        # The map's grouping (gdt.services.geo.map_data, bench/map.py): the open reports with a place, read from the
        # index alone on PostgreSQL (the id of a single report, the filters' and the team rule's columns included).
        sa.Index("ix_reports_map", "status", "rd_x", "rd_y",
                 postgresql_include=["id", "lat", "lon", "category_id", "received_at", "case_id"],
                 postgresql_where=LOCATED, sqlite_where=LOCATED),
        # Covers the yearly statistics: an index-only scan per year range.
        sa.Index("ix_reports_statistics", "received_at", "channel", "triage_outcome", "referred_partner_id"),
        # Partner registrations are not tallied (gdt.models.tallies): /metrics counts them along this index.
        sa.Index("ix_reports_partner_registrations", "triage_outcome", postgresql_where=PARTNER_CHANNEL,
                 sqlite_where=PARTNER_CHANNEL),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    reference: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    channel: so.Mapped[str] = so.mapped_column(enum_column(*CHANNELS, name="report_channel"))
    received_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    status: so.Mapped[str] = so.mapped_column(enum_column(*REPORT_STATUSES, name="report_status"))
    category_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("categories.id"))
    description: so.Mapped[str | None] = so.mapped_column(sa.Text)  # as the reporter sent it: never changed
    # The team's correction of the description before triage (intake.report_corrections); None: none in force.
    description_corrected: so.Mapped[str | None] = so.mapped_column(sa.Text)

    postcode: so.Mapped[str | None] = so.mapped_column(sa.String(6))  # None only once destroyed
    house_number: so.Mapped[int | None]
    house_number_addition: so.Mapped[str | None] = so.mapped_column(sa.String(6))
    street: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    city: so.Mapped[str | None] = so.mapped_column(sa.String(80))
    # From the address service when it answered (BAG nummeraanduiding id, CBS wijk/buurt); None when typed by hand.
    bag_id: so.Mapped[str | None] = so.mapped_column(sa.String(16))  # indexed with received_at (table args)
    wijk_code: so.Mapped[str | None] = so.mapped_column(sa.String(10))
    buurt_code: so.Mapped[str | None] = so.mapped_column(sa.String(10))
    # Where the address is, from the same answer (gdt.services.geo): WGS84 degrees for the map, RD New (EPSG:28992)
    # metres for distances. None when typed by hand or not yet located; cleared with the address on destruction.
    lat: so.Mapped[float | None] = so.mapped_column(sa.Float)
    lon: so.Mapped[float | None] = so.mapped_column(sa.Float)
    rd_x: so.Mapped[float | None] = so.mapped_column(sa.Float)
    rd_y: so.Mapped[float | None] = so.mapped_column(sa.Float)

    reporter_is_anonymous: so.Mapped[bool] = so.mapped_column(default=False)
    reporter_name: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    reporter_email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    reporter_phone: so.Mapped[str | None] = so.mapped_column(sa.String(30))
    reporter_may_contact: so.Mapped[bool] = so.mapped_column(default=False)

    triage_outcome: so.Mapped[str | None] = so.mapped_column(enum_column(*TRIAGE_OUTCOMES, name="triage_outcome"))
    triage_reason: so.Mapped[str | None] = so.mapped_column(sa.Text)
    triaged_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    triaged_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    referred_partner_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("partners.id"))
    case_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("cases.id"), index=True)
    registered_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    api_client_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("api_clients.id"))
    reporter_token_hash: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)  # public status
    # Signed into every link to the resident's page (gdt.services.core.resident_links); a new one revokes them all.
    resident_link_nonce: so.Mapped[str | None] = so.mapped_column(sa.String(32), default=lambda: secrets.token_hex(16))
    # Retention (gdt.services.retention): the reporter's contact details and the files removed on their own
    # schedule; the day the report is due for destruction (None: not yet handled, or it goes with its case); and
    # once destroyed, when and under which list (the row stays, content-free, so the statistics stay the same).
    contact_removed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    attachments_removed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    destruction_due_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    destroyed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    destruction_list_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("destruction_lists.id"))
    # Deadline fixed when the clock starts (receipt, or a partner's return): a later norm change rewrites nothing.
    triage_due_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    reporter_notified_status: so.Mapped[str | None] = so.mapped_column(sa.String(20))  # last public status mailed

    category: so.Mapped[Category] = so.relationship()
    referred_partner: so.Mapped[Partner | None] = so.relationship()
    triaged_by: so.Mapped[User | None] = so.relationship(foreign_keys=[triaged_by_id])
    registered_by: so.Mapped[User | None] = so.relationship(foreign_keys=[registered_by_id])
    case: so.Mapped[Optional["Case"]] = so.relationship(back_populates="reports")
    events: so.Mapped[list["ReportEvent"]] = so.relationship(
        back_populates="report", order_by="ReportEvent.id", cascade="all, delete-orphan"
    )
    attachments: so.Mapped[list["Attachment"]] = so.relationship(back_populates="report", order_by="Attachment.id")
    registration: so.Mapped[Optional["PartnerRegistration"]] = so.relationship(back_populates="report")
    referrals: so.Mapped[list["Referral"]] = so.relationship(back_populates="report", order_by="Referral.id")
    # Read only: claims are written as rows of their own (gdt/services/triage/claims.py), never through the
    # report, so taking or releasing a claim changes neither the report's version nor its updated_at.
    claim: so.Mapped[Optional["ReportClaim"]] = so.relationship(viewonly=True, uselist=False)
    destruction_list: so.Mapped[Optional["DestructionList"]] = so.relationship()  # None: erased on request

    @property
    def display_postcode(self) -> str:
        return f"{self.postcode[:4]} {self.postcode[4:]}" if self.postcode else DESTROYED_TEXT

    @property
    def display_house_number(self) -> str:
        if self.house_number is None:
            return DESTROYED_TEXT
        return f"{self.house_number}{('-' + self.house_number_addition) if self.house_number_addition else ''}"

    @property
    def display_address(self) -> str:
        if self.destroyed_at is not None:
            return DESTROYED_TEXT
        street = f"{self.street} " if self.street else ""
        city = f" {self.city}" if self.city else ""
        return f"{street}{self.display_house_number}, {self.display_postcode}{city}"

    def __repr__(self) -> str:
        return f"<Report {self.reference} {self.status}>"


class ReportEvent(EventMixin, db.Model):
    """Append-only history: who did what when, from which status to which."""

    __tablename__ = "report_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reports.id"), index=True)

    report: so.Mapped[Report] = so.relationship(back_populates="events")


class ReportClaim(db.Model):
    """A coordinator took a report to triage ("Ik pak deze op"); colleagues see it, and only that coordinator may
    triage the report until the claim is released or lapses (CLAIM_MINUTES, gdt/services/triage/claims.py).

    One row per report at most (the primary key): of two simultaneous claims exactly one is stored.
    """

    __tablename__ = "report_claims"

    report_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    claimed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)

    user: so.Mapped[User] = so.relationship()
