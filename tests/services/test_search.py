"""The one search box's service: each kind of term, ranking and grouping, marked matches, the audit event.
Access per role: tests/services/test_search_access.py."""
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, CaseNote, CaseParty, Person, PersonAddress, PersonLink
from gdt.services.core.errors import ServiceError
from gdt.services.search import run_search

POSTGRESQL_ONLY = pytest.mark.skipif("config.getoption('--postgres') is False", reason="PostgreSQL's trigrams")


@pytest.fixture
def coordinator(make):
    return make.user("coordinator")


def _report(make, reference, **fields):
    return make.report(reference=reference, **fields)


def _references(hits):
    return [hit.key for hit in hits]


def _marked(parts):
    return [part.text for part in parts if part.matched]


def test_a_reference_finds_its_report_and_case(make, coordinator):
    case = make.case(reference="GDT-2026-000777")
    _report(make, "GDT-2026-000123")
    _report(make, "GDT-2026-000124")
    assert _references(run_search(coordinator, "gdt-2026-000123").reports) == ["GDT-2026-000123"]
    found = run_search(coordinator, " GDT-2026-000777 ")
    assert _references(found.cases) == [case.reference] and found.reports == []


def test_postcode_and_house_number_in_any_notation(make, coordinator):
    _report(make, "GDT-2026-000001", postcode="1234AB", house_number=12, street="Kerkstraat", city="Utrecht")
    _report(make, "GDT-2026-000002", postcode="1234AB", house_number=14)
    for typed in ("1234AB 12", "1234 ab 12", "1234ab12"):
        found = run_search(coordinator, typed)
        assert _references(found.reports) == ["GDT-2026-000001"], typed
        assert [hit.count for hit in found.addresses] == [1]
    assert sorted(_references(run_search(coordinator, "1234 AB").reports)) == ["GDT-2026-000001", "GDT-2026-000002"]


def test_a_street_finds_reports_and_the_address(make, coordinator):
    _report(make, "GDT-2026-000001", street="Oudegracht", house_number=3)
    _report(make, "GDT-2026-000002", street="Kerkstraat")
    found = run_search(coordinator, "oudegracht")
    assert _references(found.reports) == ["GDT-2026-000001"]
    assert found.reports[0].matched_on == "Straat"
    assert _marked(found.reports[0].address_parts) == ["Oudegracht"]
    assert ["".join(part.text for part in hit.title) for hit in found.addresses] == ["Oudegracht 3, 5611 AB"]


def test_a_name_with_a_typo(make, coordinator):
    _report(make, "GDT-2026-000001", reporter_name="Pieter Jansen")
    _report(make, "GDT-2026-000002", reporter_name="Karin de Vries")
    found = run_search(coordinator, "Jansn")
    assert _references(found.reports) == ["GDT-2026-000001"]
    assert found.reports[0].matched_on == "Melder"


def test_accents_do_not_count(make, coordinator):
    _report(make, "GDT-2026-000001", reporter_name="José Müller", description="Ruzie in het café beneden.")
    assert _references(run_search(coordinator, "jose muller").reports) == ["GDT-2026-000001"]
    assert _references(run_search(coordinator, "cafe").reports) == ["GDT-2026-000001"]


def test_a_phone_number_in_another_notation(make, coordinator):
    _report(make, "GDT-2026-000001", reporter_phone="0612345678")
    _report(make, "GDT-2026-000002", reporter_phone="0687654321")
    for typed in ("+31 6 12345678", "0031612345678", "06-12 34 56 78"):
        assert _references(run_search(coordinator, typed).reports) == ["GDT-2026-000001"], typed


def test_an_email_address_in_full_whatever_the_case(make, coordinator):
    _report(make, "GDT-2026-000001", reporter_email="an.de.boer@example.nl")
    assert _references(run_search(coordinator, "An.De.Boer@Example.NL").reports) == ["GDT-2026-000001"]
    assert run_search(coordinator, "boer@example.nl").reports == []


def test_two_words_from_descriptions_best_first(make, coordinator):
    _report(make, "GDT-2026-000001", description="De honden blaffen de hele dag in de tuin.")
    _report(make, "GDT-2026-000002", description="Honden blaffen, harde muziek en weer honden die blaffen.",
            received_at=datetime(2026, 1, 1, tzinfo=UTC))
    _report(make, "GDT-2026-000003", description="Harde muziek tot diep in de nacht.")
    found = run_search(coordinator, "honden blaffen")
    assert set(_references(found.reports)) == {"GDT-2026-000001", "GDT-2026-000002"}
    assert found.reports[0].key == "GDT-2026-000002"  # both words, twice: ranked above the newer report
    assert found.reports[0].matched_on == "Omschrijving"
    assert {"honden", "blaffen"} <= {text.lower() for text in _marked(found.reports[0].snippet)}


def test_the_corrected_description_is_searched_too(make, coordinator):
    _report(make, "GDT-2026-000001", description="Overlast.", description_corrected="Overlast door een scooter.")
    assert _references(run_search(coordinator, "scooter").reports) == ["GDT-2026-000001"]


def test_note_text_and_case_parties_find_the_case(make, coordinator, db):
    case = make.case(reference="GDT-2026-000500")
    db.session.add_all([CaseNote(case=case, author=coordinator, body="Huisbezoek afgesproken met de woningcorporatie."),
                        CaseParty(case=case, name="Mohammed el Amrani", role="subject")])
    db.session.commit()
    found = run_search(coordinator, "woningcorporatie huisbezoek")
    assert _references(found.cases) == [case.reference] and found.cases[0].matched_on == "Journaalnotitie"
    assert _references(run_search(coordinator, "Amrani").cases) == [case.reference]


def test_a_partner_finds_the_cases_and_reports_it_takes_part_in(make, coordinator):
    police = make.partner("politie", name="Politie Midden-Nederland")
    make.partner("woonbron", name="Woonbron")
    case = make.case(reference="GDT-2026-000600")
    case.partners.append(__import__("gdt.models", fromlist=["CasePartner"]).CasePartner(partner=police))
    referred = make.report("referred", reference="GDT-2026-000601", referred_partner=police)
    make.report("referred", reference="GDT-2026-000602", referred_partner=make.partner("woonbron"))
    found = run_search(coordinator, "politie")
    assert _references(found.cases) == [case.reference]
    assert _references(found.reports) == [referred.reference]
    assert found.reports[0].matched_on == "Ketenpartner"


def test_people_by_name_phone_email_birth_date_and_address(make, coordinator, db):
    case = make.case(reference="GDT-2026-000700")
    person = Person(name="Fatima Bakker", phone="0611122233", email="f.bakker@example.nl",
                    date_of_birth=date(1980, 5, 17))
    person.addresses.append(PersonAddress(postcode="3511AA", house_number=8, street="Lange Nieuwstraat"))
    db.session.add_all([person, PersonLink(person=person, case=case, role="subject")])
    db.session.commit()
    for typed in ("Fatima Baker", "+31611122233", "F.Bakker@example.nl", "17-05-1980", "3511 AA 8"):
        assert _references(run_search(coordinator, typed).people) == [str(person.id)], typed
    assert _marked(run_search(coordinator, "bakker").people[0].title) == ["Bakker"]


def test_matches_are_marked_and_user_text_stays_text(make, coordinator):
    _report(make, "GDT-2026-000001", description="<script>alert(1)</script> herrie van de buren")
    hit = run_search(coordinator, "herrie").reports[0]
    assert _marked(hit.snippet) == ["herrie"]
    assert "".join(part.text for part in hit.snippet).startswith("<script>")  # plain text: the page escapes it


def test_a_long_text_is_cut_around_the_match(make, coordinator):
    _report(make, "GDT-2026-000001", description="Lange tekst. " * 40 + "Vuurwerk op het balkon." + " Meer." * 40)
    snippet = run_search(coordinator, "vuurwerk").reports[0].snippet
    text = "".join(part.text for part in snippet)
    assert len(text) < 200 and text.startswith("…") and text.endswith("…") and _marked(snippet) == ["Vuurwerk"]


def test_results_are_grouped(make, coordinator, db):
    case = make.case(reference="GDT-2026-000800")
    _report(make, "GDT-2026-000801", street="Vinkenstraat", reporter_name="Els Vink")
    db.session.add(CaseParty(case=case, name="Henk Vink", role="subject"))
    db.session.commit()
    found = run_search(coordinator, "vink")
    assert [name for name, hits in found.groups if hits] == ["reports", "cases", "addresses"]
    assert found.total == 3


def test_destroyed_content_is_not_found(make, coordinator):
    report = _report(make, "GDT-2026-000001", description="Geluidsoverlast door een feest.")
    report.destroyed_at, report.description, report.postcode, report.house_number = (
        datetime(2026, 6, 1, tzinfo=UTC), None, None, None)
    make.session.commit()
    assert run_search(coordinator, "feest").reports == []
    assert run_search(coordinator, "GDT-2026-000001").reports == []


def test_every_search_is_audited_with_its_terms(make, coordinator, db):
    run_search(coordinator, "Jansen")
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "search")).one()
    assert (event.actor_id, event.object_type, event.detail["terms"]) == (coordinator.id, "search", "Jansen")
    run_search(coordinator, "Jansen", audit=False)
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "search")) == 1


@pytest.mark.parametrize("typed", ["", " ", "a", "!!", "x" * 201])
def test_too_little_or_too_much_to_search_for(coordinator, typed):
    with pytest.raises(ServiceError) as refused:
        run_search(coordinator, typed)
    assert refused.value.field == "q"
