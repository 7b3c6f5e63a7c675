"""Need-to-know in search: every hit passes the rule that opening it would (gdt.services.core.access)."""
import pytest

from gdt.models import CaseNote, CasePartner, CaseParty, PartnerRegistration, Person, PersonAddress, PersonLink
from gdt.services.core import access, teams
from gdt.services.core.errors import Forbidden
from gdt.services.search import run_search


@pytest.fixture
def world(make, db):
    police, housing = make.partner("politie", name="Politie"), make.partner("woonbron", name="Woonbron")
    north, south = make.user("coordinator", team="Noord"), make.user("coordinator", team="Zuid")
    clerk, other_clerk = make.user("intake"), make.user("intake")
    officer = make.user("partner", partner=police)
    admin = make.user("admin")
    north_case = make.case(reference="GDT-2026-000100", coordinator=north)
    south_case = make.case(reference="GDT-2026-000200", coordinator=south)
    north_case.partners.append(CasePartner(partner=police))
    south_case.partners.append(CasePartner(partner=housing))
    db.session.add_all([
        CaseParty(case=north_case, name="Ahmed Noorda", role="subject"),
        CaseParty(case=south_case, name="Sanne Zuidema", role="subject"),
        CaseNote(case=north_case, author=north, body="Gesprek met de buurtregisseur gevoerd.", shareable=True),
        CaseNote(case=north_case, author=north, body="Vertrouwelijk: schuldhulpverlening loopt.", shareable=False),
    ])
    mine = make.report(reference="GDT-2026-000001", registered_by=clerk, postcode="1111AA", house_number=1,
                       reporter_name="Bram Klerk", description="Brommers in de steeg.")
    theirs = make.report(reference="GDT-2026-000002", registered_by=other_clerk, postcode="2222BB", house_number=2,
                         reporter_name="Cor Ander", description="Brommers op het plein.")
    in_south = make.report("escalated", reference="GDT-2026-000003", case=south_case, postcode="3333CC",
                           house_number=3, description="Brommers bij de school.")
    registered = make.report(reference="GDT-2026-000004", channel="partner", postcode="4444DD", house_number=4,
                             description="Brommers bij het station.")
    db.session.add(PartnerRegistration(report=registered, partner=police, registrant_name="Agent Politie",
                                       reason="Zorgen."))
    person = Person(name="Ahmed Noorda")
    person.addresses.append(PersonAddress(postcode="2222BB", house_number=2))
    db.session.add_all([person, PersonLink(person=person, case=north_case, role="subject")])
    db.session.commit()
    teams.set_restricted(True, actor=admin)
    return locals()


def _keys(hits):
    return sorted(hit.key for hit in hits)


@pytest.mark.parametrize("role", ["manager", "admin", "archivist", "privacy"])
def test_roles_without_need_to_know_do_not_search(make, role):
    with pytest.raises(Forbidden):
        run_search(make.user(role), "Brommers")


def test_a_coordinator_finds_only_what_the_team_limit_lets_them_open(world):
    north = world["north"]
    assert _keys(run_search(north, "brommers").reports) == ["GDT-2026-000001", "GDT-2026-000002", "GDT-2026-000004"]
    assert run_search(north, "GDT-2026-000200").cases == []
    assert run_search(north, "Zuidema").cases == []
    assert _keys(run_search(north, "Noorda").cases) == ["GDT-2026-000100"]
    assert _keys(run_search(world["south"], "brommers").reports) == ["GDT-2026-000001", "GDT-2026-000002",
                                                                       "GDT-2026-000003", "GDT-2026-000004"]
    assert not access.can_view_report(north, world["in_south"])  # the same rule as opening it


def test_a_coordinator_finds_people_in_cases_they_may_open(world):
    assert [hit.key for hit in run_search(world["north"], "Ahmed Noorda").people] == [str(world["person"].id)]
    assert run_search(world["south"], "Ahmed Noorda").people == []  # only linked to the other team's case


def test_intake_finds_only_their_own_reports(world):
    found = run_search(world["clerk"], "brommers")
    assert _keys(found.reports) == ["GDT-2026-000001"] and found.cases == []


def test_intake_learns_only_that_an_address_or_person_is_known(world):
    found = run_search(world["clerk"], "2222 BB 2")
    assert found.reports == [] and found.cases == []
    [address] = found.addresses
    assert (address.linked, address.count) == (False, 2)  # a report and a person there: no references, no names
    [person] = run_search(world["clerk"], "Ahmed Noorda").people
    assert (person.linked, person.count, person.context) == (False, 1, ())
    assert run_search(world["clerk"], "Noorda").cases == []
    assert run_search(world["clerk"], "9999 ZZ 9").addresses == []


def test_a_partner_finds_its_own_cases_and_registrations_only(world):
    officer = world["officer"]
    assert _keys(run_search(officer, "brommers").reports) == ["GDT-2026-000004"]
    assert _keys(run_search(officer, "Noorda").cases) == ["GDT-2026-000100"]
    assert run_search(officer, "Zuidema").cases == []  # another partner's case: nothing, not even a count
    assert _keys(run_search(officer, "buurtregisseur").cases) == ["GDT-2026-000100"]  # a shared note
    assert run_search(officer, "schuldhulpverlening").cases == []  # not shared with partners
    found = run_search(officer, "Ahmed Noorda")
    assert found.people == [] and found.addresses == []
