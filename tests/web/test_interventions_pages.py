"""Interventions on the pages: the ladder on the case page, recording one, its page with the next steps, refusals."""
from datetime import date

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent
from gdt.models.interventions import Intervention
from gdt.services.core.transaction import STALE_MESSAGE
from gdt.services.documents import store
from gdt.services.interventions import recording
from gdt.services.interventions.recording import StepFields
from tests import document_files as documents
from tests.interventions import add_default_types

DAY = date(2026, 3, 2)


@pytest.fixture
def coordinator(db, make):
    add_default_types(db.session)
    return make.user("coordinator")


def _decision_letter(case, coordinator):
    return store.add_document(case, document_type="besluit", title="Besluit gedragsaanwijzing", document_date=DAY,
                              visible_to_partners=False, data=documents.pdf(), filename="besluit.pdf",
                              actor=coordinator)


def test_the_case_page_shows_the_ladder_and_the_rungs_climbed(db, make, client_as, coordinator):
    case = make.case()
    client = client_as(user=coordinator)
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert 'id="interventies"' in page and "Nog geen interventies vastgelegd." in page
    assert page.count('class="gdt-ladder__rung"') == 11 and "art. 151d Gemeentewet" in page
    assert f'href="/cases/{case.reference}/interventions/new"' in page

    talk = recording.record(case, type_code="gesprek", status="ended", proposed_on=DAY, decided_on=DAY, ended_on=DAY,
                            fields=StepFields(decided_by="coordinator", outcome="not_effective"), actor=coordinator)
    page = client.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert "Hoogste trede tot nu toe: Gesprek." in page
    assert 'class="gdt-ladder__rung gdt-ladder__rung--climbed"' in page
    assert f'href="/interventions/{talk.id}"' in page and "Resultaat: Niet geholpen" in page


def test_recording_a_warning_that_was_given(db, make, client_as, coordinator):
    case = make.case()
    client = client_as(user=coordinator)
    page = client.get(f"/cases/{case.reference}/interventions/new").get_data(as_text=True)
    assert "Gedragsaanwijzing (art. 151d Gemeentewet)" in page and "Het team zelf" in page
    response = client.post(f"/cases/{case.reference}/interventions/new", data={
        "type_code": "waarschuwing", "status": "decided", "proposed_on": "2026-03-02", "decided_by": "coordinator",
        "decided_on": "2026-03-03", "partner": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith("#interventies")
    warning = db.session.scalar(sa.select(Intervention))
    assert (warning.type.code, warning.status, warning.decided_on) == ("waarschuwing", "decided", date(2026, 3, 3))


def test_bad_input_is_named_in_dutch_and_nothing_is_stored(db, make, client_as, coordinator):
    case = make.case()
    response = client_as(user=coordinator).post(f"/cases/{case.reference}/interventions/new", data={
        "type_code": "gedragsaanwijzing", "status": "decided", "proposed_on": "2026-03-05",
        "decided_by": "mayor", "decided_on": "2026-03-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Deze datum ligt voor een eerdere stap van de interventie." in page
    assert "Een formele stap gaat niet zonder besluitbrief" in page
    assert db.session.scalar(sa.select(sa.func.count(Intervention.id))) == 0


def test_the_next_steps_of_a_behavioural_order(db, make, client_as, coordinator):
    case = make.case()
    client = client_as(user=coordinator)
    order = recording.record(case, type_code="gedragsaanwijzing", status="proposed", proposed_on=DAY,
                             actor=coordinator)
    page = client.get(f"/interventions/{order.id}").get_data(as_text=True)
    assert "Besluit vastleggen" in page and "Intrekken" in page and "In werking laten treden" not in page
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "view_intervention")) is not None

    response = client.post(f"/interventions/{order.id}/steps/decide", data={
        "decide-version": order.version, "decide-on": "2026-03-04", "decide-decided_by": "mayor"})
    assert response.status_code == 422 and "Een formele stap gaat niet zonder besluitbrief" in response.get_data(
        as_text=True)
    letter = _decision_letter(case, coordinator)
    response = client.post(f"/interventions/{order.id}/steps/decide", data={
        "decide-version": order.version, "decide-on": "2026-03-04", "decide-decided_by": "mayor",
        "decide-document_id": str(letter.id)})
    assert response.status_code == 302
    db.session.refresh(order)
    assert (order.status, order.document_id) == ("decided", letter.id)
    response = client.post(f"/interventions/{order.id}/steps/take_effect", data={
        "take_effect-version": order.version, "take_effect-on": "2026-03-18"})
    assert response.status_code == 302
    page = client.get(f"/interventions/{order.id}").get_data(as_text=True)
    assert "Beëindigen met resultaat" in page and "Besluit gedragsaanwijzing" in page
    stale = client.post(f"/interventions/{order.id}/steps/end", data={
        "end-version": order.version - 1, "end-on": "2026-03-20", "end-outcome": "effective"})
    assert stale.status_code == 422 and str(STALE_MESSAGE) in stale.get_data(as_text=True)
    db.session.refresh(order)
    assert order.status == "in_force"


def test_only_the_case_team_sees_and_records(db, make, client_as, coordinator):
    case = make.case()
    talk = recording.record(case, type_code="gesprek", status="proposed", proposed_on=DAY, actor=coordinator)
    for role in ("intake", "manager", "partner"):
        client = client_as(role=role)
        assert client.get(f"/interventions/{talk.id}").status_code == 403
        assert client.get(f"/cases/{case.reference}/interventions/new").status_code == 403
    assert client_as(user=coordinator).get("/interventions/999999").status_code == 404
