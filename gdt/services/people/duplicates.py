"""Possible duplicates and merging them: the same name (ignoring case and accents) and the same date of birth,
phone, e-mail address or address. A coordinator merges: links, addresses and case parties move to the survivor,
both keep their history, the merged person points to the survivor (and is no longer listed or suggested)."""
from dataclasses import dataclass
from itertools import combinations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from gdt.db import db, utcnow
from gdt.models import CaseParty, Person, User
from gdt.services.core import audit
from gdt.services.core.errors import Forbidden, ServiceError
from gdt.services.core.transaction import check_version, unit_of_work
from gdt.services.people.registry import FIELDS, REFUSED, add_event
from gdt.services.people.suggestions import ACTIVE
from gdt.services.people.visibility import can_view_people

GROUPS_SHOWN = 50  # name groups per page load; a merge shortens the list
REASON_LABELS = {"date_of_birth": _l("geboortedatum"), "phone": _l("telefoonnummer"), "email": _l("e-mailadres"),
                 "address": _l("adres")}


@dataclass(frozen=True)
class Pair:
    first: Person
    second: Person
    reasons: list[str]  # keys of REASON_LABELS: what they share besides the name


def view_duplicates(*, actor: User) -> list[Pair]:
    """The duplicates page: coordinators only, the view audited (how many pairs, no names)."""
    if not can_view_people(actor):
        audit.record_now(actor, "view", "people_duplicates", outcome="denied")
        raise Forbidden(REFUSED)
    pairs = possible_duplicates()
    audit.record_now(actor, "view", "people_duplicates", detail={"pairs": len(pairs)})
    return pairs


def possible_duplicates() -> list[Pair]:
    names = (sa.select(Person.name_key).where(ACTIVE, Person.name_key.is_not(None)).group_by(Person.name_key)
             .having(sa.func.count() > 1).order_by(Person.name_key).limit(GROUPS_SHOWN))
    people = db.session.scalars(sa.select(Person).where(ACTIVE, Person.name_key.in_(names))
                                .options(selectinload(Person.addresses)).order_by(Person.name_key, Person.id))
    groups: dict[str, list[Person]] = {}
    for person in people:
        groups.setdefault(person.name_key, []).append(person)
    pairs = [Pair(first, second, reasons) for group in groups.values() for first, second in combinations(group, 2)
             if (reasons := shared(first, second))]
    return pairs


def shared(first: Person, second: Person) -> list[str]:
    """What two people with the same name have in common (empty: the name alone is no reason to merge)."""
    reasons = [field for field in ("date_of_birth", "phone") if getattr(first, field)
               and getattr(first, field) == getattr(second, field)]
    if first.email and (first.email or "").lower() == (second.email or "").lower():
        reasons.append("email")
    if {(a.postcode, a.house_number) for a in first.addresses} & {(a.postcode, a.house_number)
                                                                  for a in second.addresses}:
        reasons.append("address")
    return reasons


def merge(source: Person, target: Person, *, actor: User, source_version: int | None,
          target_version: int | None) -> Person:
    """Merge `source` into `target` (the survivor). Refused when either changed since the page was shown."""
    if not can_view_people(actor):
        raise Forbidden(REFUSED)
    if source.id == target.id:
        raise ServiceError(_l("Kies twee verschillende personen."))
    with unit_of_work():
        check_version(source, source_version)
        check_version(target, target_version)
        if any(person.merged_into_id or person.removed_at for person in (source, target)):
            raise ServiceError(_l("Een van beide personen is al samengevoegd of verwijderd."))
        moved = _move_links(source, target) + _move_addresses(source, target)
        filled = [field for field in FIELDS if getattr(target, field) is None and getattr(source, field)]
        for field in filled:
            setattr(target, field, getattr(source, field))
        db.session.execute(sa.update(CaseParty).where(CaseParty.person_id == source.id).values(person_id=target.id))
        source.merged_into = target
        source.updated_at = target.updated_at = utcnow()
        add_event(source, "merged_into", actor, {"person": target.id})
        add_event(target, "merged_from", actor, {"person": source.id, "moved": moved, "fields": filled})
        audit.record(actor, "merge_person", "person", str(target.id), detail={"merged": source.id})
    return target


def _move_links(source: Person, target: Person) -> int:
    held = {(link.case_id, link.report_id, link.role) for link in target.links}
    moved = 0
    for link in list(source.links):
        if (link.case_id, link.report_id, link.role) in held:
            db.session.delete(link)  # the survivor already has it
        else:
            link.person = target
            moved += 1
    return moved


def _move_addresses(source: Person, target: Person) -> int:
    held = {(address.postcode, address.house_number, address.house_number_addition) for address in target.addresses}
    moved = 0
    for address in list(source.addresses):
        if (address.postcode, address.house_number, address.house_number_addition) not in held:
            address.person = target
            moved += 1
    return moved
