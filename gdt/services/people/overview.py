"""What the case page and the triage page show of people: which person a party or a report's reporter or subject
is, and in how many other cases and reports they appear. Coordinators only (the pages are theirs); partners'
pages never call this, so a partner never learns of a person's other cases."""
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import Case, CaseParty, Person, PersonLink, Report, User
from gdt.services.core import access, audit


@dataclass(frozen=True)
class Known:
    person: Person
    role: str
    elsewhere: int  # links of this person to other cases and reports


def parties_of(case: Case) -> dict[int, Known]:
    """Party id → the person it is linked to, for the parties that are linked."""
    linked = [party for party in case.parties if party.person_id is not None]
    counts = _link_counts([party.person_id for party in linked])
    people = {person.id: person for person in db.session.scalars(
        sa.select(Person).where(Person.id.in_([party.person_id for party in linked])))}
    return {party.id: Known(people[party.person_id], party.role, counts.get(party.person_id, 1) - 1)
            for party in linked}


def people_of_report(report: Report) -> list[Known]:
    links = list(db.session.scalars(sa.select(PersonLink).where(PersonLink.report_id == report.id)
                                    .order_by(PersonLink.id)))
    counts = _link_counts([link.person_id for link in links])
    return [Known(link.person, link.role, counts.get(link.person_id, 1) - 1) for link in links]


def party_to_link(party_id: int, *, actor: User) -> CaseParty:
    """A case's party, for linking it to a person: whoever may change the case (the view is audited)."""
    party = db.session.get(CaseParty, party_id)
    return audit.audited_view(party, actor=actor, object_type="case",
                              object_ref=party.case.reference if party is not None else None,
                              may_view=lambda user, found: access.can_edit_case(user, found.case),
                              missing=_l("Deze betrokkene bestaat niet."),
                              refused=_l("U kunt deze casus niet wijzigen."))


def _link_counts(person_ids: list[int]) -> dict[int, int]:
    if not person_ids:
        return {}
    return dict(db.session.execute(sa.select(PersonLink.person_id, sa.func.count()).where(
        PersonLink.person_id.in_(person_ids)).group_by(PersonLink.person_id)).all())
