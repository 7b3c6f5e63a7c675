"""Retention (docs/domain.md, "Retention and destruction"): the archivist's rules, legal holds and destruction lists.

A rule says how long something is kept after its retention starts and what happens then (destroy, or keep for
the archive). A case's date is fixed when it closes, as the ZGW Zaken API fixes `archiefactiedatum`: a later change
of a rule applies to what closes afterwards. Destruction keeps the `reports` and `cases` rows with their keys
(dates, category, channel, area, outcome, mode, result) and removes every piece of content, so every statistic of
every year stays the same; the list item is the content-free record of what was destroyed, under whose approval.
"""
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, enum_column, utcnow
from gdt.models.users import User

# What a rule applies to, and its key:
#   case_result   a closed case, per case result key (CaseResult.key); "*" for results without a rule of their own;
#                 counted from closing; the case's reports and everything in it go with it
#   case_merged   a case merged into another (key ""), counted from the merge
#   report        a report the team did not take on, per kind: "referred" (a resident's report referred to a
#                 partner) or "partner_registration" (a partner's registration referred back or on); counted from
#                 the partner's handling of the referral, or from the referral when the partner never answered
#   contact       the reporter's name, e-mail and phone (key ""), counted from the report's handling
#   attachments   photos and sound of a report (key ""), counted from the report's handling
#   audit         the audit trail (key ""), counted from the day of the event
RULE_KINDS = ("case_result", "case_merged", "report", "contact", "attachments", "audit")
REPORT_RULE_KEYS = ("referred", "partner_registration")
NOMINATIONS = ("destroy", "keep")  # archiefnominatie: vernietigen / blijvend bewaren
LIST_KINDS = ("records", "audit")  # cases and reports; the audit trail (whole days)
LIST_STATUSES = ("proposed", "approved", "executed")
ITEM_TYPES = ("case", "report", "audit_day")


class RetentionRule(db.Model):
    __tablename__ = "retention_rules"
    __table_args__ = (
        sa.UniqueConstraint("kind", "key"),
        sa.CheckConstraint("months >= 1 AND months <= 1200", name="months_range"),
        # Only a case result may be kept for the archive; contact details, files and logs are always destroyed.
        sa.CheckConstraint("nomination = 'destroy' OR kind = 'case_result'", name="keep_only_case_results"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(enum_column(*RULE_KINDS, name="retention_rule_kind"))
    key: so.Mapped[str] = so.mapped_column(sa.String(40), server_default="")
    months: so.Mapped[int]  # the retention period (bewaartermijn)
    nomination: so.Mapped[str] = so.mapped_column(enum_column(*NOMINATIONS, name="archive_nomination"),
                                                  default="destroy")
    # Where the period comes from, e.g. "Selectielijst gemeenten 2020, 6.1 Verzoeken behandelen – ingewilligd".
    source: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    updated_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))


class LegalHold(db.Model):
    """A case that must not be destroyed or anonymised (a court case, a complaint, an enquiry) until lifted."""

    __tablename__ = "legal_holds"
    __table_args__ = (
        # The holds in force on a case: what destruction and anonymisation check.
        sa.Index("ix_legal_holds_case_id_lifted_at", "case_id", "lifted_at"),
        sa.CheckConstraint("(lifted_at IS NULL) = (lifted_by_id IS NULL)", name="lifted_has_actor"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    case_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("cases.id"))
    reason: so.Mapped[str] = so.mapped_column(sa.String(500))
    placed_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    placed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    until: so.Mapped[date | None] = so.mapped_column(sa.Date)  # None: until lifted; a past day: no longer in force
    lifted_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    lifted_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    placed_by: so.Mapped[User] = so.relationship(foreign_keys=[placed_by_id])
    lifted_by: so.Mapped[User | None] = so.relationship(foreign_keys=[lifted_by_id])


class DestructionList(db.Model):
    """A list of what is past its date: proposed (nightly, or `flask retention propose`), reviewed and approved by
    the archivist, then executed. Kept for good once executed, as the destruction statement's source."""

    __tablename__ = "destruction_lists"
    __table_args__ = (
        sa.CheckConstraint("(status = 'proposed') = (approved_at IS NULL)", name="approved_unless_proposed"),
        sa.CheckConstraint("(status = 'executed') = (executed_at IS NOT NULL)", name="executed_has_time"),
        sa.CheckConstraint("approved_at IS NULL OR approved_by_id IS NOT NULL", name="approved_has_actor"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    kind: so.Mapped[str] = so.mapped_column(enum_column(*LIST_KINDS, name="destruction_list_kind"))
    status: so.Mapped[str] = so.mapped_column(enum_column(*LIST_STATUSES, name="destruction_list_status"),
                                              default="proposed")
    as_of: so.Mapped[date] = so.mapped_column(sa.Date)  # what was past its date on this day
    proposed_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    proposed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))  # None: the nightly task
    approved_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    approved_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    executed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    proposed_by: so.Mapped[User | None] = so.relationship(foreign_keys=[proposed_by_id])
    approved_by: so.Mapped[User | None] = so.relationship(foreign_keys=[approved_by_id])
    items: so.Mapped[list["DestructionItem"]] = so.relationship(back_populates="destruction_list",
                                                                 order_by="DestructionItem.id")

    @property
    def reference(self) -> str:
        return f"VL-{self.as_of.year}-{self.id:04d}"


class DestructionItem(db.Model):
    """One case, report or audit day on a list, and after execution the content-free record of it."""

    __tablename__ = "destruction_items"
    __table_args__ = (
        sa.UniqueConstraint("list_id", "object_type", "object_id"),
        sa.Index("ix_destruction_items_object", "object_type", "object_id"),
        sa.CheckConstraint("(excluded_at IS NULL) = (exclusion_reason IS NULL)", name="excluded_has_reason"),
        sa.CheckConstraint("excluded_at IS NULL OR destroyed_at IS NULL", name="excluded_not_destroyed"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    list_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("destruction_lists.id"))
    object_type: so.Mapped[str] = so.mapped_column(enum_column(*ITEM_TYPES, name="destruction_item_type"))
    object_id: so.Mapped[int]  # a case's or report's id; an audit day as yyyymmdd
    # The content-free record: what it was, never what it said.
    reference: so.Mapped[str] = so.mapped_column(sa.String(40))
    received_on: so.Mapped[date | None] = so.mapped_column(sa.Date)
    closed_on: so.Mapped[date | None] = so.mapped_column(sa.Date)  # retention started (closing, handling)
    due_on: so.Mapped[date] = so.mapped_column(sa.Date)
    category_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("categories.id"))
    channel: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    wijk_code: so.Mapped[str | None] = so.mapped_column(sa.String(10))
    buurt_code: so.Mapped[str | None] = so.mapped_column(sa.String(10))
    outcome: so.Mapped[str | None] = so.mapped_column(sa.String(20))  # a report's triage outcome
    mode: so.Mapped[str | None] = so.mapped_column(sa.String(20))  # a case's mode
    result: so.Mapped[str | None] = so.mapped_column(sa.String(40))  # a case's result
    report_count: so.Mapped[int] = so.mapped_column(default=0)  # a case's reports; an audit day's events
    excluded_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    excluded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    exclusion_reason: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    destroyed_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # Stored files still to delete from disk after the content's removal committed (generated names, no content):
    # a run stopped in between deletes them when it resumes.
    pending_files: so.Mapped[list[str] | None] = so.mapped_column(sa.JSON)

    destruction_list: so.Mapped[DestructionList] = so.relationship(back_populates="items")
    excluded_by: so.Mapped[User | None] = so.relationship(foreign_keys=[excluded_by_id])
