"""The coordinator's start page: what is overdue or stuck, the most urgent first (counts in the database)."""
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from gdt.db import db, utcnow
from gdt.models import Action, Case, Referral, User
from gdt.services.casework import actions, meetings
from gdt.services.core import access, deadlines

SHOWN = 10


@dataclass(frozen=True)
class Section:
    count: int
    items: list


def _section(query: sa.Select) -> Section:
    count = db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    return Section(count, list(db.session.scalars(query.limit(SHOWN))) if count else [])


def for_coordinator(user: User) -> dict[str, Section]:
    if not access.can_triage(user):
        return {}
    now = utcnow()
    with_subject = (selectinload(Referral.partner), selectinload(Referral.report), selectinload(Referral.case))
    return {
        "my_overdue_actions": _section(actions.overdue(now).where(Case.coordinator_id == user.id)
                                       .options(selectinload(Action.case), selectinload(Action.owner_partner),
                                                selectinload(Action.owner_user))),
        "overdue_triage": _section(deadlines.overdue_triage(now)),
        "my_overdue_reviews": _section(deadlines.overdue_reviews(now).where(Case.coordinator_id == user.id)),
        "unassigned_cases": _section(sa.select(Case).where(Case.status == "open", Case.coordinator_id.is_(None))
                                     .order_by(Case.opened_at, Case.id)),
        "overdue_acknowledgements": _section(deadlines.overdue_acknowledgements(now)
                                             .where(access.visible_referrals_clause(user)).options(*with_subject)),
        "failed_deliveries": _section(sa.select(Referral).where(Referral.delivery_status == "failed",
                                                                    access.visible_referrals_clause(user))
                                      .options(*with_subject).order_by(Referral.updated_at.desc(), Referral.id)),
    }


@dataclass(frozen=True)
class CaseAtAGlance:
    case: Case
    next_meeting: object
    overdue_actions: int
    review_overdue: bool


def my_open_cases(user: User, limit: int = 50) -> list[CaseAtAGlance]:
    """The coordinator's open cases: those with overdue actions or an overdue review first, then by next meeting."""
    found = db.session.scalars(sa.select(Case).where(Case.status == "open", Case.coordinator_id == user.id)
                               .options(selectinload(Case.meetings), selectinload(Case.actions))
                               .order_by(Case.opened_at).limit(limit)).all()
    glances = [CaseAtAGlance(case, meetings.next_meeting(case),
                             sum(1 for action in case.actions if action.status == "open"
                                 and deadlines.is_overdue(action.due_at)),
                             deadlines.is_overdue(case.review_due_at)) for case in found]
    far = utcnow().replace(year=9999)
    return sorted(glances, key=lambda glance: (not (glance.overdue_actions or glance.review_overdue),
                                               glance.next_meeting.starts_at if glance.next_meeting else far))
