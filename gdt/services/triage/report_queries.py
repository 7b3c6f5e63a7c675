"""Read queries the staff API needs beyond the pages': a filtered report list and the address context.

Both are need-to-know decisions, so they live here rather than in an API view: the list starts from
`access.visible_reports`, and the address context gives intake the signal its page shows and the
coordinator the history the triage screen shows (docs/domain.md, "Roles and need-to-know").
"""
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from gdt.db import AMSTERDAM
from gdt.models import Case, Report, User
from gdt.services.core import access
from gdt.services.intake import report_intake
from gdt.services.triage import report_triage


class AddressContext(NamedTuple):
    """`history` and `open_case` are None for a role that may only know *that* the address is known."""

    signal: report_intake.AddressSignal
    history: list[Report] | None
    open_case: Case | None


def list_visible_reports(actor: User, *, status: str | None = None, channel: str | None = None,
                         received_from: date | None = None, received_to: date | None = None) -> sa.Select:
    """The reports `actor` may see, newest first; the dates are whole days in Amsterdam time, both inclusive."""
    query = access.visible_reports(actor).options(selectinload(Report.category), selectinload(Report.case))
    if status:
        query = query.where(Report.status == status)
    if channel:
        query = query.where(Report.channel == channel)
    if received_from:
        query = query.where(Report.received_at >= _start_of(received_from))
    if received_to:
        query = query.where(Report.received_at < _start_of(received_to + timedelta(days=1)))
    return query.order_by(Report.received_at.desc(), Report.id.desc())


def address_context(report: Report, *, actor: User) -> AddressContext:
    """What `actor` may know about other reports at the report's address."""
    signal = report_intake.address_signal(report.postcode, report.house_number, report.house_number_addition,
                                   report.bag_id, excluding=report)
    if not access.can_triage(actor):
        return AddressContext(signal, None, None)
    history = report_triage.address_history(report, viewer=actor)
    return AddressContext(signal, list(history), history.open_case)


def _start_of(day: date) -> datetime:
    """Midnight in Amsterdam: a half-open range the index can use, right across daylight saving time."""
    return datetime.combine(day, time(), tzinfo=AMSTERDAM)
