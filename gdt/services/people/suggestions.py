"""Which known people a new party or a report's reporter or subject may be: the same name (ignoring case and
accents), phone, e-mail address or address. The coordinator chooses; nothing is linked by itself."""
import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from gdt.db import db
from gdt.models import CaseParty, Person, PersonAddress, Report
from gdt.services.people.names import name_key

LIMIT = 10
ACTIVE = sa.and_(Person.merged_into_id.is_(None), Person.removed_at.is_(None))


def suggest(*, name: str | None = None, phone: str | None = None, email: str | None = None,
            postcode: str | None = None, house_number: int | None = None) -> list[Person]:
    """Active people matching any of the details given, the closest first (most details in common)."""
    conditions = []
    if key := name_key(name):
        conditions.append(Person.name_key == key)
    if phone:
        conditions.append(Person.phone == phone)
    if email:
        conditions.append(sa.func.lower(Person.email) == email.lower())
    if postcode and house_number:
        conditions.append(Person.id.in_(sa.select(PersonAddress.person_id).where(
            PersonAddress.postcode == postcode, PersonAddress.house_number == house_number)))
    if not conditions:
        return []
    found = db.session.scalars(sa.select(Person).where(ACTIVE, sa.or_(*conditions))
                               .options(selectinload(Person.addresses)).order_by(Person.id).limit(LIMIT * 3))
    ranked = sorted(found, key=lambda person: -_common(person, name, phone, email, postcode, house_number))
    return ranked[:LIMIT]


def for_party(party: CaseParty) -> list[Person]:
    addresses = [(report.postcode, report.house_number) for report in party.case.reports if report.postcode]
    postcode, number = addresses[0] if addresses else (None, None)
    by_name = suggest(name=party.name)
    at_address = suggest(postcode=postcode, house_number=number) if party.role in ("subject", "household") else []
    return _unique(by_name + at_address)


def for_report(report: Report) -> list[Person]:
    reporter = [] if report.reporter_is_anonymous else suggest(
        name=report.reporter_name, phone=report.reporter_phone, email=report.reporter_email)
    return _unique(reporter + suggest(postcode=report.postcode, house_number=report.house_number))


def _common(person: Person, name, phone, email, postcode, house_number) -> int:
    return sum((
        bool(name) and person.name_key == name_key(name),
        bool(phone) and person.phone == phone,
        bool(email) and (person.email or "").lower() == email.lower(),
        bool(postcode) and any(address.postcode == postcode and address.house_number == house_number
                               for address in person.addresses),
    ))


def _unique(people: list[Person]) -> list[Person]:
    seen: set[int] = set()
    return [person for person in people if not (person.id in seen or seen.add(person.id))][:LIMIT]
