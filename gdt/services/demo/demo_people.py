"""A few demo people across cases (gdt.services.people): one person in two cases, one possible duplicate pair.

Plain ORM rows in the demo's unit of work (the people services open their own); names are invented."""
from datetime import date, datetime

import sqlalchemy as sa

from gdt.db import db
from gdt.models import Case, CaseParty, Person, PersonAddress, PersonEvent, PersonLink, Report
from gdt.services.people.names import name_key


def add(now: datetime) -> int:
    """Link the demo's first two cases with people to one person, and add a duplicate pair on two reports. Returns
    how many people were added (none when there are too few cases or reports)."""
    with_party = Case.parties.any(CaseParty.role == "subject")  # the running regie cases (_casework), else any
    cases = list(db.session.scalars(sa.select(Case).where(Case.status != "merged", Case.reports.any())
                                    .order_by(with_party.desc(), Case.opened_at.desc()).limit(2)))
    reports = list(db.session.scalars(sa.select(Report).where(Report.case_id.is_(None), Report.destroyed_at.is_(None))
                                      .order_by(Report.received_at.desc()).limit(2)))
    if len(cases) < 2 or len(reports) < 2:
        return 0
    resident = _person("Ruud de Vries", date(1975, 3, 14), "0612340001", cases[0].reports[0], now)
    for case in cases:
        party = next((party for party in case.parties if party.role == "subject"), None)
        if party is None:
            party = CaseParty(case_id=case.id, name=resident.name, role="subject", added_at=now)
            db.session.add(party)
        party.name, party.person_id = resident.name, resident.id
        _link(resident, "subject", now, case_id=case.id)
    for report, name, phone in zip(reports, ("Fatima el Amrani", "Fátima El Amrani"), ("0612340002", None)):
        twin = _person(name, date(1988, 7, 2), phone, report, now)
        _link(twin, "subject", now, report_id=report.id)
    return 3


def _person(name: str, born: date, phone: str | None, report: Report, now: datetime) -> Person:
    person = Person(name=name, name_key=name_key(name), date_of_birth=born, phone=phone, created_at=now,
                    updated_at=now)
    if report.postcode:
        person.addresses.append(PersonAddress(postcode=report.postcode, house_number=report.house_number,
                                              house_number_addition=report.house_number_addition,
                                              street=report.street, city=report.city))
    person.events.append(PersonEvent(event="registered", from_status="active", to_status="active", occurred_at=now))
    db.session.add(person)
    db.session.flush()
    return person


def _link(person: Person, role: str, now: datetime, **owner) -> None:
    person.links.append(PersonLink(role=role, added_at=now, **owner))
    person.events.append(PersonEvent(event="linked", from_status="active", to_status="active", occurred_at=now,
                                     detail={"case": owner.get("case_id"), "report": owner.get("report_id"),
                                             "role": role}))
