"""Finding a person everywhere they appear: reports, partner registrations, case parties, partners' contact persons,
meeting invitees and the address of the nuisance; names in part and in any case, phones in every spelling;
destroyed rows match nothing; the page's search is audited without the searched values."""
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, CasePartner, CaseParty, Meeting, MeetingInvitee, PartnerRegistration
from gdt.services.core.errors import ServiceError, ValidationFailed
from gdt.services.privacy import people


def _places(found):
    return {(match.where, match.reference, match.role) for match in found}


@pytest.fixture
def scene(make, db):
    """Petra de Vries appears in every kind of place; Karel Bos beside her in the same case."""
    case = make.case()
    report = make.report("escalated", case=case, reporter_name="Petra de Vries", reporter_email="Petra@Voorbeeld.nl",
                         reporter_phone="+31612345678")
    other = make.report(reporter_name="Karel Bos", reporter_phone="0687654321", postcode="1234AB", house_number=7)
    registration_report = make.report(channel="partner", reporter_name=None, reporter_phone=None,
                                      reporter_may_contact=False)
    police = make.partner("politie")
    db.session.add_all([
        PartnerRegistration(report_id=registration_report.id, partner_id=police.id, registrant_name="Wijkagent Smit",
                            registrant_email="smit@politie.test", registrant_phone="06-11112222",
                            concerned_name="P. de Vries", reason="Zorgen over de bewoonster."),
        CaseParty(case=case, name="Petra de Vries", role="subject"),
        CaseParty(case=case, name="Karel Bos", role="reporter"),
        CasePartner(case=case, partner=police, contact_name="Agent Jansen", contact_phone="0611112222",
                    contact_email="jansen@politie.test"),
        Meeting(case=case, starts_at=datetime(2026, 3, 10, 9, tzinfo=UTC), location="Stadhuis", status="planned",
                invitees=[MeetingInvitee(name="Petra de Vries")]),
    ])
    db.session.commit()
    return case, report, other, registration_report


def test_a_name_is_found_in_part_and_in_any_case_everywhere_it_appears(scene):
    case, report, _other, registration = scene
    found = people.find(name="de vries")
    assert _places(found) == {
        ("report", report.reference, "melder"),
        ("registration", registration.reference, "betrokkene"),
        ("case", case.reference, "partij-subject"),
        ("case", case.reference, "genodigde"),
    }
    assert all(match.matched == ("name",) for match in found)


def test_an_email_address_matches_whole_and_regardless_of_case(scene):
    _case, report, _other, registration = scene
    assert _places(people.find(email="petra@voorbeeld.NL")) == {("report", report.reference, "melder")}
    assert people.find(email="petra@voorbeeld") == []  # whole addresses only
    with pytest.raises(ValidationFailed):
        people.find(email="voorbeeld.nl")  # a domain is no person
    assert _places(people.find(email="SMIT@politie.test")) == {("registration", registration.reference, "aanmelder")}


@pytest.mark.parametrize("typed", ["06 12345678", "+31 6 1234 5678", "0031612345678", "06-12345678"])
def test_a_phone_number_matches_in_every_spelling(scene, typed):
    _case, report, _other, _registration = scene
    assert _places(people.find(phone=typed)) == {("report", report.reference, "melder")}


def test_phones_of_registrants_and_contact_persons_are_found_too(scene):
    case, _report, _other, registration = scene
    assert _places(people.find(phone="0611112222")) == {("registration", registration.reference, "aanmelder"),
                                                        ("case", case.reference, "contactpersoon")}


def test_an_address_finds_the_reports_of_nuisance_there(scene):
    _case, _report, other, _registration = scene
    assert _places(people.find(postcode="1234 ab", house_number="7")) == {("report", other.reference, "adres")}
    assert people.find(postcode="1234AB", house_number="8") == []


def test_several_fields_together_merge_into_one_line_per_place(scene):
    _case, report, _other, _registration = scene
    found = [match for match in people.find(name="Petra", phone="0612345678") if match.reference == report.reference]
    assert len(found) == 1 and set(found[0].matched) == {"name", "phone"}


def test_destroyed_reports_and_cases_match_nothing(scene, db):
    case, report, _other, _registration = scene
    report.destroyed_at = case.destroyed_at = datetime(2026, 12, 1, tzinfo=UTC)
    db.session.commit()
    references = {match.reference for match in people.find(name="Petra de Vries")}
    assert report.reference not in references and case.reference not in references


def test_like_wildcards_in_a_name_are_taken_literally(scene):
    assert people.find(name="%%") == []
    assert people.find(name="__") == []


def test_bad_input_is_refused_in_words_and_empty_input_asks_for_something():
    with pytest.raises(ValidationFailed) as refused:
        people.find(phone="abc", postcode="99", house_number="x", email="geen-adres", name="P")
    assert set(refused.value.errors) == {"phone", "postcode", "house_number", "email", "name"}
    with pytest.raises(ServiceError, match="ten minste één zoekgegeven"):
        people.find()


def test_the_pages_search_is_audited_with_the_fields_and_never_the_values(scene, make, db):
    officer = make.user("privacy")
    people.search(people.criteria(name="Petra", phone="0612345678"), actor=officer)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.object_type == "person"))
    assert (event.action, event.actor_id, event.object_ref) == ("search", officer.id, None)
    assert event.detail["fields"] == ["name", "phone"]
    assert "Petra" not in str(event.detail) and "612345678" not in str(event.detail)
