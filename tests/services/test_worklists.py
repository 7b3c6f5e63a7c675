"""Saved work lists: saving, sharing within the team, owner-only changes, pins and counts per viewer."""
import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, SavedList, SavedListPin
from gdt.services.core import teams
from gdt.services.core.errors import Conflict, Forbidden, NotFound, ServiceError
from gdt.services.worklists import counts, filters, saved_lists


def test_a_saved_filter_keeps_only_the_pages_own_keys_and_values(make):
    owner = make.user("coordinator")
    make.category()
    saved = saved_lists.create(owner, name="Open regie", kind="cases",
                               raw_filters={"status": "open", "mode": "regie", "name": "Jansen", "page": "3",
                                            "coordinator": "999999", "from": "2026-02-30"})
    assert saved.filters == {"status": "open", "mode": "regie"}
    assert saved.search_text is None


def test_report_filters_are_read_by_the_queue_parser(make):
    owner = make.user("intake")
    make.category()
    saved = saved_lists.create(owner, name="Te laat", kind="reports",
                               raw_filters={"age": "overdue", "category": "geluidsoverlast", "channel": "pigeon"})
    assert saved.filters == {"age": "overdue", "category": "geluidsoverlast"}


def test_a_list_without_a_name_or_with_a_taken_name_is_refused_and_nothing_saved(make):
    owner = make.user("coordinator")
    with pytest.raises(ServiceError) as refused:
        saved_lists.create(owner, name="  ", kind="cases")
    assert refused.value.field == "name"
    saved_lists.create(owner, name="Mijn lijst", kind="cases")
    with pytest.raises(ServiceError) as taken:
        saved_lists.create(owner, name="Mijn lijst", kind="reports")
    assert taken.value.field == "name"
    assert make.session.scalar(sa.select(sa.func.count()).select_from(SavedList)) == 1


def test_intake_may_not_save_the_case_list_nor_share(make):
    clerk = make.user("intake")
    with pytest.raises(ServiceError) as refused:
        saved_lists.create(clerk, name="Casussen", kind="cases")
    assert refused.value.field == "kind"
    with pytest.raises(ServiceError) as not_shared:
        saved_lists.create(clerk, name="Mijn wachtrij", kind="reports", shared=True)
    assert not_shared.value.field == "shared"


def test_a_shared_list_reaches_the_owners_team_only_when_teams_limit(make):
    owner, colleague, other_team = make.user("coordinator"), make.user("coordinator"), make.user("coordinator")
    admin = make.user("admin")
    for user, team in ((owner, "Noord"), (colleague, "Noord"), (other_team, "Zuid")):
        teams.set_team(user, team, actor=admin)
    shared = saved_lists.create(owner, name="Gedeeld", kind="cases", shared=True)
    personal = saved_lists.create(owner, name="Privé", kind="cases")
    assert [saved.id for saved in saved_lists.lists_for(colleague)] == [shared.id]
    assert saved_lists.lists_for(other_team) == []
    with pytest.raises(NotFound):
        saved_lists.get(colleague, personal.id)
    assert saved_lists.lists_for(make.user("intake")) == []


def test_without_teams_a_shared_list_reaches_every_coordinator(make):
    owner, anyone = make.user("coordinator"), make.user("coordinator")
    shared = saved_lists.create(owner, name="Voor iedereen", kind="reports", shared=True)
    assert saved_lists.get(anyone, shared.id) == shared


def test_only_the_owner_renames_shares_or_deletes(make):
    owner, colleague = make.user("coordinator"), make.user("coordinator")
    saved = saved_lists.create(owner, name="Gedeeld", kind="cases", shared=True)
    for change in (lambda: saved_lists.rename(colleague, saved, "Van mij", seen_version=saved.version),
                   lambda: saved_lists.set_shared(colleague, saved, False, seen_version=saved.version),
                   lambda: saved_lists.delete(colleague, saved, seen_version=saved.version)):
        with pytest.raises(Forbidden):
            change()
    assert saved.name == "Gedeeld" and saved.shared_with_team


def test_a_stale_rename_is_refused(make):
    owner = make.user("coordinator")
    saved = saved_lists.create(owner, name="Eerst", kind="cases")
    saved_lists.rename(owner, saved, "Tweede", seen_version=saved.version)
    with pytest.raises(Conflict):
        saved_lists.rename(owner, saved, "Derde", seen_version=1)
    assert saved.name == "Tweede"


def test_each_colleague_pins_a_shared_list_and_unsharing_takes_it_off_their_start_page(make):
    owner, colleague = make.user("coordinator"), make.user("coordinator")
    saved = saved_lists.create(owner, name="Gedeeld", kind="cases", shared=True)
    saved_lists.pin(owner, saved)
    saved_lists.pin(colleague, saved)
    assert saved_lists.pinned(colleague) == [saved]
    saved_lists.set_shared(owner, saved, False, seen_version=saved.version)
    assert saved_lists.pinned(colleague) == []
    assert saved_lists.pinned(owner) == [saved]


def test_pins_are_limited_and_intake_has_no_start_page(make):
    owner = make.user("coordinator")
    for n in range(saved_lists.MAX_PINNED):
        saved_lists.pin(owner, saved_lists.create(owner, name=f"Lijst {n}", kind="cases"))
    with pytest.raises(ServiceError):
        saved_lists.pin(owner, saved_lists.create(owner, name="Eén te veel", kind="cases"))
    clerk = make.user("intake")
    with pytest.raises(ServiceError):
        saved_lists.pin(clerk, saved_lists.create(clerk, name="Mijn wachtrij", kind="reports"))


def test_deleting_a_list_removes_every_pin_on_it(make):
    owner, colleague = make.user("coordinator"), make.user("coordinator")
    saved = saved_lists.create(owner, name="Gedeeld", kind="cases", shared=True)
    saved_lists.pin(colleague, saved)
    saved_lists.delete(owner, saved, seen_version=saved.version)
    assert make.session.scalar(sa.select(sa.func.count()).select_from(SavedListPin)) == 0
    assert make.session.scalar(sa.select(sa.func.count()).select_from(SavedList)) == 0


def test_deleting_a_user_removes_their_lists(make):
    owner = make.user("coordinator")
    saved_lists.create(owner, name="Van mij", kind="cases")
    make.session.execute(sa.delete(type(owner)).where(type(owner).id == owner.id))
    make.session.expire_all()
    assert make.session.scalar(sa.select(sa.func.count()).select_from(SavedList)) == 0


def test_the_count_is_what_the_viewer_sees_in_the_list(make):
    owner, colleague = make.user("coordinator"), make.user("coordinator")
    make.case("open"), make.case("open"), make.case("closed", result="de-escalated")
    saved = saved_lists.create(owner, name="Open", kind="cases", raw_filters={"status": "open"}, shared=True)
    assert counts.count(owner, saved) == 2
    assert counts.count(colleague, saved) == 2


def test_a_shared_count_never_shows_more_than_the_viewers_own_need_to_know(make):
    admin = make.user("admin")
    owner, colleague = make.user("coordinator"), make.user("coordinator")
    teams.set_team(owner, "Noord", actor=admin)
    teams.set_team(colleague, "Noord", actor=admin)
    south = make.user("coordinator")
    teams.set_team(south, "Zuid", actor=admin)
    make.case("open", coordinator_id=south.id)
    make.case("open", coordinator_id=owner.id)
    teams.set_restricted(True, actor=admin)
    saved = saved_lists.create(owner, name="Open", kind="cases", raw_filters={"status": "open"}, shared=True)
    assert counts.count(colleague, saved) == 1
    teams.set_restricted(False, actor=admin)
    assert counts.count(colleague, saved) == 2


def test_an_intake_clerks_report_count_is_their_own_queue(make):
    clerk = make.user("intake")
    make.report(registered_by_id=clerk.id), make.report()
    saved = saved_lists.create(clerk, name="Mijn wachtrij", kind="reports")
    assert counts.count(clerk, saved) == 1
    assert counts.count(make.user("coordinator"), saved) == 2


def test_pinned_lists_come_with_their_counts(make):
    owner = make.user("coordinator")
    make.report(), make.case("open")
    reports = saved_lists.create(owner, name="Wachtrij", kind="reports")
    search = saved_lists.create(owner, name="Jansen", kind="search", search_text="Jansen")
    saved_lists.pin(owner, reports)
    saved_lists.pin(owner, search)
    assert counts.pinned_with_counts(owner) == [(reports, 1), (search, None)]


def test_a_saved_search_is_audited_without_its_text(make):
    owner = make.user("coordinator")
    saved = saved_lists.create(owner, name="Buren", kind="search", search_text="Piet Jansen")
    saved_lists.rename(owner, saved, "Buren Dorpsstraat", seen_version=saved.version)
    saved_lists.delete(owner, saved, seen_version=saved.version)
    events = make.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_type == "saved_list")
                                  .order_by(AuditEvent.id)).all()
    assert [event.action for event in events] == ["create_saved_search", "change_saved_search",
                                                  "delete_saved_search"]
    assert all("Jansen" not in str(event.detail) for event in events)


def test_a_saved_filter_is_not_audited(make):
    owner = make.user("coordinator")
    saved_lists.create(owner, name="Open", kind="cases", raw_filters={"status": "open"})
    assert make.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                               .where(AuditEvent.object_type == "saved_list")) == 0


def test_a_search_needs_its_text_and_hands_it_only_to_who_may_open_it(make):
    owner, intake = make.user("coordinator"), make.user("intake")
    with pytest.raises(ServiceError) as refused:
        saved_lists.create(owner, name="Leeg", kind="search", search_text="   ")
    assert refused.value.field == "search_text"
    saved = saved_lists.create(owner, name="Buren", kind="search", search_text="Piet Jansen")
    assert saved_lists.search_text(owner, saved.id) == "Piet Jansen"
    with pytest.raises(NotFound):
        saved_lists.search_text(intake, saved.id)


def test_a_stale_stored_filter_opens_without_the_value_that_went(make):
    owner = make.user("coordinator")
    saved = saved_lists.create(owner, name="Oud", kind="cases", raw_filters={"status": "open"})
    saved.filters = {"status": "open", "partner": "bestaat-niet"}
    assert filters.clean("cases", saved.filters) == {"status": "open"}
