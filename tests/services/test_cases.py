"""Running a case: coordinator, mode, partners, notes, closing; refusals change nothing."""
import pytest
import sqlalchemy as sa

from gdt.models import CaseEvent
from gdt.services.casework import cases
from gdt.services.core.errors import Conflict, ServiceError


def _events(db, case):
    return db.session.scalars(sa.select(CaseEvent.event).where(CaseEvent.case_id == case.id)).all()


def test_a_case_is_run_to_close(make, db):
    make.defaults()
    case, coordinator = make.case(), make.user("coordinator")
    cases.assign_coordinator(case, coordinator.id, actor=coordinator, seen_version=case.version)
    cases.decide_mode(case, "advice", actor=coordinator, seen_version=case.version)
    cases.involve_partner(case, "ggz", "casemanager", actor=coordinator, seen_version=case.version)
    cases.add_note(case, "Gesprek met bewoner.", actor=coordinator)
    cases.close_case(case, "handled-by-partner", "GGZ neemt over", actor=coordinator, seen_version=case.version)
    db.session.expire_all()
    assert (case.status, case.mode, case.result, case.coordinator_id) == ("closed", "advice", "handled-by-partner",
                                                                         coordinator.id)
    assert [link.partner.key for link in case.partners] == ["ggz"] and case.notes[0].body == "Gesprek met bewoner."
    assert _events(db, case) == ["assign_coordinator", "decide_mode", "involve_partner", "add_note", "close"]
    decided = db.session.scalar(sa.select(CaseEvent).where(CaseEvent.event == "decide_mode"))
    assert decided.detail == {"from": None, "from_regie_kind": None, "to": "advice"}
    assert decided.actor_id == coordinator.id


def test_closing_needs_a_result_and_changes_nothing_without(make, db):
    case = make.case()
    for result in (None, "bestaat-niet"):
        with pytest.raises(ServiceError) as refused:
            cases.close_case(case, result, None, actor=make.user(), seen_version=case.version)
        assert refused.value.field == "result"
    db.session.expire_all()
    assert case.status == "open" and case.closed_at is None and _events(db, case) == []


def test_mode_only_on_an_open_case(make, db):
    case = make.case(status="closed")
    with pytest.raises(Conflict):
        cases.decide_mode(case, "regie", actor=make.user(), seen_version=case.version)
    db.session.expire_all()
    assert case.mode is None


def test_unknown_mode_is_refused(make, db):
    case = make.case()
    with pytest.raises(ServiceError) as refused:
        cases.decide_mode(case, "handhaving", actor=make.user(), seen_version=case.version)
    assert refused.value.field == "mode"


def test_coordinator_must_be_an_active_coordinator(make, db):
    case = make.case()
    for user in (make.user("intake"), make.user("coordinator", is_active=False)):
        with pytest.raises(ServiceError):
            cases.assign_coordinator(case, user.id, actor=make.user(), seen_version=case.version)
    db.session.expire_all()
    assert case.coordinator_id is None


def test_a_partner_is_involved_once(make, db):
    make.defaults()
    case = make.case()
    cases.involve_partner(case, "politie", None, actor=make.user(), seen_version=case.version)
    with pytest.raises(ServiceError):
        cases.involve_partner(case, "politie", None, actor=make.user(), seen_version=case.version)
    db.session.expire_all()
    assert len(case.partners) == 1


def test_stale_edit_is_refused_and_changes_nothing(make, db):
    case = make.case()
    seen = case.version
    cases.decide_mode(case, "advice", actor=make.user(), seen_version=seen)
    with pytest.raises(Conflict) as refused:
        cases.decide_mode(case, "regie", actor=make.user(), seen_version=seen)
    assert "door iemand anders gewijzigd" in str(refused.value.message)
    db.session.expire_all()
    assert case.mode == "advice"


def test_empty_note_is_refused(make, db):
    case = make.case()
    with pytest.raises(ServiceError):
        cases.add_note(case, "   ", actor=make.user())
    db.session.expire_all()
    assert case.notes == []


def test_choosing_the_same_coordinator_or_way_of_working_again_changes_nothing(make, db):
    case, coordinator = make.case(), make.user("coordinator")
    cases.assign_coordinator(case, coordinator.id, actor=coordinator, seen_version=case.version)
    cases.decide_mode(case, "regie", actor=coordinator, seen_version=case.version, regie_kind="casus")
    version = case.version
    cases.assign_coordinator(case, coordinator.id, actor=coordinator, seen_version=version)
    cases.decide_mode(case, "regie", actor=coordinator, seen_version=version, regie_kind="casus")
    db.session.expire_all()
    assert case.version == version and _events(db, case) == ["assign_coordinator", "decide_mode"]
    cases.decide_mode(case, "regie", actor=coordinator, seen_version=version, regie_kind="proces")
    changed = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.event == "decide_mode")).all()[-1]
    assert changed.detail == {"from": "regie", "from_regie_kind": "casus", "to": "regie", "regie_kind": "proces"}


def test_the_close_outlook_names_what_is_still_open(make, db):
    case = make.case()
    coordinator = make.user("coordinator")
    make.partner("politie")
    cases.involve_partner(case, "politie", None, actor=coordinator, seen_version=case.version)
    from gdt.services.casework import actions
    action = actions.agree(case, "Huisbezoek", owner="partner:politie", working_days=5, actor=coordinator)
    outlook = cases.close_outlook(case)
    assert outlook.open_actions == [action] and outlook.planned_meetings == [] and outlook.open_referrals == []
    assert case.status == "open"


def test_an_overdue_action_is_a_warning_in_words(make, db):
    from datetime import timedelta

    from gdt.services.casework import actions
    case, coordinator = make.case(), make.user("coordinator")
    late = actions.agree(case, "Huisbezoek", owner=f"user:{coordinator.id}", working_days=0, actor=coordinator)
    late.due_at -= timedelta(days=30)
    assert "1 afspraak is over de termijn" in [str(signal) for signal in cases.risk_signals(case)]
