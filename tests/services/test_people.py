"""People across cases: registering, linking, suggestions, eerder in beeld, duplicates and merging, need-to-know."""
from datetime import date

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, CaseParty, Person, PersonLink
from gdt.services.core import teams
from gdt.services.core.errors import Conflict, Forbidden, ServiceError, ValidationFailed
from gdt.services.people import duplicates, earlier, registry, suggestions
from gdt.services.people.names import name_key


def audit_actions(db, action):
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_name_key_ignores_case_accents_and_spacing():
    assert name_key("  José  de VRIES ") == name_key("jose de vries") == "jose de vries"
    assert name_key(None) is None


def test_create_person_cleans_details_and_writes_history(db, make):
    coordinator = make.user("coordinator")
    person = registry.create_person("Anna Bakker", date(1980, 5, 1), "06 1234 5678", "Anna@Voorbeeld.test",
                                    actor=coordinator)
    assert (person.phone, person.email, person.name_key) == ("0612345678", "anna@voorbeeld.test", "anna bakker")
    assert [event.event for event in person.events] == ["registered"]
    assert audit_actions(db, "create_person")[0].object_ref == str(person.id)


def test_bad_details_change_nothing(db, make):
    coordinator = make.user("coordinator")
    with pytest.raises(ValidationFailed) as refused:
        registry.create_person("", None, "abc", None, actor=coordinator)
    assert set(refused.value.errors) == {"name", "phone"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 0


def test_only_coordinators_work_with_people(db, make):
    for role in ("intake", "manager", "admin", "partner"):
        with pytest.raises(Forbidden):
            registry.create_person("Anna Bakker", actor=make.user(role))


def test_update_person_checks_version_and_records_fields(db, make):
    coordinator = make.user("coordinator")
    person = registry.create_person("Anna Bakker", actor=coordinator)
    with pytest.raises(Conflict):
        registry.update_person(person, "Anna Bakker", None, "0612345678", None, actor=coordinator, seen_version=99)
    registry.update_person(person, "Anna Bakker", None, "0612345678", None, actor=coordinator,
                           seen_version=person.version)
    assert person.phone == "0612345678"
    assert person.events[-1].detail == {"fields": ["phone"]}


def test_link_party_to_new_and_existing_person(db, make):
    coordinator = make.user("coordinator")
    first, second = make.case(), make.case()
    party = CaseParty(case=first, name="Piet de Boer", role="subject")
    other = CaseParty(case=second, name="piet de böer", role="household")
    db.session.add_all([party, other])
    db.session.commit()
    person = registry.link_party(party, None, actor=coordinator)
    assert suggestions.for_party(other) == [person]
    assert registry.link_party(other, person.id, actor=coordinator) is person
    assert party.person_id == other.person_id == person.id
    assert sorted((link.case_id, link.role) for link in person.links) == sorted(
        [(first.id, "subject"), (second.id, "household")])
    registry.link_party(other, person.id, actor=coordinator)  # once per role
    assert len(person.links) == 2


def test_link_report_reporter_and_subject(db, make):
    coordinator = make.user("coordinator")
    report = make.report()
    reporter = registry.link_report(report, "reporter", None, actor=coordinator)
    assert (reporter.name, reporter.phone) == ("Jan Jansen", "0612345678")
    subject = registry.new_subject(report, "Kees Klaassen", actor=coordinator)
    assert [(a.postcode, a.house_number) for a in subject.addresses] == [("5611AB", 1)]
    assert {link.role for link in db.session.scalars(sa.select(PersonLink).where(
        PersonLink.report_id == report.id))} == {"reporter", "subject"}
    with pytest.raises(ServiceError):
        registry.link_report(report, "judge", None, actor=coordinator)
    with pytest.raises(ServiceError):
        registry.link_report(make.report(reporter_is_anonymous=True, reporter_name=None, reporter_phone=None,
                                         reporter_may_contact=False), "reporter", None, actor=coordinator)


def test_suggestions_match_name_phone_email_and_address(db, make):
    coordinator = make.user("coordinator")
    person = registry.create_person("Anna Bakker", None, "0612345678", "anna@voorbeeld.test", actor=coordinator)
    registry.add_address(person, "5611 ab", "7", actor=coordinator)
    assert suggestions.suggest(name="ANNA BÄKKER") == [person]
    assert suggestions.suggest(phone="0612345678") == [person]
    assert suggestions.suggest(email="Anna@voorbeeld.test") == [person]
    assert suggestions.suggest(postcode="5611AB", house_number=7) == [person]
    assert suggestions.suggest(name="Iemand Anders") == []


def test_intake_count_at_address_from_reports_and_people(db, make):
    coordinator, clerk = make.user("coordinator"), make.user("intake")
    make.report(postcode="1234AB", house_number=5)
    elsewhere = make.report("escalated", postcode="9999ZZ", house_number=1)
    person = registry.create_person("Anna Bakker", actor=coordinator)
    registry.add_address(person, "1234AB", "5", actor=coordinator)
    registry.link(person, actor=coordinator, role="subject", report_id=elsewhere.id)
    db.session.commit()
    found = earlier.count_at_address("1234 ab", "5", actor=clerk)
    assert found.count == 3  # the report at the address, the person's report elsewhere and its case
    assert len(found.dates) == 3
    assert earlier.count_at_address("1234AB", "6", actor=clerk).count == 0
    event = audit_actions(db, "earlier_in_view")[0]
    assert event.actor_id == clerk.id and "1234" not in str(event.detail)
    with pytest.raises(ServiceError):
        earlier.count_at_address("nope", "5", actor=clerk)


def test_triage_shows_only_what_the_coordinator_may_open(db, make):
    admin = make.user("admin")
    north, south = make.user("coordinator", team="Noord"), make.user("coordinator", team="Zuid")
    report = make.report(postcode="1234AB", house_number=5)
    theirs = make.report("escalated", postcode="1234AB", house_number=5)
    theirs.case.coordinator = south
    mine = make.report("referred", postcode="1234AB", house_number=5)
    db.session.commit()
    teams.set_restricted(True, actor=admin)
    found = earlier.for_report(report, actor=north)
    assert found.reports == [mine] and found.cases == [] and found.hidden == 2
    found = earlier.for_report(report, actor=south)
    assert set(found.reports) == {mine, theirs} and found.cases == [theirs.case] and found.hidden == 0


def test_person_page_counts_links_the_viewer_may_not_open(db, make):
    admin = make.user("admin")
    north, south = make.user("coordinator", team="Noord"), make.user("coordinator", team="Zuid")
    own, other = make.case(coordinator=north), make.case(coordinator=south)
    person = registry.create_person("Anna Bakker", actor=north)
    registry.link(person, actor=north, role="subject", case_id=own.id)
    registry.link(person, actor=north, role="subject", case_id=other.id)
    db.session.commit()
    teams.set_restricted(True, actor=admin)
    page = registry.person_page(person.id, actor=north)
    assert [link.case for link in page.links.shown] == [own] and page.links.hidden == 1
    with pytest.raises(Forbidden):
        registry.person_page(person.id, actor=make.user("partner"))
    assert [event.outcome for event in audit_actions(db, "view")][-2:] == ["ok", "denied"]


def test_duplicates_need_name_and_one_more_detail(db, make):
    coordinator = make.user("coordinator")
    first = registry.create_person("Anna Bakker", date(1980, 5, 1), actor=coordinator)
    second = registry.create_person("anna bäkker", date(1980, 5, 1), actor=coordinator)
    registry.create_person("Anna Bakker", date(1990, 1, 1), actor=coordinator)  # same name only: no pair
    pairs = duplicates.possible_duplicates()
    assert [(pair.first, pair.second, pair.reasons) for pair in pairs] == [(first, second, ["date_of_birth"])]


def test_merge_moves_links_addresses_and_parties_and_keeps_history(db, make):
    coordinator = make.user("coordinator")
    case, report = make.case(), make.report()
    keep = registry.create_person("Anna Bakker", date(1980, 5, 1), actor=coordinator)
    gone = registry.create_person("Anna Bakker", date(1980, 5, 1), "0612345678", actor=coordinator)
    registry.add_address(gone, "1234AB", "5", actor=coordinator)
    party = CaseParty(case=case, name="Anna Bakker", role="subject")
    db.session.add(party)
    db.session.commit()
    registry.link_party(party, gone.id, actor=coordinator)
    registry.link_report(report, "subject", gone.id, actor=coordinator)
    registry.link_report(report, "subject", keep.id, actor=coordinator)  # both: one link survives
    with pytest.raises(Conflict):
        duplicates.merge(gone, keep, actor=coordinator, source_version=gone.version - 1, target_version=keep.version)
    duplicates.merge(gone, keep, actor=coordinator, source_version=gone.version, target_version=keep.version)
    assert gone.merged_into is keep and gone.links == []
    assert {(link.case_id, link.report_id) for link in keep.links} == {(None, report.id), (case.id, None)}
    assert [(a.postcode, a.house_number) for a in keep.addresses] == [("1234AB", 5)]
    assert keep.phone == "0612345678" and party.person_id == keep.id
    assert gone.events[-1].event == "merged_into" and keep.events[-1].event == "merged_from"
    assert duplicates.possible_duplicates() == []
    assert suggestions.suggest(name="Anna Bakker") == [keep]
    with pytest.raises(ServiceError):
        registry.update_person(gone, "X", None, None, None, actor=coordinator, seen_version=gone.version)
    assert audit_actions(db, "merge_person")[0].detail == {"merged": gone.id}


def test_demo_has_one_person_in_two_cases_and_a_duplicate_pair(db):
    from gdt.services.demo import demo_data
    demo_data.load_demo(year=2025, reports=500, if_empty=False)
    people = {person.name: person for person in db.session.scalars(sa.select(Person))}
    resident = people["Ruud de Vries"]
    assert len({link.case_id for link in resident.links}) == 2
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseParty).where(
        CaseParty.person_id == resident.id)) == 2
    assert [{pair.first.name, pair.second.name} for pair in duplicates.possible_duplicates()] == [
        {"Fatima el Amrani", "Fátima El Amrani"}]
