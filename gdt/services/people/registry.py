"""A person across cases: register, change, add an address, link to a case's party or to a report.

Every change is a history line on the person (PersonEvent: field names, roles and ids, never values) and an audit
event; every view of a person is audited. Only coordinators work with people (gdt.services.people.visibility).
"""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from gdt.db import db, utcnow
from gdt.models import CaseParty, Person, PersonAddress, PersonEvent, PersonLink, Report, User
from gdt.models.casework import PARTY_ROLES
from gdt.services.core import access, audit
from gdt.services.core.errors import Forbidden, ServiceError, ValidationFailed
from gdt.services.core.transaction import check_version, joins_unit_of_work, unit_of_work
from gdt.services.core.working_days import today
from gdt.services.people.names import name_key
from gdt.services.people.visibility import VisibleLinks, can_view_people, split_links
from gdt.validation import (
    InvalidValue,
    clean_name,
    clean_text,
    normalise_addition,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    parse_house_number,
)

FIELDS = ("name", "date_of_birth", "phone", "email")
REPORT_ROLES = ("reporter", "subject")  # who in a report can be linked at triage
MISSING = _l("Deze persoon bestaat niet.")
REFUSED = _l("U heeft geen toegang tot personen.")


@dataclass(frozen=True)
class PersonPage:
    person: Person
    links: VisibleLinks
    events: list[PersonEvent]


def clean_details(name: str | None, date_of_birth: date | None, phone: str | None, email: str | None) -> dict:
    """The person's details as stored, or ValidationFailed naming every wrong field (nothing is changed)."""
    values, errors = {}, {}
    for field, rule in (("name", clean_name), ("phone", normalise_phone), ("email", normalise_email)):
        try:
            values[field] = rule({"name": name, "phone": phone, "email": email}[field])
        except InvalidValue as invalid:
            errors[field] = invalid.message
    if not values.get("name") and "name" not in errors:
        errors["name"] = _l("Vul een naam in.")
    if date_of_birth is not None and date_of_birth > today():
        errors["date_of_birth"] = _l("Een geboortedatum ligt niet in de toekomst.")
    values["date_of_birth"] = date_of_birth
    if errors:
        raise ValidationFailed(errors)
    return values


def load(person_id: int) -> Person | None:
    return db.session.scalar(sa.select(Person).where(Person.id == person_id).options(
        selectinload(Person.addresses), selectinload(Person.events).selectinload(PersonEvent.actor),
        selectinload(Person.links).selectinload(PersonLink.case),
        selectinload(Person.links).selectinload(PersonLink.report)))


def view_person(person_id: int, *, actor: User) -> Person:
    """The person, the view audited; refused (and audited) for anyone but a coordinator."""
    return audit.audited_view(load(person_id), actor=actor, object_type="person", object_ref=str(person_id),
                              may_view=lambda user, _person: can_view_people(user), missing=MISSING,
                              refused=REFUSED)


def person_page(person_id: int, *, actor: User) -> PersonPage:
    person = view_person(person_id, actor=actor)
    return PersonPage(person, split_links(actor, person.links), list(reversed(person.events)))


def create_person(name: str | None, date_of_birth: date | None = None, phone: str | None = None,
                  email: str | None = None, *, actor: User) -> Person:
    values = clean_details(name, date_of_birth, phone, email)
    _require_coordinator(actor)
    with unit_of_work():
        person = _new_person(values, actor)
    return person


def update_person(person: Person, name: str | None, date_of_birth: date | None, phone: str | None,
                  email: str | None, *, actor: User, seen_version: int | None) -> Person:
    values = clean_details(name, date_of_birth, phone, email)
    _require_coordinator(actor)
    with unit_of_work():
        check_version(person, seen_version)
        _refuse_inactive(person)
        changed = [field for field in FIELDS if getattr(person, field) != values[field]]
        if not changed:
            return person
        for field in changed:
            setattr(person, field, values[field])
        person.name_key = name_key(person.name)
        add_event(person, "changed", actor, {"fields": changed})
        audit.record(actor, "change_person", "person", str(person.id), detail={"fields": changed})
    return person


def add_address(person: Person, postcode: str | None, house_number: str | None, addition: str | None = None,
                street: str | None = None, city: str | None = None, *, actor: User) -> PersonAddress:
    values = clean_address(postcode, house_number, addition, street, city)
    _require_coordinator(actor)
    with unit_of_work():
        _refuse_inactive(person)
        address = PersonAddress(**values)
        person.addresses.append(address)
        person.updated_at = utcnow()
        add_event(person, "address_added", actor, None)
        audit.record(actor, "add_person_address", "person", str(person.id))
    return address


def clean_address(postcode, house_number, addition=None, street=None, city=None) -> dict:
    values, errors = {}, {}
    for field, rule, raw in (("postcode", normalise_postcode, postcode),
                             ("house_number", parse_house_number, house_number),
                             ("house_number_addition", normalise_addition, addition),
                             ("street", lambda value: clean_text(value, max_length=120, multiline=False), street),
                             ("city", lambda value: clean_text(value, max_length=80, multiline=False), city)):
        try:
            values[field] = rule(raw)
        except InvalidValue as invalid:
            errors[field] = invalid.message
    if errors:
        raise ValidationFailed(errors)
    return values


def link_party(party: CaseParty, person_id: int | None, *, actor: User) -> Person:
    """Connect a case's party (betrokkene) to a person: an existing one (`person_id`) or a new one by the party's
    name. The party stays the case's own view of the person; the person gets a link to the case in its role."""
    if not access.can_edit_case(actor, party.case):
        raise Forbidden(_l("U kunt deze casus niet wijzigen."))
    with unit_of_work():
        person = _chosen(person_id) if person_id else _new_person({"name": party.name}, actor)
        party.person_id = person.id
        link(person, actor=actor, role=party.role, case_id=party.case_id)
        audit.record(actor, "link_party", "case", party.case.reference, detail={"person": person.id})
    return person


def link_report(report: Report, role: str | None, person_id: int | None, *, actor: User) -> Person:
    """Connect the reporter or the subject (the person at the address) of a report to a person, at triage. A new
    person takes the reporter's details, or (subject) the name given and the report's address."""
    if role not in REPORT_ROLES:
        raise ServiceError(_l("Kies of het om de melder of om de betrokkene gaat."), field="role")
    if not (actor.role == "coordinator" and access.can_view_report(actor, report)) or report.destroyed_at:
        raise Forbidden(_l("U kunt deze melding niet wijzigen."))
    with unit_of_work():
        person = _chosen(person_id) if person_id else _person_from_report(report, role, actor)
        link(person, actor=actor, role=role, report_id=report.id)
        audit.record(actor, "link_person", "report", report.reference, detail={"person": person.id, "role": role})
    return person


def new_subject(report: Report, name: str | None, *, actor: User) -> Person:
    """A subject named at triage: a new person at the report's address, linked to the report."""
    values = clean_details(name, None, None, None)
    if not (actor.role == "coordinator" and access.can_view_report(actor, report)) or report.destroyed_at:
        raise Forbidden(_l("U kunt deze melding niet wijzigen."))
    with unit_of_work():
        person = _new_person(values, actor)
        _add_report_address(person, report)
        link(person, actor=actor, role="subject", report_id=report.id)
        audit.record(actor, "link_person", "report", report.reference, detail={"person": person.id, "role": "subject"})
    return person


@joins_unit_of_work
def link(person: Person, *, actor: User | None, role: str, case_id: int | None = None,
         report_id: int | None = None) -> PersonLink:
    """The person in a case or a report in a role, once (a second link in the same role is the first one)."""
    if role not in PARTY_ROLES:
        raise ServiceError(_l("Kies de rol van deze persoon."), field="role")
    existing = next((one for one in person.links if one.role == role and one.case_id == case_id
                     and one.report_id == report_id), None)
    if existing is not None:
        return existing
    new = PersonLink(case_id=case_id, report_id=report_id, role=role, added_at=utcnow(),
                     added_by_id=actor.id if actor else None)
    person.links.append(new)
    person.updated_at = utcnow()
    add_event(person, "linked", actor, {"case": case_id, "report": report_id, "role": role})
    return new


@joins_unit_of_work
def add_event(person: Person, event: str, actor: User | None, detail: dict | None) -> None:
    status = "merged" if person.merged_into_id else "removed" if person.removed_at else "active"
    person.events.append(PersonEvent(event=event, from_status=status, to_status=status, occurred_at=utcnow(),
                                     actor_id=actor.id if actor else None, detail=detail))


def _new_person(values: dict, actor: User | None) -> Person:
    person = Person(name=values["name"], name_key=name_key(values["name"]), date_of_birth=values.get("date_of_birth"),
                    phone=values.get("phone"), email=values.get("email"), created_by_id=actor.id if actor else None)
    db.session.add(person)
    db.session.flush()
    add_event(person, "registered", actor, None)
    audit.record(actor, "create_person", "person", str(person.id))
    return person


def _person_from_report(report: Report, role: str, actor: User) -> Person:
    if role == "reporter":
        if report.reporter_is_anonymous or not report.reporter_name:
            raise ServiceError(_l("Deze melding heeft geen melder met een naam."), field="role")
        return _new_person({"name": report.reporter_name, "phone": report.reporter_phone,
                            "email": report.reporter_email}, actor)
    raise ServiceError(_l("Kies een persoon of vul de naam van de betrokkene in."), field="person")


def _add_report_address(person: Person, report: Report) -> None:
    if report.postcode and not any(address.postcode == report.postcode and address.house_number == report.house_number
                                   for address in person.addresses):
        person.addresses.append(PersonAddress(postcode=report.postcode, house_number=report.house_number,
                                              house_number_addition=report.house_number_addition,
                                              street=report.street, city=report.city))


def _chosen(person_id: int) -> Person:
    person = db.session.get(Person, person_id)
    if person is None:
        raise ServiceError(MISSING, field="person")
    while person.merged_into is not None:  # a merged person's links go to the survivor
        person = person.merged_into
    _refuse_inactive(person)
    return person


def _require_coordinator(actor: User) -> None:
    if not can_view_people(actor):
        raise Forbidden(REFUSED)


def _refuse_inactive(person: Person) -> None:
    if person.merged_into_id is not None or person.removed_at is not None:
        raise ServiceError(_l("Deze persoon is samengevoegd of verwijderd en kan niet meer worden gewijzigd."))
