"""The coordinator's start page (Mijn werk): what is overdue or stuck, the most urgent first.

Every section is the first rows of a full list, with that list's count: the page shows "toon alle N" and leads
there instead of cutting silently. The case sections are the case list (`case_list.query`) with a filter, the
triage section the intake queue's "te laat" (`report_lists.queue`), in the same order as those lists; actions
and referrals have lists of their own here (`full_list`), paged on the start page's section pages.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from gdt.db import utcnow
from gdt.models import Action, Case, Referral, User
from gdt.services.casework import actions, case_list
from gdt.services.core import access, deadlines, pagination
from gdt.services.core.list_order import Sort
from gdt.services.triage import report_lists

MY_CASES_SHOWN = 10
SHOWN = 5
# The sections with a list of their own on the start page's section pages (URL slug → section).
FULL_LISTS = {"overdue-actions": "my_overdue_actions", "unacknowledged-referrals": "overdue_acknowledgements",
              "failed-deliveries": "failed_deliveries"}


@dataclass(frozen=True)
class Section:
    count: int
    rows: list  # ReportRow, CaseRow or DeadlineRow, as the section's list has them
    shown: int  # at most this many rows are on the start page


@dataclass(frozen=True)
class DeadlineRow:
    """An action or referral with the state of its deadline in working days."""

    item: Action | Referral
    deadline: deadlines.DeadlineState | None


def my_cases_filter(user: User) -> case_list.CaseFilter:
    return case_list.CaseFilter(status="open", coordinator=user.id)


def my_overdue_reviews_filter(user: User) -> case_list.CaseFilter:
    return case_list.CaseFilter(coordinator=user.id, overdue="review")


def unassigned_filter() -> case_list.CaseFilter:
    return case_list.CaseFilter(status="open", coordinator=case_list.UNASSIGNED)


OVERDUE_TRIAGE_FILTER = report_lists.QueueFilter(age="overdue")


def for_coordinator(user: User) -> dict[str, Section]:
    if not access.can_triage(user):
        return {}
    now = utcnow()
    return {
        "my_cases": _cases(user, my_cases_filter(user), MY_CASES_SHOWN, now),
        "my_overdue_actions": _deadline_rows(full_list("my_overdue_actions", user, now), SHOWN, now),
        "overdue_triage": _reports(user, now),
        "my_overdue_reviews": _cases(user, my_overdue_reviews_filter(user), SHOWN, now),
        "unassigned_cases": _cases(user, unassigned_filter(), SHOWN, now),
        "overdue_acknowledgements": _deadline_rows(full_list("overdue_acknowledgements", user, now), SHOWN, now),
        "failed_deliveries": _deadline_rows(full_list("failed_deliveries", user, now), SHOWN, now),
    }


def full_list(section: str, user: User, now: datetime | None = None) -> sa.Select:
    """The whole list behind a section without a list page of its own, the longest overdue first."""
    now = now or utcnow()
    with_subject = (selectinload(Referral.partner), selectinload(Referral.report), selectinload(Referral.case))
    lists: dict[str, Callable[[], sa.Select]] = {
        "my_overdue_actions": lambda: (
            actions.overdue(now).where(Case.coordinator_id == user.id)
            .options(selectinload(Action.case), selectinload(Action.owner_partner), selectinload(Action.owner_user))),
        "overdue_acknowledgements": lambda: (
            deadlines.overdue_acknowledgements(now).where(access.visible_referrals_clause(user)).options(*with_subject)),
        "failed_deliveries": lambda: (
            sa.select(Referral).where(Referral.delivery_status == "failed", access.visible_referrals_clause(user))
            .options(*with_subject).order_by(Referral.updated_at.desc(), Referral.id)),
    }
    return lists[section]()


def deadline_rows(items, now: datetime | None = None) -> list[DeadlineRow]:
    now = now or utcnow()
    return [DeadlineRow(item, deadlines.item_deadline(item, now)) for item in items]


def _first(query: sa.Select, shown: int):
    return pagination.paginate(query, 1, per_page=shown, clamp=False)


def _cases(user: User, case_filter: case_list.CaseFilter, shown: int, now: datetime) -> Section:
    page = _first(case_list.query(user, case_filter, case_list.ORDERS.default, now), shown)
    return Section(page.total, case_list.rows(page.items, now), shown)


def _reports(user: User, now: datetime) -> Section:
    page = _first(report_lists.queue(user, OVERDUE_TRIAGE_FILTER, Sort("deadline"), now), SHOWN)
    return Section(page.total, report_lists.rows(page.items, actor=user, now=now), SHOWN)


def _deadline_rows(query: sa.Select, shown: int, now: datetime) -> Section:
    page = _first(query, shown)
    return Section(page.total, deadline_rows(page.items, now), shown)
