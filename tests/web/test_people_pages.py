"""The people pages: the person page with need-to-know, editing, linking a party and a report, duplicates and
merging, "eerder in beeld" on the triage page and for the phone intake, and what partners never see."""
from datetime import date

import sqlalchemy as sa

from gdt.models import AuditEvent, CasePartner, CaseParty, Person
from gdt.services.core import teams
from gdt.services.people import registry


def person_with_cases(make, coordinator, *cases):
    person = registry.create_person("Anna Bakker", date(1980, 5, 1), actor=coordinator)
    for case in cases:
        registry.link(person, actor=coordinator, role="subject", case_id=case.id)
    make.session.commit()
    return person


def test_person_page_shows_links_the_coordinator_may_open_and_counts_the_rest(db, make, client_as):
    admin = make.user("admin")
    north, south = make.user("coordinator", team="Noord"), make.user("coordinator", team="Zuid")
    own, other = make.case(coordinator=north), make.case(coordinator=south)
    person = person_with_cases(make, north, own, other)
    teams.set_restricted(True, actor=admin)
    page = client_as(user=north).get(f"/personen/{person.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert own.reference in html and other.reference not in html
    assert "Nog 1 casus of melding waar u geen toegang toe heeft." in html
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.object_type == "person",
                                                         AuditEvent.action == "view")).actor_id == north.id


def test_other_roles_never_open_a_person(db, make, client_as):
    person = person_with_cases(make, make.user("coordinator"), make.case())
    for role in ("intake", "manager", "admin", "partner", "privacy", "archivist"):
        assert client_as(role).get(f"/personen/{person.id}").status_code == 403


def test_edit_refuses_bad_input_and_a_stale_version(db, make, client_as):
    coordinator = make.user("coordinator")
    person = person_with_cases(make, coordinator)
    client = client_as(user=coordinator)
    refused = client.post(f"/personen/{person.id}/edit", data={"name": "", "phone": "abc", "version": person.version})
    assert refused.status_code == 422 and "Vul een naam in." in refused.get_data(as_text=True)
    stale = client.post(f"/personen/{person.id}/edit", data={"name": "Anna", "version": person.version - 1})
    assert stale.status_code == 422 and "door iemand anders gewijzigd" in stale.get_data(as_text=True)
    done = client.post(f"/personen/{person.id}/edit", data={"name": "Anna de Bakker", "date_of_birth": "1980-05-02",
                                                            "phone": "06 1234 5678", "version": person.version})
    assert done.status_code == 302
    db.session.refresh(person)
    assert (person.name, person.date_of_birth, person.phone) == ("Anna de Bakker", date(1980, 5, 2), "0612345678")


def test_address_is_added_and_bad_postcode_refused(db, make, client_as):
    coordinator = make.user("coordinator")
    person = person_with_cases(make, coordinator)
    client = client_as(user=coordinator)
    assert client.post(f"/personen/{person.id}/address", data={"postcode": "x", "house_number": "1"}).status_code == 422
    assert client.post(f"/personen/{person.id}/address", data={"postcode": "1234ab", "house_number": "5"}
                       ).status_code == 302
    db.session.refresh(person)
    assert [(a.postcode, a.house_number) for a in person.addresses] == [("1234AB", 5)]


def test_case_page_links_a_party_to_a_suggested_person(db, make, client_as):
    coordinator = make.user("coordinator")
    earlier_case, case = make.case(coordinator=coordinator), make.case(coordinator=coordinator)
    person = person_with_cases(make, coordinator, earlier_case)
    party = CaseParty(case=case, name="anna bakker", role="subject")
    make.session.add(party)
    make.session.commit()
    client = client_as(user=coordinator)
    assert f"/personen/parties/{party.id}/link" in client.get(f"/cases/{case.reference}").get_data(as_text=True)
    form = client.get(f"/personen/parties/{party.id}/link").get_data(as_text=True)
    assert "Anna Bakker · 01-05-1980" in form
    assert client.post(f"/personen/parties/{party.id}/link", data={"person": str(person.id)}).status_code == 302
    db.session.refresh(party)
    assert party.person_id == person.id
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert f"/personen/{person.id}" in page and "ook 1 keer elders in beeld" in page


def test_partner_case_view_never_shows_the_person_or_other_cases(db, make, client_as):
    coordinator, partner_user = make.user("coordinator"), make.user("partner")
    first, second = make.case(coordinator=coordinator), make.case(coordinator=coordinator)
    make.session.add(CasePartner(case=second, partner=partner_user.partner))
    person = person_with_cases(make, coordinator, first)
    party = CaseParty(case=second, name="Anna Bakker", role="subject")
    make.session.add(party)
    make.session.commit()
    registry.link_party(party, person.id, actor=coordinator)
    html = client_as(user=partner_user).get(f"/partner/casussen/{second.reference}").get_data(as_text=True)
    assert "Anna Bakker" in html  # the party as before
    assert first.reference not in html and "/personen/" not in html and "elders" not in html


def test_triage_page_shows_earlier_in_view_and_links_a_subject(db, make, client_as):
    coordinator = make.user("coordinator")
    earlier_report = make.report("referred", postcode="1234AB", house_number=5)
    report = make.report(postcode="1234AB", house_number=5)
    client = client_as(user=coordinator)
    page = client.get(f"/reports/{report.reference}").get_data(as_text=True)
    assert "Eerder in beeld" in page and earlier_report.reference in page
    refused = client.post(f"/personen/reports/{report.reference}/link", data={"role": "subject", "person": "new"})
    assert refused.status_code == 422 and "Vul een naam in." in refused.get_data(as_text=True)
    done = client.post(f"/personen/reports/{report.reference}/link",
                       data={"role": "subject", "person": "new", "name": "Kees Klaassen"})
    assert done.status_code == 302
    person = db.session.scalar(sa.select(Person).where(Person.name == "Kees Klaassen"))
    assert [(a.postcode, a.house_number) for a in person.addresses] == [("1234AB", 5)]
    page = client.get(f"/reports/{report.reference}").get_data(as_text=True)
    assert f"/personen/{person.id}" in page and "Overlastgever" in page


def test_intake_gets_a_count_and_dates_only(db, make, client_as):
    clerk = make.user("intake")
    case_report = make.report("escalated", postcode="1234AB", house_number=5)
    client = client_as(user=clerk)
    answer = client.post("/personen/earlier", json={"postcode": "1234 ab", "house_number": "5"})
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["count"] == 2 and len(body["dates"]) == 2
    assert case_report.reference not in body["html"] and case_report.case.reference not in body["html"]
    assert "Eerder in beeld: 2 keer." in body["html"]
    assert client.post("/personen/earlier", json={"postcode": "x"}).status_code == 422
    assert 'id="earlier-in-view"' in client.get("/intake/reports/new").get_data(as_text=True)
    assert client_as("manager").post("/personen/earlier", json={"postcode": "1234AB", "house_number": "5"}
                                     ).status_code == 403


def test_duplicates_list_and_merge(db, make, client_as):
    coordinator = make.user("coordinator")
    first = registry.create_person("Anna Bakker", date(1980, 5, 1), actor=coordinator)
    second = registry.create_person("ANNA BAKKER", date(1980, 5, 1), "0612345678", actor=coordinator)
    client = client_as(user=coordinator)
    listing = client.get("/personen/duplicates").get_data(as_text=True)
    assert f"/personen/{second.id}/merge/{first.id}" in listing and "geboortedatum" in listing
    confirm = client.get(f"/personen/{second.id}/merge/{first.id}").get_data(as_text=True)
    assert "Ja, samenvoegen" in confirm
    stale = client.post(f"/personen/{second.id}/merge/{first.id}",
                        data={"source_version": second.version - 1, "target_version": first.version})
    assert stale.status_code == 422
    done = client.post(f"/personen/{second.id}/merge/{first.id}",
                       data={"source_version": second.version, "target_version": first.version})
    assert done.status_code == 302
    db.session.refresh(second)
    db.session.refresh(first)
    assert second.merged_into_id == first.id and first.phone == "0612345678"
    assert "Er zijn geen mogelijk dubbele personen." in client.get("/personen/duplicates").get_data(as_text=True)
    assert [event.detail for event in db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.object_type == "people_duplicates"))] == [{"pairs": 1}, {"pairs": 0}]
    assert "samengevoegd met" in client.get(f"/personen/{second.id}").get_data(as_text=True)
