"""Finding a person for the privacy officer: every report, registration and case a name, e-mail address, phone
number or address appears in (AVG art. 15: the officer must be able to say what is held about someone).

Where a person can appear:

* a report: the reporter's name, e-mail address and phone number ("melder"), and the address of the nuisance
  ("adres van de overlast");
* a partner registration (its report): the registrant ("aanmelder") and the person it concerns ("betrokkene");
* a case: a party ("betrokkene", with the party's role), a case partner's contact person ("contactpersoon
  ketenpartner"), a person invited to a case meeting ("genodigde casusoverleg");
* a person the team keeps across cases (gdt.services.people): each case and report the person is linked to, in
  the link's role ("persoon: …"), or the person alone while not linked to any.

Names match in part and regardless of case; e-mail addresses in full, regardless of case; phone numbers by their
digits, with +31, 0031 and 0 alike; an address by postcode and house number (the report index). Destroyed or
erased rows hold no content and simply do not match. `search` is the audited entry point of the page: it records
which fields were used, never the values.
"""
import re
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.labels import PARTY_ROLE_LABELS
from gdt.models import (
    Case,
    CasePartner,
    CaseParty,
    Meeting,
    MeetingInvitee,
    PartnerRegistration,
    Person,
    PersonAddress,
    Report,
    User,
)
from gdt.services.core import audit
from gdt.services.core.errors import ServiceError, ValidationFailed
from gdt.validation import InvalidValue, clean_name, normalise_postcode, parse_house_number

NAME_MIN = 2  # a single letter would match nearly everyone
WHERE_LABELS = {"report": _l("Melding"), "registration": _l("Aanmelding ketenpartner"), "case": _l("Casus"),
                "person": _l("Persoon")}
ROLE_LABELS = {
    "melder": _l("Melder"),
    "adres": _l("Adres van de overlast"),
    "aanmelder": _l("Aanmelder (ketenpartner)"),
    "betrokkene": _l("Betrokkene"),
    "contactpersoon": _l("Contactpersoon ketenpartner"),
    "genodigde": _l("Genodigde casusoverleg"),
    **{f"partij-{key}": label for key, label in PARTY_ROLE_LABELS.items()},
    "persoon": _l("Vastgelegde persoon, nergens gekoppeld"),
    **{f"persoon-{key}": _l("Vastgelegde persoon: %(role)s", role=label) for key, label in PARTY_ROLE_LABELS.items()},
}
FIELDS = ("name", "email", "phone", "address")  # the audit detail names these, never the values
_PHONE_NOISE = re.compile(r"[^0-9+]")
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")


@dataclass(frozen=True)
class Criteria:
    """What the privacy officer typed, cleaned: None where a field was left empty."""

    name: str | None = None
    email: str | None = None
    phones: tuple[str, ...] = ()  # the stored spellings of one number (0…, +31…, 0031…)
    postcode: str | None = None
    house_number: int | None = None

    @property
    def fields(self) -> list[str]:
        """Which fields are used, for the audit detail."""
        used = {"name": self.name, "email": self.email, "phone": self.phones, "address": self.postcode}
        return [key for key in FIELDS if used[key]]

    # The same rules in Python, for one row already loaded (the inspection export picks the person's own entries).
    def is_name(self, value: str | None) -> bool:
        return bool(self.name and value and self.name.casefold() in value.casefold())

    def is_email(self, value: str | None) -> bool:
        return bool(self.email and value and value.strip().lower() == self.email)

    def is_phone(self, value: str | None) -> bool:
        return bool(self.phones and value and _PHONE_NOISE.sub("", value) in self.phones)

    def is_address(self, postcode: str | None, house_number: int | None) -> bool:
        return bool(self.postcode and postcode == self.postcode and house_number == self.house_number)

    def is_person(self, name: str | None, email: str | None = None, phone: str | None = None) -> bool:
        return self.is_name(name) or self.is_email(email) or self.is_phone(phone)


@dataclass(frozen=True)
class PersonMatch:
    """One place the person appears: a report, a registration or a case, by reference, and in which role."""

    where: str  # "report", "registration", "case"
    reference: str
    role: str  # a key of ROLE_LABELS
    on: datetime  # received (report, registration) or opened (case)
    matched: tuple[str, ...] = field(default=())  # which criteria matched here: "name", "email", …

    @property
    def where_label(self) -> str:
        return str(WHERE_LABELS[self.where])

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS.get(self.role, self.role))


def criteria(*, name=None, email=None, phone=None, postcode=None, house_number=None) -> Criteria:
    """Clean typed search fields; ValidationFailed names every wrong field, ServiceError when all are empty."""
    errors, clean = {}, {}
    for key, rule, raw in (("name", _name, name), ("email", _email, email), ("phone", phone_forms, phone)):
        try:
            clean[key] = rule(raw)
        except InvalidValue as invalid:
            errors[key] = invalid.message
    address = _address(postcode, house_number, errors)
    if errors:
        raise ValidationFailed(errors)
    found = Criteria(name=clean["name"], email=clean["email"], phones=clean["phone"], postcode=address[0],
                     house_number=address[1])
    if not found.fields:
        raise ServiceError(_l("Vul ten minste één zoekgegeven in: een naam, e-mailadres, telefoonnummer, of postcode "
                              "met huisnummer."), field="name")
    return found


def find(*, name=None, email=None, phone=None, postcode=None, house_number=None) -> list[PersonMatch]:
    """Everywhere the person appears, newest first; raises ValidationFailed/ServiceError on bad input."""
    return matches(criteria(name=name, email=email, phone=phone, postcode=postcode, house_number=house_number))


def search(wanted: Criteria, *, actor: User) -> list[PersonMatch]:
    """The page's search: the matches, and an audit event naming the fields used (never the values)."""
    found = matches(wanted)
    audit.record_now(actor, "search", "person", None, detail={"fields": wanted.fields})
    return found


def matches(wanted: Criteria) -> list[PersonMatch]:
    merged: dict[tuple[str, str, str], PersonMatch] = {}
    for match in [*_reports(wanted), *_registrations(wanted), *_cases(wanted), *_people(wanted)]:
        key = (match.where, match.reference, match.role)
        earlier = merged.get(key)
        seen = earlier.matched if earlier else ()
        merged[key] = PersonMatch(match.where, match.reference, match.role, match.on,
                                  tuple(dict.fromkeys((*seen, *match.matched))))
    return sorted(merged.values(), key=lambda item: (item.on, item.reference, item.role), reverse=True)


def phone_forms(raw: str | None) -> tuple[str, ...]:
    """The spellings a Dutch number is stored in: 0612345678, +31612345678, 0031612345678 (digits only otherwise).

    Foreign numbers (+32…) match as typed, by their digits."""
    compact = _PHONE_SEPARATORS.sub("", (raw or "").strip())
    if not compact:
        return ()
    digits = compact.removeprefix("+")
    if not (digits.isascii() and digits.isdigit()) or not 9 <= len(digits) <= 15:
        raise InvalidValue(_l("Vul een telefoonnummer in, zoals 06 12345678 of +31 6 12345678."))
    if compact.startswith("+31"):
        national = digits[2:]
    elif digits.startswith("0031"):
        national = digits[4:]
    elif digits.startswith("0"):
        national = digits[1:]
    else:
        return (compact, f"+{digits}", f"00{digits}")
    return (f"0{national}", f"+31{national}", f"0031{national}")


def _name(raw: str | None) -> str | None:
    value = clean_name(raw)
    if value is not None and len(value) < NAME_MIN:
        raise InvalidValue(_l("Vul ten minste %(min)d tekens van de naam in.", min=NAME_MIN))
    return value


def _email(raw: str | None) -> str | None:
    value = (raw or "").strip().lower()
    if not value:
        return None
    if "@" not in value or len(value) > 254 or any(char.isspace() for char in value):
        raise InvalidValue(_l("Vul een volledig e-mailadres in, zoals naam@voorbeeld.nl."))
    return value


def _address(postcode: str | None, house_number, errors: dict) -> tuple[str | None, int | None]:
    typed_postcode, typed_number = (postcode or "").strip(), str(house_number or "").strip()
    if not typed_postcode and not typed_number:
        return None, None
    clean = [None, None]
    for index, (key, rule, raw) in enumerate((("postcode", normalise_postcode, typed_postcode),
                                              ("house_number", parse_house_number, typed_number))):
        try:
            clean[index] = rule(raw)
        except InvalidValue as invalid:
            errors[key] = invalid.message
    return clean[0], clean[1]


def _like(column, text: str):
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")


def _phone(column, forms: tuple[str, ...]):
    """Stored numbers are compact (gdt.validation.normalise_phone); older rows may still hold spaces or dashes."""
    stripped = sa.func.replace(sa.func.replace(sa.func.replace(column, " ", ""), "-", ""), ".", "")
    return stripped.in_(forms)


def _person(wanted: Criteria, name_column, email_column=None, phone_column=None) -> list[tuple[str, sa.ColumnElement]]:
    """The (criterion, condition) pairs that apply to one place's columns."""
    tests = []
    if wanted.name:
        tests.append(("name", _like(name_column, wanted.name)))
    if wanted.email and email_column is not None:
        tests.append(("email", sa.func.lower(email_column) == wanted.email))
    if wanted.phones and phone_column is not None:
        tests.append(("phone", _phone(phone_column, wanted.phones)))
    return tests


def _found(query: sa.Select, tests: list[tuple[str, sa.ColumnElement]], make) -> list[PersonMatch]:
    """Run `query` once per criterion (each a simple condition the database can plan on its own)."""
    found = []
    for criterion, condition in tests:
        found += [make(row, criterion) for row in db.session.execute(query.where(condition))]
    return found


def _reports(wanted: Criteria) -> list[PersonMatch]:
    query = sa.select(Report.reference, Report.received_at, Report.channel).where(Report.destroyed_at.is_(None))
    tests = _person(wanted, Report.reporter_name, Report.reporter_email, Report.reporter_phone)
    found = _found(query, tests, lambda row, criterion: PersonMatch(
        "registration" if row.channel == "partner" else "report", row.reference, "melder", row.received_at,
        (criterion,)))
    if wanted.postcode and wanted.house_number:
        at_address = query.where(Report.postcode == wanted.postcode, Report.house_number == wanted.house_number)
        found += [PersonMatch("registration" if row.channel == "partner" else "report", row.reference, "adres",
                              row.received_at, ("address",)) for row in db.session.execute(at_address)]
    return found


def _registrations(wanted: Criteria) -> list[PersonMatch]:
    query = (sa.select(Report.reference, Report.received_at)
             .join(PartnerRegistration, PartnerRegistration.report_id == Report.id)
             .where(Report.destroyed_at.is_(None)))
    registrants = _found(query, _person(wanted, PartnerRegistration.registrant_name,
                                        PartnerRegistration.registrant_email, PartnerRegistration.registrant_phone),
                         lambda row, criterion: PersonMatch("registration", row.reference, "aanmelder",
                                                            row.received_at, (criterion,)))
    concerned = _found(query, _person(wanted, PartnerRegistration.concerned_name),
                       lambda row, criterion: PersonMatch("registration", row.reference, "betrokkene",
                                                          row.received_at, (criterion,)))
    return registrants + concerned


def _cases(wanted: Criteria) -> list[PersonMatch]:
    open_cases = sa.select(Case.reference, Case.opened_at).where(Case.destroyed_at.is_(None))
    parties = _found(open_cases.add_columns(CaseParty.role).join(CaseParty, CaseParty.case_id == Case.id),
                     _person(wanted, CaseParty.name),
                     lambda row, criterion: PersonMatch("case", row.reference, f"partij-{row.role}", row.opened_at,
                                                        (criterion,)))
    contacts = _found(open_cases.join(CasePartner, CasePartner.case_id == Case.id),
                      _person(wanted, CasePartner.contact_name, CasePartner.contact_email, CasePartner.contact_phone),
                      lambda row, criterion: PersonMatch("case", row.reference, "contactpersoon", row.opened_at,
                                                         (criterion,)))
    invitees = _found(open_cases.join(Meeting, Meeting.case_id == Case.id)
                      .join(MeetingInvitee, MeetingInvitee.meeting_id == Meeting.id).distinct(),
                      _person(wanted, MeetingInvitee.name),
                      lambda row, criterion: PersonMatch("case", row.reference, "genodigde", row.opened_at,
                                                         (criterion,)))
    return parties + contacts + invitees


def _people(wanted: Criteria) -> list[PersonMatch]:
    """People kept across cases (merged ones too: they still hold their details), as the cases and reports they are
    linked to; a person without links by a reference of its own (P-<id>)."""
    tests = _person(wanted, Person.name, Person.email, Person.phone)
    if wanted.postcode and wanted.house_number:
        tests.append(("address", Person.id.in_(sa.select(PersonAddress.person_id).where(
            PersonAddress.postcode == wanted.postcode, PersonAddress.house_number == wanted.house_number))))
    found = []
    for criterion, condition in tests:
        for person in db.session.scalars(sa.select(Person).where(Person.removed_at.is_(None), condition)):
            found += _person_places(person, criterion)
    return found


def _person_places(person: Person, criterion: str) -> list[PersonMatch]:
    places = []
    for link in person.links:
        if link.case is not None and link.case.destroyed_at is None:
            places.append(PersonMatch("case", link.case.reference, f"persoon-{link.role}", link.case.opened_at,
                                      (criterion,)))
        elif link.report is not None and link.report.destroyed_at is None:
            where = "registration" if link.report.channel == "partner" else "report"
            places.append(PersonMatch(where, link.report.reference, f"persoon-{link.role}", link.report.received_at,
                                      (criterion,)))
    return places or [PersonMatch("person", f"P-{person.id}", "persoon", person.created_at, (criterion,))]
