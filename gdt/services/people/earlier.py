"""Eerder in beeld: the earlier reports and cases of an address (postcode + number, from reports and from the
addresses of people) and of the people linked to a report. Intake staff get a count and dates only; coordinators
get links to what they may open and a count of what they may not (the same rule as opening it)."""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from gdt.db import AMSTERDAM, db
from gdt.models import Case, Person, PersonAddress, PersonLink, Report, User
from gdt.services.core import access, audit
from gdt.services.core.errors import ServiceError
from gdt.validation import InvalidValue, normalise_postcode, parse_house_number

DATES_SHOWN = 10


@dataclass(frozen=True)
class Count:
    """What intake may know: how many earlier reports and cases, and when (newest first); never which."""

    count: int
    dates: list[date]


@dataclass(frozen=True)
class Found:
    """What a coordinator sees on the triage page."""

    reports: list[Report]  # the ones the viewer may open
    cases: list[Case]
    hidden: int  # reports and cases the viewer may not open: counted only


def count_at_address(postcode: str | None, house_number: str | int | None, *, actor: User) -> Count:
    """For the phone intake, once the address is typed; audited (field names only: the address is not logged)."""
    try:
        clean_postcode, number = normalise_postcode(postcode), parse_house_number(house_number)
    except InvalidValue as invalid:
        raise ServiceError(invalid.message, field="postcode") from None
    reports, cases = _earlier(clean_postcode, number, person_ids=[], exclude_report=None)
    moments = [report.received_at for report in reports] + [case.opened_at for case in cases]
    days = sorted((moment.astimezone(AMSTERDAM).date() for moment in moments), reverse=True)
    audit.record_now(actor, "earlier_in_view", "address", detail={"fields": ["postcode", "house_number"],
                                                                  "count": len(moments)})
    return Count(len(moments), days[:DATES_SHOWN])


def for_report(report: Report, *, actor: User) -> Found:
    """For the triage page: the earlier reports and cases at the report's address and of its linked people."""
    person_ids = list(db.session.scalars(sa.select(PersonLink.person_id).where(PersonLink.report_id == report.id)))
    reports, cases = _earlier(report.postcode, report.house_number, person_ids=person_ids, exclude_report=report.id)
    open_reports = [other for other in reports if access.can_view_report(actor, other)]
    open_cases = [case for case in cases if access.can_view_case(actor, case)]
    hidden = len(reports) + len(cases) - len(open_reports) - len(open_cases)
    audit.record_now(actor, "earlier_in_view", "report", report.reference,
                     detail={"shown": len(open_reports) + len(open_cases), "hidden": hidden})
    return Found(open_reports, open_cases, hidden)


def _earlier(postcode: str | None, house_number: int | None, *, person_ids: list[int],
             exclude_report: int | None) -> tuple[list[Report], list[Case]]:
    at_address = (sa.select(PersonAddress.person_id).where(PersonAddress.postcode == postcode,
                                                           PersonAddress.house_number == house_number)
                  if postcode else sa.select(PersonAddress.person_id).where(sa.false()))
    people = sa.select(Person.id).where(sa.or_(Person.id.in_(person_ids), Person.id.in_(at_address)))
    linked_reports = sa.select(PersonLink.report_id).where(PersonLink.person_id.in_(people),
                                                           PersonLink.report_id.is_not(None))
    same_address = sa.and_(Report.postcode == postcode, Report.house_number == house_number) if postcode else sa.false()
    reports = list(db.session.scalars(
        sa.select(Report).where(sa.or_(same_address, Report.id.in_(linked_reports)), Report.destroyed_at.is_(None),
                                Report.id != (exclude_report or 0)).order_by(Report.received_at.desc())))
    linked_cases = sa.select(PersonLink.case_id).where(PersonLink.person_id.in_(people),
                                                       PersonLink.case_id.is_not(None))
    report_cases = {report.case_id for report in reports if report.case_id}
    cases = list(db.session.scalars(
        sa.select(Case).where(sa.or_(Case.id.in_(linked_cases), Case.id.in_(report_cases)), Case.status != "merged",
                              Case.destroyed_at.is_(None)).order_by(Case.opened_at.desc())))
    return reports, cases
