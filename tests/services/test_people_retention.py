"""A person's data goes with the cases and reports it belongs to; the privacy officer's finder finds people."""
from datetime import date

import sqlalchemy as sa

from gdt.models import Person, PersonLink
from gdt.services.people import duplicates, registry
from gdt.services.privacy import people as privacy_people
from gdt.services.retention import content_removal


def test_removing_a_case_removes_its_links_and_people_left_without_any(db, make):
    coordinator = make.user("coordinator")
    case, other = make.case(), make.case()
    only_here = registry.create_person("Anna Bakker", date(1980, 5, 1), "0612345678", actor=coordinator)
    registry.add_address(only_here, "1234AB", "5", actor=coordinator)
    also_elsewhere = registry.create_person("Piet de Boer", actor=coordinator)
    for person, cases in ((only_here, [case]), (also_elsewhere, [case, other])):
        for linked in cases:
            registry.link(person, actor=coordinator, role="subject", case_id=linked.id)
    db.session.commit()
    content_removal.remove_case(case)
    db.session.commit()
    assert db.session.scalars(sa.select(PersonLink.case_id).where(PersonLink.case_id == case.id)).all() == []
    gone, kept = db.session.get(Person, only_here.id), db.session.get(Person, also_elsewhere.id)
    assert (gone.name, gone.date_of_birth, gone.phone, gone.addresses) == (None, None, None, [])
    assert gone.removed_at is not None and gone.events[-1].event == "removed"
    assert kept.name == "Piet de Boer" and kept.removed_at is None


def test_removing_a_report_takes_a_person_merged_into_the_orphan_along(db, make):
    coordinator = make.user("coordinator")
    report = make.report()
    keep = registry.create_person("Anna Bakker", date(1980, 5, 1), actor=coordinator)
    gone = registry.create_person("Anna Bakker", date(1980, 5, 1), "0612345678", actor=coordinator)
    registry.link_report(report, "subject", gone.id, actor=coordinator)
    duplicates.merge(gone, keep, actor=coordinator, source_version=gone.version, target_version=keep.version)
    content_removal.remove_report(report)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Person, keep.id).name is None and db.session.get(Person, gone.id).phone is None


def test_privacy_finder_finds_people_by_their_links_and_alone(db, make):
    coordinator = make.user("coordinator")
    case = make.case()
    linked = registry.create_person("Anna Bakker", None, "0612345678", actor=coordinator)
    registry.link(linked, actor=coordinator, role="household", case_id=case.id)
    alone = registry.create_person("Kees Klaassen", actor=coordinator)
    registry.add_address(alone, "1234AB", "5", actor=coordinator)
    db.session.commit()
    found = privacy_people.find(phone="+31 6 12345678")
    assert [(match.where, match.reference, match.role) for match in found] == [
        ("case", case.reference, "persoon-household")]
    assert found[0].role_label == "Vastgelegde persoon: Huisgenoot"
    found = privacy_people.find(postcode="1234 AB", house_number="5")
    assert [(match.where, match.reference) for match in found] == [("person", f"P-{alone.id}")]
