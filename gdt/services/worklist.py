"""The coordinator's start page: what is overdue or stuck, the most urgent first (counts in the database)."""
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from gdt.db import db, utcnow
from gdt.models import Case, Referral, User
from gdt.services import access, deadlines

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
        "overdue_triage": _section(deadlines.overdue_triage(now)),
        "my_overdue_reviews": _section(deadlines.overdue_reviews(now).where(Case.coordinator_id == user.id)),
        "unassigned_cases": _section(sa.select(Case).where(Case.status == "open", Case.coordinator_id.is_(None))
                                     .order_by(Case.opened_at, Case.id)),
        "overdue_acknowledgements": _section(deadlines.overdue_acknowledgements(now).options(*with_subject)),
        "failed_deliveries": _section(sa.select(Referral).where(Referral.delivery_status == "failed")
                                      .options(*with_subject).order_by(Referral.updated_at.desc(), Referral.id)),
    }
