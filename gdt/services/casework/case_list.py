"""The coordinators' filterable list of all cases: a filter read from the query string and the query it makes.

The filter is forgiving: anything it does not understand (an unknown status, a date that is no date, an id
that is no coordinator) is left out, so a hand-edited or stale link shows the list rather than an error.

The query stays fast at 100 000 cases (bench/cases.py, figures in bench/README.md): it orders by
(opened_at, id), which `ix_cases_opened_at_id` walks backwards (the other filters are checked on the
way, so a first page reads a few dozen entries) and uses as a range for the period; the partner filter
reads `ix_case_partners_partner_id_case_id`.
"""
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from gdt.db import AMSTERDAM, db, utcnow
from gdt.models import Case, CasePartner, Meeting, Partner, User
from gdt.services.core import access, pagination

STATUSES = ("open", "closed")
MODES = ("advice", "regie", "undecided")  # "undecided": no mode chosen yet (mode IS NULL)
UNASSIGNED = "none"  # the coordinator filter's value for cases without a coordinator
MAX_PAGE = pagination.MAX_PAGE

_ID = re.compile(r"[1-9][0-9]{0,9}")
_KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MAX_ID = 2**31 - 1  # an INTEGER column: a larger number would be a database error, not "no match"


@dataclass(frozen=True)
class CaseFilter:
    status: str | None = None  # open | closed
    mode: str | None = None  # advice | regie | undecided
    coordinator: int | str | None = None  # a user id, or UNASSIGNED
    partner: str | None = None  # a partner key: cases in which that partner is involved
    opened_from: date | None = None  # local (Amsterdam) dates, both inclusive
    opened_to: date | None = None

    @property
    def is_active(self) -> bool:
        return self != CaseFilter()

    def as_args(self) -> dict[str, str]:
        """The query-string form (as `parse` reads it) of the values that are set, for links that keep the filter."""
        values = {"status": self.status, "mode": self.mode, "coordinator": self.coordinator, "partner": self.partner,
                  "from": self.opened_from, "to": self.opened_to}
        return {name: value.isoformat() if isinstance(value, date) else str(value)
                for name, value in values.items() if value is not None}


def parse(args: Mapping[str, str], *, coordinator_ids: Collection[int] | None = None,
          partner_keys: Collection[str] | None = None) -> CaseFilter:
    """Read a filter from request args; invalid values are ignored, never an error.

    With `coordinator_ids` / `partner_keys` only those choices are accepted (the ones the form offers).
    """
    status = _choice(args.get("status"), STATUSES)
    mode = _choice(args.get("mode"), MODES)
    coordinator = _text(args.get("coordinator"))
    if coordinator != UNASSIGNED:
        coordinator = int(coordinator) if coordinator and _ID.fullmatch(coordinator) else None
        if coordinator is not None and (coordinator > _MAX_ID
                                        or (coordinator_ids is not None and coordinator not in coordinator_ids)):
            coordinator = None
    partner = _text(args.get("partner"))
    if not partner or not _KEY.fullmatch(partner) or (partner_keys is not None and partner not in partner_keys):
        partner = None
    return CaseFilter(status=status, mode=mode, coordinator=coordinator, partner=partner,
                      opened_from=_date(args.get("from")), opened_to=_date(args.get("to")))


def page_number(args: Mapping[str, str]) -> int:
    """The `page` argument, read by the rule every list uses (gdt.services.core.pagination.page_number)."""
    return pagination.page_number(args.get("page"))


def query(actor: User, case_filter: CaseFilter) -> sa.Select:
    """The cases `actor` may see (never merged ones) that match the filter, newest first.

    Ordered by (opened_at, id) descending: unique and stable, so pages neither repeat nor skip a case,
    and the same order a keyset ("after this case") page would use.
    """
    found = access.visible_cases(actor)
    if case_filter.status:
        found = found.where(Case.status == case_filter.status)
    if case_filter.mode == "undecided":
        found = found.where(Case.mode.is_(None))
    elif case_filter.mode:
        found = found.where(Case.mode == case_filter.mode)
    if case_filter.coordinator == UNASSIGNED:
        found = found.where(Case.coordinator_id.is_(None))
    elif case_filter.coordinator is not None:
        found = found.where(Case.coordinator_id == case_filter.coordinator)
    if case_filter.partner:
        # The partner's id as a literal (one primary-key lookup first), so the planner sees its real share.
        partner_id = db.session.scalar(sa.select(Partner.id).where(Partner.key == case_filter.partner))
        found = found.where(Case.id.in_(sa.select(CasePartner.case_id).where(CasePartner.partner_id == partner_id))
                            if partner_id is not None else sa.false())
    if case_filter.opened_from:
        found = found.where(Case.opened_at >= local_midnight(case_filter.opened_from))
    if case_filter.opened_to:
        found = found.where(Case.opened_at < local_midnight(case_filter.opened_to + timedelta(days=1)))
    return found.options(selectinload(Case.coordinator)).order_by(Case.opened_at.desc(), Case.id.desc())


def next_meetings(cases: Iterable[Case]) -> dict[int, datetime]:
    """The next planned meeting per case, for one page of cases in one query (not one per row)."""
    ids = [case.id for case in cases]
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Meeting.case_id, sa.func.min(Meeting.starts_at))
        .where(Meeting.case_id.in_(ids), Meeting.status == "planned", Meeting.starts_at >= utcnow())
        .group_by(Meeting.case_id))
    return dict(rows.all())


def coordinator_choices() -> list[User]:
    """Everyone with the coordinator role, former (inactive) ones too: their cases are still in the list."""
    return list(db.session.scalars(sa.select(User).where(User.role == "coordinator")
                                   .order_by(User.is_active.desc(), User.name, User.id)))


def partner_choices() -> list[Partner]:
    """Every partner, inactive ones too: they were involved in older cases."""
    return list(db.session.scalars(sa.select(Partner).order_by(Partner.is_active.desc(), Partner.name)))


def local_midnight(day: date) -> datetime:
    """The start of `day` in Amsterdam, as an aware UTC moment."""
    return datetime.combine(day, time(), tzinfo=AMSTERDAM).astimezone(UTC)


def _text(value) -> str | None:
    return value.strip() if isinstance(value, str) else None


def _choice(value, allowed: tuple[str, ...]) -> str | None:
    value = _text(value)
    return value if value in allowed else None


def _date(value) -> date | None:
    value = _text(value)
    if not value or not _DATE.fullmatch(value):
        return None
    try:
        day = date.fromisoformat(value)
        local_midnight(day), local_midnight(day + timedelta(days=1))  # both ends must exist as UTC moments
    except (ValueError, OverflowError):
        return None
    return day
