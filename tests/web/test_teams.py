"""Coordinators limited to their own team's cases, by the admin's setting; one rule for pages, lists and API."""
import pytest

from gdt.services.casework import cases
from gdt.services.core import access, teams
from tests.api.conftest import Caller


@pytest.fixture
def world(make):
    north, south = make.user("coordinator", team="Noord"), make.user("coordinator", team="Zuid")
    roaming = make.user("coordinator")  # no team: sees everything
    return {
        "north": north, "south": south, "roaming": roaming, "admin": make.user("admin"),
        "north_case": make.case(coordinator=north), "south_case": make.case(coordinator=south),
        "unassigned": make.case(),
    }


def visible(db, user):
    return {case.reference for case in db.session.scalars(access.visible_cases(user))}


def test_without_the_limit_every_coordinator_sees_every_case(db, world):
    everything = {world[key].reference for key in ("north_case", "south_case", "unassigned")}
    assert all(visible(db, world[who]) == everything for who in ("north", "south", "roaming"))


def test_with_the_limit_a_coordinator_sees_the_own_team_and_unassigned_cases(db, world, client_as):
    teams.set_restricted(True, actor=world["admin"])
    assert visible(db, world["north"]) == {world["north_case"].reference, world["unassigned"].reference}
    assert world["south_case"].reference in visible(db, world["roaming"])
    assert not access.can_view_case(world["north"], world["south_case"])
    assert not access.can_edit_case(world["north"], world["south_case"])

    north = client_as(user=world["north"])
    assert north.get(f"/cases/{world['south_case'].reference}").status_code == 403
    assert north.get(f"/cases/{world['north_case'].reference}").status_code == 200
    with pytest.raises(cases.Forbidden):
        cases.add_note(world["south_case"], "Niet mijn casus", actor=world["north"])


def test_the_admin_sets_the_limit_and_the_teams_on_a_page(db, world, client_as):
    admin = client_as(user=world["admin"])
    page = admin.get("/admin/teams").get_data(as_text=True)
    assert world["north"].name in page and "Noord" in page
    assert admin.post("/admin/teams", data={"restrict-restricted": "y"}).status_code == 302
    assert teams.restricted()
    assert admin.post(f"/admin/teams/{world['roaming'].id}", data={f"team-{world['roaming'].id}-team": "Zuid"}) \
        .status_code == 302
    db.session.refresh(world["roaming"])
    assert world["roaming"].team == "Zuid"
    assert admin.post(f"/admin/teams/{world['admin'].id}", data={f"team-{world['admin'].id}-team": "X"}) \
        .status_code == 422  # only coordinators have a team
    assert client_as("coordinator").get("/admin/teams").status_code == 403


def test_with_the_limit_the_reports_and_referrals_of_another_teams_case_are_refused_too(app, db, world, make,
                                                                                        client_as):
    """A report bundled into a case belongs to that case: the team limit covers it, its reporter and its
    referrals, on the page, in lists and through the API."""
    in_south = make.report("escalated", case=world["south_case"], reporter_email="buur@example.org")
    in_north = make.report("escalated", case=world["north_case"])
    loose = make.report()
    south_referral = make.referral(case=world["south_case"], report=None)
    teams.set_restricted(True, actor=world["admin"])
    north, api = world["north"], Caller(app.test_client())

    assert not access.can_view_report(north, in_south)
    assert access.can_view_report(north, in_north) and access.can_view_report(north, loose)
    listed = {report.reference for report in db.session.scalars(access.visible_reports(north))}
    assert in_south.reference not in listed and {in_north.reference, loose.reference} <= listed
    assert not access.can_view_referral(north, south_referral)
    assert south_referral.id not in {referral.id for referral in db.session.scalars(access.visible_referrals(north))}

    page = client_as(user=north).get(f"/reports/{in_south.reference}")
    assert page.status_code == 403 and "buur@example.org" not in page.get_data(as_text=True)
    assert api.get(f"/api/v1/reports/{in_south.reference}", north).status_code == 403
    assert in_south.reference not in api.get("/api/v1/reports", north).get_data(as_text=True)
    assert client_as(user=world["south"]).get(f"/reports/{in_south.reference}").status_code == 200
    assert access.can_view_report(world["roaming"], in_south)  # no team: sees everything
