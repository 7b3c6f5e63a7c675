"""Legal holds: who may place and lift them, when they are in force, and that destruction leaves a held case off."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent
from gdt.models.retention import DestructionItem, LegalHold
from gdt.services.core.errors import Forbidden, ServiceError
from gdt.services.retention import destruction, holds

DUE = date(2026, 5, 1)
AS_OF = date(2026, 6, 1)


def closed_case(make):
    return make.case("closed", destruction_due_on=DUE, archive_nomination="destroy")


@pytest.mark.parametrize("role", ["coordinator", "archivist", "privacy"])
def test_placing_and_lifting_by_those_who_may(db, make, role):
    case, actor = closed_case(make), make.user(role)
    hold = holds.place(case, reason="Lopende klachtprocedure", until=None, actor=actor)
    assert holds.in_force(case.id) and holds.holds_of(case) == [hold]
    holds.lift(hold, actor=actor)
    db.session.expire_all()
    assert not holds.in_force(case.id) and hold.lifted_by_id == actor.id and hold.lifted_at is not None
    events = db.session.execute(sa.select(AuditEvent.action, AuditEvent.object_ref, AuditEvent.actor_id)
                                .where(AuditEvent.action.like("legal_hold%")).order_by(AuditEvent.id)).all()
    assert events == [("legal_hold_place", case.reference, actor.id), ("legal_hold_lift", case.reference, actor.id)]


@pytest.mark.parametrize("role", ["intake", "manager", "admin", "partner"])
def test_others_may_not_place_a_hold(db, make, role):
    case = closed_case(make)
    with pytest.raises(Forbidden):
        holds.place(case, reason="Rechtszaak", until=None, actor=make.user(role))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LegalHold)) == 0


def test_a_coordinator_outside_the_cases_team_may_not(db, make, monkeypatch):
    from gdt.services.core import access
    monkeypatch.setattr(access, "can_view_case", lambda user, case: False)
    with pytest.raises(Forbidden):
        holds.place(closed_case(make), reason="Rechtszaak", until=None, actor=make.user("coordinator"))


def test_a_reason_is_required_and_until_not_in_the_past(db, make):
    case, actor = closed_case(make), make.user("archivist")
    for reason, until, field in (("  ", None, "reason"), ("x" * 501, None, "reason"),
                                 ("Rechtszaak", holds.today() - timedelta(days=1), "until")):
        with pytest.raises(ServiceError) as refused:
            holds.place(case, reason=reason, until=until, actor=actor)
        assert refused.value.field == field
    assert not holds.in_force(case.id)


def test_a_hold_is_in_force_up_to_and_including_its_until_day(db, make):
    case = closed_case(make)
    until = holds.today() + timedelta(days=10)
    holds.place(case, reason="Bezwaar", until=until, actor=make.user("archivist"))
    assert holds.in_force(case.id, until) and not holds.in_force(case.id, until + timedelta(days=1))
    held = db.session.scalars(holds.held_case_ids(until)).all()
    assert held == [case.id] and db.session.scalars(holds.held_case_ids(until + timedelta(days=1))).all() == []


def test_lifting_twice_is_refused(db, make):
    archivist = make.user("archivist")
    hold = holds.place(closed_case(make), reason="Rechtszaak", until=None, actor=archivist)
    holds.lift(hold, actor=archivist)
    with pytest.raises(ServiceError):
        holds.lift(hold, actor=archivist)


def test_propose_leaves_a_held_case_and_its_referred_reports_off(db, make):
    held, free = closed_case(make), closed_case(make)
    holds.place(held, reason="Rechtszaak", until=None, actor=make.user("archivist"))
    lst = destruction.propose(AS_OF)
    listed = set(db.session.scalars(sa.select(DestructionItem.reference).where(DestructionItem.list_id == lst.id)))
    assert free.reference in listed and held.reference not in listed


def test_a_lifted_hold_lets_the_case_on_the_next_list(db, make):
    case, archivist = closed_case(make), make.user("archivist")
    hold = holds.place(case, reason="Rechtszaak", until=None, actor=archivist)
    assert destruction.propose(AS_OF) is None
    holds.lift(hold, actor=archivist)
    lst = destruction.propose(AS_OF)
    assert [item.reference for item in lst.items] == [case.reference]


def test_the_hold_list_names_references_only(db, make):
    case = closed_case(make)
    holds.place(case, reason="Rechtszaak", until=None, actor=make.user("privacy", name="Functionaris"))
    [line] = holds.lines(db.session.scalars(holds.all_in_force()).all())
    assert (line.case_reference, line.placed_by, line.hold.reason) == (case.reference, "Functionaris", "Rechtszaak")
