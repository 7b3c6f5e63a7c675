"""The coordinators' filterable list of all cases: a filter read from the query string, the query it makes, its
orders and what each row shows.

The filter is forgiving: anything it does not understand (an unknown status, a date that is no date, an id
that is no coordinator) is left out, so a hand-edited or stale link shows the list rather than an error.

Columns: reference, address and category (of the case's reports: the first one's address, and every
category among them), opened, the deadlines in working days (`deadlines.item_deadline`: the review, and the
open actions), coordinator. The default order is the most urgent first: open cases before closed ones, by
their earliest deadline (review or open action), so overdue work leads. A page's rows are completed with a
fixed number of queries (`rows`), never one per case.

The list stays fast at 100 000 cases (bench/cases.py, figures in bench/README.md): `page_of` reads the default
order in two parts, the few open cases sorted and then the closed ones by (opened_at, id), which
`ix_cases_opened_at_id` walks backwards (the other filters are checked on the way) and uses as a range for the
period; other orders sort the ids alone, and only the page's cases are loaded whole. The partner filter reads
`ix_case_partners_partner_id_case_id`.
"""
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import selectinload

from gdt.db import AMSTERDAM, db, utcnow
from gdt.models import Action, Case, CasePartner, Category, Meeting, Partner, Report, User
from gdt.services.core import access, deadlines, pagination
from gdt.services.core.list_order import Orders, Sort, direction, nulls_last

STATUSES = ("open", "closed")
MODES = ("advice", "regie", "undecided")  # "undecided": no mode chosen yet (mode IS NULL)
UNASSIGNED = "none"  # the coordinator filter's value for cases without a coordinator
OVERDUE = ("any", "review", "actions")  # something, the review, an open action past its deadline
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
    category: str | None = None  # a category key: cases with a report of that category
    overdue: str | None = None  # one of OVERDUE
    opened_from: date | None = None  # local (Amsterdam) dates, both inclusive
    opened_to: date | None = None

    @property
    def is_active(self) -> bool:
        return self != CaseFilter()

    def as_args(self) -> dict[str, str]:
        """The query-string form (as `parse` reads it) of the values that are set, for links that keep the filter."""
        values = {"status": self.status, "mode": self.mode, "coordinator": self.coordinator, "partner": self.partner,
                  "category": self.category, "overdue": self.overdue, "from": self.opened_from, "to": self.opened_to}
        return {name: value.isoformat() if isinstance(value, date) else str(value)
                for name, value in values.items() if value is not None}


def parse(args: Mapping[str, str], *, coordinator_ids: Collection[int] | None = None,
          partner_keys: Collection[str] | None = None, category_keys: Collection[str] | None = None) -> CaseFilter:
    """Read a filter from request args; invalid values are ignored, never an error.

    With `coordinator_ids` / `partner_keys` / `category_keys` only those choices are accepted (the ones the form
    offers).
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
    category = _text(args.get("category"))
    if not category or not _KEY.fullmatch(category) or (category_keys is not None and category not in category_keys):
        category = None
    return CaseFilter(status=status, mode=mode, coordinator=coordinator, partner=partner, category=category,
                      overdue=_choice(args.get("overdue"), OVERDUE),
                      opened_from=_date(args.get("from")), opened_to=_date(args.get("to")))


def page_number(args: Mapping[str, str]) -> int:
    """The `page` argument, read by the rule every list uses (gdt.services.core.pagination.page_number)."""
    return pagination.page_number(args.get("page"))


def _first_report(column) -> sa.ScalarSelect:
    """SQL: `column` of the case's first report (its address and category stand for the case in the list)."""
    return (sa.select(column).where(Report.case_id == Case.id).order_by(Report.received_at, Report.id).limit(1)
            .correlate(Case).scalar_subquery())


def _open_actions_due() -> sa.Subquery:
    """Per case: the earliest deadline among its open actions."""
    return (sa.select(Action.case_id, sa.func.min(Action.due_at).label("due_at"))
            .where(Action.status == "open").group_by(Action.case_id).subquery())


def _by_reference(query: sa.Select, descending: bool) -> sa.Select:
    return query.order_by(direction(Case.reference, descending), direction(Case.id, descending))


def _by_address(query: sa.Select, descending: bool) -> sa.Select:
    street = _first_report(sa.func.coalesce(Report.street, Report.postcode))
    return query.order_by(*nulls_last(street, descending), direction(_first_report(Report.house_number), descending),
                          direction(Case.id, descending))


def _by_category(query: sa.Select, descending: bool) -> sa.Select:
    label = (sa.select(Category.label).join(Report, Report.category_id == Category.id).where(Report.case_id == Case.id)
             .order_by(Report.received_at, Report.id).limit(1).correlate(Case).scalar_subquery())
    return query.order_by(*nulls_last(label, descending), direction(Case.id, descending))


def _by_opened(query: sa.Select, descending: bool) -> sa.Select:
    return query.order_by(direction(Case.opened_at, descending), direction(Case.id, descending))


def _by_deadline(query: sa.Select, descending: bool) -> sa.Select:
    """Open cases first, by their earliest deadline (the review or an open action); closed ones after, newest
    first. Overdue work leads: its deadline lies in the past."""
    actions_due = _open_actions_due()
    action_first = sa.and_(actions_due.c.due_at.is_not(None),
                           sa.or_(Case.review_due_at.is_(None), actions_due.c.due_at < Case.review_due_at))
    earliest = sa.case((Case.status != "open", sa.null()), (action_first, actions_due.c.due_at),
                       else_=Case.review_due_at)
    is_open = sa.case((Case.status == "open", 0), else_=1)
    return (query.outerjoin(actions_due, actions_due.c.case_id == Case.id)
            .order_by(is_open, *nulls_last(earliest, descending), Case.opened_at.desc(),
                      direction(Case.id, descending)))


def _by_coordinator(query: sa.Select, descending: bool) -> sa.Select:
    coordinator = so.aliased(User)
    return (query.outerjoin(coordinator, coordinator.id == Case.coordinator_id)
            .order_by(*nulls_last(coordinator.name, descending), direction(Case.id, descending)))


ORDERS = Orders({"reference": _by_reference, "address": _by_address, "category": _by_category,
                 "opened": _by_opened, "deadline": _by_deadline, "coordinator": _by_coordinator},
                default=Sort("deadline"))


def query(actor: User, case_filter: CaseFilter, sort: Sort | None = None, now: datetime | None = None) -> sa.Select:
    """The cases `actor` may see (never merged ones) that match the filter, in the order `sort` (by default the
    most urgent first, see ORDERS).

    Every order ends with the id: unique and stable, so pages neither repeat nor skip a case.
    """
    return ORDERS.apply(_matching(actor, case_filter, now or utcnow()), sort or ORDERS.default).options(*_COLUMNS)


def page_of(actor: User, case_filter: CaseFilter, sort: Sort | None, args: Mapping[str, str], *, per_page: int,
            now: datetime | None = None) -> Pagination:
    """The page of the list that `args["page"]` asks for (gdt.services.core.pagination), its cases loaded.

    The order is found on the cases' ids alone, and only that page's cases are loaded after: a sort of narrow
    rows stays in memory even for a deep page of 100 000 cases, where whole rows would spill to disk.
    """
    sort = sort or ORDERS.default
    matching = _matching(actor, case_filter, now or utcnow()).with_only_columns(Case.id)
    if sort == ORDERS.default:
        page = _most_urgent_first(matching, pagination.page_number(args.get("page")), per_page)
    else:
        page = pagination.page_of(ORDERS.apply(matching, sort), args, per_page=per_page)
    loaded = {case.id: case for case in db.session.scalars(sa.select(Case).where(Case.id.in_(page.items))
                                                           .options(*_COLUMNS))}
    page.items = [loaded[case_id] for case_id in page.items]
    return page


_COLUMNS = (selectinload(Case.coordinator), selectinload(Case.reports).selectinload(Report.category))


class _OpenThenClosed(Pagination):
    """A page of the default order read in two parts: the open cases by their earliest deadline (a sort of the
    few open ones), then the closed ones newest first, which walks `ix_cases_opened_at_id` instead of sorting
    the whole list. The same order as `_by_deadline`."""

    def _query_items(self) -> list[int]:
        parts, offset = self._query_args, self._query_offset
        ids = []
        if offset < parts["open_count"]:
            ids += db.session.scalars(parts["open"].offset(offset).limit(self.per_page)).all()
        if len(ids) < self.per_page:
            closed_offset = max(offset - parts["open_count"], 0)
            ids += db.session.scalars(parts["closed"].offset(closed_offset).limit(self.per_page - len(ids))).all()
        return ids

    def _query_count(self) -> int:
        return self._query_args["open_count"] + self._query_args["closed_count"]


def _most_urgent_first(matching: sa.Select, page: int, per_page: int) -> Pagination:
    parts = {"open": _by_deadline(matching.where(Case.status == "open"), False),
             "closed": _by_opened(matching.where(Case.status == "closed"), True)}
    counts = {f"{name}_count": db.session.scalar(sa.select(sa.func.count()).select_from(part.order_by(None).subquery()))
              for name, part in parts.items()}
    pages = -(-(counts["open_count"] + counts["closed_count"]) // per_page)
    return _OpenThenClosed(page=min(page, max(pages, 1)), per_page=per_page, max_per_page=None, error_out=False,
                           **parts, **counts)


def _matching(actor: User, case_filter: CaseFilter, now: datetime) -> sa.Select:
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
    if case_filter.category:
        category_id = sa.select(Category.id).where(Category.key == case_filter.category).scalar_subquery()
        found = found.where(Case.id.in_(sa.select(Report.case_id).where(Report.category_id == category_id)))
    if case_filter.overdue:
        found = found.where(_overdue_clause(case_filter.overdue, now))
    return found


def _overdue_clause(which: str, now: datetime) -> sa.ColumnElement[bool]:
    """The same rule as deadlines.item_is_overdue, as SQL: an open case past its review, or with an open action
    past its deadline."""
    review = Case.review_due_at < now
    action = Case.id.in_(sa.select(Action.case_id).where(Action.status == "open", Action.due_at < now))
    late = {"review": review, "actions": action, "any": sa.or_(review, action)}[which]
    return sa.and_(Case.status == "open", late)


@dataclass(frozen=True)
class CaseRow:
    """What the list shows of one case."""

    case: Case
    address: str | None  # of its first report
    other_addresses: int  # how many further addresses its reports have
    categories: list[str]  # every category among its reports, the first report's first
    review: deadlines.DeadlineState | None  # while the case is open
    first_action: deadlines.DeadlineState | None  # the earliest open action's deadline
    overdue_actions: int
    next_meeting: datetime | None


def rows(cases: Sequence[Case], now: datetime | None = None) -> list[CaseRow]:
    """The rows of one page: two queries for all its cases (actions, meetings), whatever the page size."""
    now = now or utcnow()
    ids = [case.id for case in cases]
    actions_due = _actions_due(ids, now)
    meetings = next_meetings(cases)
    result = []
    for case in cases:
        addresses = list(dict.fromkeys(report.display_address for report in case.reports))
        categories = list(dict.fromkeys(report.category.label for report in case.reports))
        earliest, late = actions_due.get(case.id, (None, 0))
        result.append(CaseRow(case, addresses[0] if addresses else None, max(len(addresses) - 1, 0), categories,
                              deadlines.item_deadline(case, now),
                              deadlines.deadline_state(earliest, now) if case.status == "open" else None,
                              late if case.status == "open" else 0, meetings.get(case.id)))
    return result


def _actions_due(case_ids: list[int], now: datetime) -> dict[int, tuple[datetime, int]]:
    """Per case: the earliest deadline of its open actions and how many of them are past it."""
    if not case_ids:
        return {}
    late = sa.func.sum(sa.case((Action.due_at < now, 1), else_=0))
    found = db.session.execute(sa.select(Action.case_id, sa.func.min(Action.due_at), late)
                               .where(Action.case_id.in_(case_ids), Action.status == "open",
                                      Action.due_at.is_not(None))
                               .group_by(Action.case_id))
    return {case_id: (due_at, int(count or 0)) for case_id, due_at, count in found}


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
