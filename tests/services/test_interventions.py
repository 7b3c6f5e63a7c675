"""Interventions on a case: recorded in the status they reached, formal steps with the mayor and a decision letter
of the same case, dates in order, the steps after, the ladder, the history and the audit log."""
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, CasePartner
from gdt.models.interventions import Intervention, InterventionType
from gdt.services.core import history
from gdt.services.core.errors import Conflict, Forbidden, ServiceError, ValidationFailed
from gdt.services.core.lifecycle import RULE_MESSAGES
from gdt.services.documents import store
from gdt.services.interventions import ladder, recording
from gdt.services.interventions.defaults import DEFAULT_TYPES
from gdt.services.interventions.recording import StepFields
from tests import document_files as documents
from tests.interventions import add_default_types

DAY = date(2026, 3, 2)


@pytest.fixture
def types(db):
    add_default_types(db.session)


@pytest.fixture
def coordinator(make):
    return make.user("coordinator")


@pytest.fixture
def case(make, types):
    return make.case()


def letter(case, actor, title="Besluit gedragsaanwijzing"):
    return store.add_document(case, document_type="besluit", title=title, document_date=DAY,
                              visible_to_partners=False, data=documents.pdf(), filename="besluit.pdf", actor=actor)


def record(case, actor, type_code="gesprek", status="proposed", **kwargs):
    fields = StepFields(**{key: kwargs.pop(key) for key in ("decided_by", "document_id", "outcome", "note")
                           if key in kwargs})
    return recording.record(case, type_code=type_code, status=status, proposed_on=kwargs.pop("proposed_on", DAY),
                            fields=fields, actor=actor, **kwargs)


def errors_of(call) -> dict:
    with pytest.raises(ValidationFailed) as failure:
        call()
    return failure.value.errors


def test_a_talk_that_took_place_is_recorded_as_ended_with_its_outcome(db, case, coordinator):
    talk = record(case, coordinator, status="ended", decided_by="coordinator", decided_on=DAY, ended_on=DAY,
                  outcome="effective", note="Afspraken over de muziek na 22.00 uur.")
    assert (talk.status, talk.decided_by, talk.decided_by_user_id) == ("ended", "coordinator", coordinator.id)
    assert (talk.proposed_on, talk.decided_on, talk.in_force_on, talk.ended_on) == (DAY, DAY, None, DAY)
    assert talk.outcome == "effective" and talk.outcome_note.startswith("Afspraken")
    [line] = [line for line in history.case_lines(case) if line.what == "Interventie vastgelegd"]
    assert line.details == ("Gesprek", "Status: Beëindigd")
    audit = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "record_intervention")).one()
    assert audit.object_ref == case.reference and "Afspraken" not in str(audit.detail)


def test_a_formal_step_needs_the_mayor_and_a_decision_letter_of_the_same_case(db, make, case, coordinator):
    no_letter = str(RULE_MESSAGES["intervention_formal_needs_document"])
    assert errors_of(lambda: record(case, coordinator, "gedragsaanwijzing", "decided", decided_by="mayor",
                                    decided_on=DAY)) == {"document_id": no_letter}
    decision = letter(case, coordinator)
    assert "decided_by" in errors_of(lambda: record(case, coordinator, "gedragsaanwijzing", "decided",
                                                    decided_by="coordinator", decided_on=DAY,
                                                    document_id=decision.id))
    other = letter(make.case(), coordinator)
    assert "document_id" in errors_of(lambda: record(case, coordinator, "gedragsaanwijzing", "decided",
                                                     decided_by="mayor", decided_on=DAY, document_id=other.id))
    assert db.session.scalar(sa.select(sa.func.count(Intervention.id))) == 0

    order = record(case, coordinator, "gedragsaanwijzing", "in_force", decided_by="mayor", decided_on=DAY,
                   in_force_on=DAY + timedelta(days=14), document_id=decision.id)
    assert (order.status, order.decided_by, order.decided_by_user_id) == ("in_force", "mayor", None)
    assert order.legal_ground == "art. 151d Gemeentewet" and order.document == decision


def test_a_proposed_formal_step_is_decided_later_with_its_letter(db, case, coordinator):
    intention = record(case, coordinator, "voornemen_gedragsaanwijzing")
    assert intention.status == "proposed" and intention.document is None
    with pytest.raises(ServiceError) as failure:
        recording.take_step(intention, "decide", on=DAY, fields=StepFields(decided_by="mayor"),
                            seen_version=intention.version, actor=coordinator)
    assert failure.value.field == "document_id" and intention.status == "proposed"
    decision = letter(case, coordinator, "Voornemen gedragsaanwijzing")
    recording.take_step(intention, "decide", on=DAY, fields=StepFields(decided_by="mayor", document_id=decision.id),
                        seen_version=intention.version, actor=coordinator)
    assert (intention.status, intention.decided_on, intention.document) == ("decided", DAY, decision)
    recording.take_step(intention, "end", on=DAY + timedelta(days=20), fields=StepFields(outcome="partly_effective"),
                        seen_version=intention.version, actor=coordinator)
    assert intention.status == "ended" and intention.outcome == "partly_effective"
    assert recording.allowed_steps(intention) == []


def test_dates_follow_the_steps_and_only_coming_into_force_may_lie_ahead(db, case, coordinator):
    today = recording.today()
    assert set(errors_of(lambda: record(case, coordinator, status="decided", decided_by="coordinator",
                                        proposed_on=DAY, decided_on=DAY - timedelta(days=1)))) == {"decided_on"}
    assert set(errors_of(lambda: record(case, coordinator, proposed_on=today + timedelta(days=1)))) == {"proposed_on"}
    assert set(errors_of(lambda: record(case, coordinator, proposed_on="2026-02-30"))) == {"proposed_on"}
    assert set(errors_of(lambda: record(case, coordinator, status="ended", decided_by="coordinator",
                                        decided_on=DAY, outcome="effective"))) == {"ended_on"}
    mediation = record(case, coordinator, "buurtbemiddeling", "decided", decided_by="coordinator", decided_on=DAY,
                       ended_on="2026-01-01")  # a date for a step not taken is left out
    assert mediation.ended_on is None
    recording.take_step(mediation, "take_effect", on=today + timedelta(days=30), seen_version=mediation.version,
                        actor=coordinator)
    assert mediation.in_force_on == today + timedelta(days=30)
    with pytest.raises(ValidationFailed) as failure:
        recording.take_step(mediation, "end", on=today, fields=StepFields(outcome="effective"),
                            seen_version=mediation.version, actor=coordinator)
    assert set(failure.value.errors) == {"on"}
    recording.take_step(mediation, "withdraw", on=today, fields=StepFields(note="De buren zijn verhuisd."),
                        seen_version=mediation.version, actor=coordinator)
    assert (mediation.status, mediation.ended_on) == ("withdrawn", today)


def test_bad_choices_are_named_and_nothing_is_stored(db, make, case, coordinator):
    outsider = make.partner("woningcorporatie")
    errors = errors_of(lambda: record(case, coordinator, "ontruiming", "begonnen", partner_key=outsider.key))
    assert set(errors) == {"type_code", "status", "partner"}
    db.session.scalar(sa.select(InterventionType).where(InterventionType.code == "overig")).active = False
    assert "type_code" in errors_of(lambda: record(case, coordinator, "overig"))
    assert set(errors_of(lambda: record(case, coordinator, status="ended", decided_by="coordinator", decided_on=DAY,
                                        ended_on=DAY, outcome="geholpen"))) == {"outcome"}
    assert db.session.scalar(sa.select(sa.func.count(Intervention.id))) == 0


def test_the_partner_carrying_it_out_takes_part_in_the_case(db, make, case, coordinator):
    mediator = make.partner("buurtbemiddeling")
    case.partners.append(CasePartner(partner=mediator))
    db.session.flush()
    mediation = record(case, coordinator, "buurtbemiddeling", partner_key=mediator.key)
    assert mediation.partner == mediator


def test_only_the_case_team_records_and_only_while_the_case_is_open(db, make, case, coordinator):
    for role in ("intake", "manager", "privacy"):
        with pytest.raises(Forbidden):
            record(case, make.user(role))
    closed = make.case(status="closed")
    with pytest.raises(Conflict):
        record(closed, coordinator)


def test_a_stale_or_impossible_step_changes_nothing(db, case, coordinator):
    talk = record(case, coordinator)
    seen = talk.version
    recording.take_step(talk, "decide", on=DAY, fields=StepFields(decided_by="coordinator"), seen_version=seen,
                        actor=coordinator)
    with pytest.raises(Conflict):
        recording.take_step(talk, "withdraw", on=DAY, fields=StepFields(note="Dubbel."), seen_version=seen,
                            actor=coordinator)
    with pytest.raises(Conflict):
        recording.take_step(talk, "decide", on=DAY, fields=StepFields(decided_by="coordinator"),
                            seen_version=talk.version, actor=coordinator)
    assert talk.status == "decided"


def test_the_ladder_shows_every_rung_and_which_were_climbed(db, case, coordinator):
    record(case, coordinator, "gesprek", "ended", decided_by="coordinator", decided_on=DAY, ended_on=DAY,
           outcome="not_effective")
    record(case, coordinator, "waarschuwing", "decided", decided_by="coordinator", decided_on=DAY)
    record(case, coordinator, "voornemen_gedragsaanwijzing")  # proposed: not climbed yet
    rungs = ladder.ladder(case)
    assert [rung.type.code for rung in rungs] == [row[0] for row in DEFAULT_TYPES]
    assert [rung.type.code for rung in rungs if rung.climbed] == ["gesprek", "waarschuwing"]
    assert ladder.highest_climbed(rungs).code == "waarschuwing"

