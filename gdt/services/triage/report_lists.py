"""The report lists of the pages: the intake queue and "my reports", with one set of columns, filters and orders.

Every list starts from `access.visible_reports`, so a row is listed only when its page opens for the viewer:
a coordinator sees every untriaged report (within the team limit), an intake clerk the ones they registered,
never a row that would answer 403 (docs/domain.md, "Roles and need-to-know"). How many others wait is told
as a number.

Each row carries what the columns show, gathered for a whole page at once (no query per row): the deadline
in working days (`deadlines.item_deadline`), the claim that holds (`claims`), the coordinator (the claim's
holder while the report waits, else who triaged it) and, for coordinators, whether a case is open at the
address.
"""
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from sqlalchemy.orm import selectinload

from gdt.db import db, utcnow
from gdt.models import Category, Report, ReportClaim, User
from gdt.models.reports import CHANNELS
from gdt.services.core import access, deadlines
from gdt.services.core.list_order import Orders, Sort, direction, nulls_last
from gdt.services.intake import report_intake
from gdt.services.triage import claims

AGES = ("1", "2", "3", "overdue")  # older than 1, 2, 3 working days; past the triage deadline
CLAIM_CHOICES = ("free", "mine")  # nobody holds it; I hold it


@dataclass(frozen=True)
class QueueFilter:
    category: str | None = None  # a category key
    channel: str | None = None
    age: str | None = None  # one of AGES
    claim: str | None = None  # one of CLAIM_CHOICES

    @property
    def is_active(self) -> bool:
        return self != QueueFilter()

    def as_args(self) -> dict[str, str]:
        """The query-string form of the values that are set, for links that keep the filter."""
        return {name: value for name, value in vars(self).items() if value is not None}


def parse_filter(args: Mapping[str, str], *, category_keys: Sequence[str]) -> QueueFilter:
    """Read the queue filter from request args; a value it does not offer is left out, never an error."""
    def choice(name: str, allowed: Sequence[str]) -> str | None:
        value = args.get(name)
        value = value.strip() if isinstance(value, str) else None
        return value if value in allowed else None

    return QueueFilter(category=choice("category", category_keys), channel=choice("channel", CHANNELS),
                       age=choice("age", AGES), claim=choice("claim", CLAIM_CHOICES))


def _by_reference(query: sa.Select, descending: bool) -> sa.Select:
    return query.order_by(direction(Report.reference, descending), direction(Report.id, descending))


def _by_address(query: sa.Select, descending: bool) -> sa.Select:
    street = sa.func.coalesce(Report.street, Report.postcode)
    return query.order_by(direction(street, descending), direction(Report.house_number, descending),
                          *nulls_last(Report.house_number_addition, descending), direction(Report.id, descending))


def _by_category(query: sa.Select, descending: bool) -> sa.Select:
    return (query.join(Category, Category.id == Report.category_id)
            .order_by(direction(Category.label, descending), direction(Report.id, descending)))


def _by_received(query: sa.Select, descending: bool) -> sa.Select:
    return query.order_by(direction(Report.received_at, descending), direction(Report.id, descending))


def _by_deadline(query: sa.Select, descending: bool) -> sa.Select:
    """Reports still waiting for triage first, by their deadline; the triaged ones after, newest first."""
    waiting = sa.case((Report.status == "received", 0), else_=1)
    return query.order_by(waiting, *nulls_last(Report.triage_due_at, descending), Report.received_at.desc(),
                          direction(Report.id, descending))


def _by_coordinator(query: sa.Select, descending: bool) -> sa.Select:
    """By the name the column shows: the claim's holder while it holds, else who triaged; none last."""
    claim, holder, triager = so.aliased(ReportClaim), so.aliased(User), so.aliased(User)
    query = (query.outerjoin(claim, sa.and_(claim.report_id == Report.id, Report.status == "received",
                                            claims.holds(claim.claimed_at)))
             .outerjoin(holder, holder.id == claim.user_id)
             .outerjoin(triager, triager.id == Report.triaged_by_id))
    return query.order_by(*nulls_last(sa.func.coalesce(holder.name, triager.name), descending),
                          direction(Report.id, descending))


ORDERS = Orders({"reference": _by_reference, "address": _by_address, "category": _by_category,
                 "received": _by_received, "deadline": _by_deadline, "coordinator": _by_coordinator},
                default=Sort("deadline"))


def queue(actor: User, queue_filter: QueueFilter, sort: Sort, now: datetime | None = None) -> sa.Select:
    """The untriaged reports `actor` may open, filtered; by default the most urgent (earliest deadline) first."""
    now = now or utcnow()
    found = access.visible_reports(actor).where(Report.status == "received")
    if queue_filter.category:
        found = found.where(Report.category_id == sa.select(Category.id).where(Category.key == queue_filter.category)
                            .scalar_subquery())
    if queue_filter.channel:
        found = found.where(Report.channel == queue_filter.channel)
    if queue_filter.age == "overdue":
        found = found.where(Report.triage_due_at < now)
    elif queue_filter.age:
        found = found.where(Report.received_at < deadlines.received_before_working_days(int(queue_filter.age), now))
    if queue_filter.claim:
        held = sa.select(ReportClaim.report_id).where(claims.holds(ReportClaim.claimed_at, now))
        found = (found.where(Report.id.not_in(held)) if queue_filter.claim == "free"
                 else found.where(Report.id.in_(held.where(ReportClaim.user_id == actor.id))))
    return _with_columns(ORDERS.apply(found, sort))


def registered_by(actor: User, sort: Sort) -> sa.Select:
    """The reports `actor` registered (intake's "Mijn meldingen"), every status."""
    return _with_columns(ORDERS.apply(sa.select(Report).where(Report.registered_by_id == actor.id), sort))


def waiting_elsewhere(actor: User) -> int:
    """How many untriaged reports wait that are not in `actor`'s queue (for intake: not registered by them; a
    coordinator's queue holds every untriaged report, none of which is in a case)."""
    if access.can_triage(actor):
        return 0
    mine = access.visible_reports(actor).where(Report.status == "received").with_only_columns(Report.id)
    return db.session.scalar(sa.select(sa.func.count()).select_from(Report)
                             .where(Report.status == "received", Report.id.not_in(mine))) or 0


def _with_columns(query: sa.Select) -> sa.Select:
    """Load what the columns show with the page: a fixed number of queries, whatever the page size."""
    return query.options(selectinload(Report.category), selectinload(Report.triaged_by),
                         selectinload(Report.claim).selectinload(ReportClaim.user))


@dataclass(frozen=True)
class ReportRow:
    report: Report
    deadline: deadlines.DeadlineState | None
    claim: claims.Claim | None
    coordinator: str | None  # the claim's holder while it holds, else who triaged it
    open_case_at_address: bool  # only ever True for a viewer who may know it (a coordinator)

    @property
    def address(self) -> str:
        return self.report.display_address


def rows(reports: Sequence[Report], *, actor: User, now: datetime | None = None) -> list[ReportRow]:
    now = now or utcnow()
    flagged = (report_intake.reports_with_open_case_at_address([report.id for report in reports])
               if access.can_triage(actor) else set())
    result = []
    for report in reports:
        claim = claims.current(report, now)
        coordinator = claim.holder_name if claim else (report.triaged_by.name if report.triaged_by else None)
        result.append(ReportRow(report, deadlines.item_deadline(report, now), claim, coordinator,
                                report.id in flagged))
    return result
