"""Correcting a report before triage: category, address (with the BAG lookup and wijk/buurt) and the description beside
the resident's own words, by the clerk who registered it or a coordinator, always with a reason, in the history and the
audit log, guarded by the report's version; a triaged report is refused. On PostgreSQL the statistics follow."""
import socket
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from gdt.db import db as _db
from gdt.models import AuditEvent, Report, ReportCorrection
from gdt.services.core.errors import Conflict, Forbidden, ServiceError, ValidationFailed
from gdt.services.intake import report_corrections
from gdt.services.intake.report_corrections import CorrectionInput
from gdt.services.reporting import report_tallies
from gdt.services.triage import report_triage

BAG_WOENSELSE_MARKT_4 = "0772200000001703"


def as_is(report: Report, **changes) -> CorrectionInput:
    """The correction form as first shown (the report as it is), with `changes` and a reason."""
    fields = {"category": report.category.key, "postcode": report.postcode, "house_number": str(report.house_number),
              "house_number_addition": report.house_number_addition, "street": report.street, "city": report.city,
              "bag_id": report.bag_id, "description": report.description_corrected or report.description,
              "reason": "Verkeerd verstaan aan de telefoon."}
    return CorrectionInput(**fields | changes)


@pytest.fixture
def clerk(make):
    return make.user("intake")


@pytest.fixture
def report(make, clerk):
    """A phone report at Stationsplein 1 (confirmed by the BAG: wijk WK077211), registered by the clerk."""
    return make.report(registered_by_id=clerk.id, street="Stationsplein", city="Eindhoven",
                       bag_id="0772200000001037", wijk_code="WK077211", buurt_code="BU07721111")


def audit_events(action: str) -> list[AuditEvent]:
    return list(_db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_a_category_correction_is_recorded_with_its_reason_in_the_history_and_the_audit(report, clerk):
    [correction] = report_corrections.correct_report(report, as_is(report, category="vervuiling"), actor=clerk,
                                                     seen_version=report.version)
    assert report.category.key == "vervuiling" and report.version == 2
    event = report.events[-1]
    assert (event.event, event.from_status, event.to_status, event.actor_id) == ("correct", "received", "received",
                                                                                  clerk.id)
    assert event.detail == {"field": "category", "from": "geluidsoverlast", "to": "vervuiling"}
    assert event.correction is correction
    assert (correction.field, correction.before, correction.after, correction.reason) == (
        "category", "Geluidsoverlast", "Vervuiling", "Verkeerd verstaan aan de telefoon.")
    [audited] = audit_events("correct")
    assert (audited.actor_id, audited.object_ref, audited.outcome) == (clerk.id, report.reference, "ok")
    assert audited.detail == {"fields": ["category"], "category": {"from": "geluidsoverlast", "to": "vervuiling"}}


def test_an_address_correction_takes_the_bags_street_city_and_wijk_buurt(report, clerk):
    """The street left from the old address does not stay: a confirmed address brings its own."""
    data = as_is(report, postcode="5612 hc", house_number="4", house_number_addition=None)
    [correction] = report_corrections.correct_report(report, data, actor=clerk, seen_version=report.version)
    assert (report.postcode, report.house_number, report.street, report.city) == ("5612HC", 4, "Woenselse Markt",
                                                                                   "Eindhoven")
    assert (report.bag_id, report.wijk_code, report.buurt_code) == (BAG_WOENSELSE_MARKT_4, "WK077212", "BU07721222")
    assert correction.before == "Stationsplein 1, 5611 AB Eindhoven"
    assert correction.after == "Woenselse Markt 4, 5612 HC Eindhoven"
    assert report.events[-1].detail == {"field": "address", "validated": True}


def test_a_chosen_bag_address_at_a_number_with_several_is_taken(report, clerk):
    data = as_is(report, postcode="5611EN", house_number="32", house_number_addition=None, street=None,
                 bag_id="0772200000001296")
    report_corrections.correct_report(report, data, actor=clerk, seen_version=report.version)
    assert (report.house_number_addition, report.street, report.buurt_code) == ("2", "Stratumseind", "BU07721112")


def test_an_address_the_service_cannot_confirm_is_kept_as_typed_without_the_old_wijk(app, report, clerk, monkeypatch):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setitem(app.config, "ADDRESS_SERVICE_URL", f"http://127.0.0.1:{port}/locatieserver/search/v3_1")
    monkeypatch.setitem(app.config, "ADDRESS_SERVICE_TIMEOUT", 1)
    data = as_is(report, postcode="5611EN", house_number="20", street="Stratumseind", bag_id=None)
    [correction] = report_corrections.correct_report(report, data, actor=clerk, seen_version=report.version)
    assert (report.postcode, report.house_number, report.street) == ("5611EN", 20, "Stratumseind")
    assert (report.bag_id, report.wijk_code, report.buurt_code) == (None, None, None)
    assert report.events[-1].detail == {"field": "address", "validated": False}


def test_the_description_is_corrected_beside_the_residents_words_which_stay(report, clerk):
    original = report.description
    data = as_is(report, description="Harde muziek tot diep in de nacht,\r\nvooral in het weekend.")
    [correction] = report_corrections.correct_report(report, data, actor=clerk, seen_version=report.version)
    assert report.description == original
    assert report.description_corrected == "Harde muziek tot diep in de nacht,\nvooral in het weekend."
    assert (correction.field, correction.before, correction.after) == ("description", None,
                                                                       report.description_corrected)
    again = as_is(report, description=original.replace("\n", "\r\n"), reason="Toch zoals de melder het zei.")
    [withdrawn] = report_corrections.correct_report(report, again, actor=clerk, seen_version=report.version)
    assert report.description_corrected is None and withdrawn.after is None
    assert withdrawn.before == "Harde muziek tot diep in de nacht,\nvooral in het weekend."


def test_the_form_sent_back_as_shown_changes_nothing(report, clerk):
    description = "Regel een\nregel twee"
    report.description = description
    _db.session.commit()
    seen = report.version
    with pytest.raises(ServiceError) as refused:
        report_corrections.correct_report(report, as_is(report, description="Regel een\r\nregel twee"), actor=clerk,
                                          seen_version=seen)
    assert refused.value.code == "nothing_changed"
    assert report.version == seen and report.events == [] and audit_events("correct") == []


def test_several_fields_at_once_give_one_history_line_each_and_one_audit_event(report, make):
    coordinator = make.user("coordinator")
    data = as_is(report, category="intimidatie", house_number="3", street=None, description="Dreigende taal.")
    corrections = report_corrections.correct_report(report, data, actor=coordinator, seen_version=report.version)
    assert [correction.field for correction in corrections] == ["category", "address", "description"]
    assert [event.event for event in report.events] == ["correct"] * 3
    assert report.version == 2
    [audited] = audit_events("correct")
    assert audited.detail["fields"] == ["category", "address", "description"]


def test_every_mistake_is_refused_at_once_and_nothing_changes(report, clerk):
    data = as_is(report, category="bestaat-niet", postcode="12", house_number="nul", description="  ", reason=" ")
    with pytest.raises(ValidationFailed) as refused:
        report_corrections.correct_report(report, data, actor=clerk, seen_version=report.version)
    assert set(refused.value.errors) == {"category", "postcode", "house_number", "description", "reason"}
    assert str(refused.value.errors["reason"]) == "Geef de reden van de correctie."
    assert report.category.key == "geluidsoverlast" and report.events == [] and audit_events("correct") == []


def test_a_triaged_report_is_refused_in_words(report, make):
    coordinator = make.user("coordinator")
    report_triage.escalate_report(report, "Dreigt te escaleren.", actor=coordinator, seen_version=report.version)
    assert not report_corrections.may_correct(coordinator, report)
    with pytest.raises(Conflict) as refused:
        report_corrections.correct_report(report, as_is(report, category="vervuiling"), actor=coordinator,
                                          seen_version=report.version)
    assert refused.value.code == "already_triaged"
    assert "al beoordeeld (in behandeling GDT)" in str(refused.value.message)
    assert report.category.key == "geluidsoverlast"


def test_a_report_returned_by_the_partner_awaits_triage_again_and_may_be_corrected(make, clerk):
    report = make.report(registered_by_id=clerk.id)
    report.status = "received"  # as after reopen: back in the queue
    assert report_corrections.may_correct(clerk, report)


def test_who_may_correct_follows_who_may_see_the_report(report, make):
    assert report_corrections.may_correct(make.user("coordinator"), report)
    for other in (make.user("intake"), make.user("manager"), make.user("admin")):
        assert not report_corrections.may_correct(other, report)
        with pytest.raises(Forbidden):
            report_corrections.correct_report(report, as_is(report, category="vervuiling"), actor=other,
                                              seen_version=report.version)
    assert report.category.key == "geluidsoverlast"


def test_a_stale_form_is_refused_with_the_usual_conflict(report, clerk, make):
    seen = report.version
    report_corrections.correct_report(report, as_is(report, category="vervuiling"), actor=make.user("coordinator"),
                                      seen_version=seen)
    with pytest.raises(Conflict) as refused:
        report_corrections.correct_report(report, as_is(report, category="intimidatie"), actor=clerk,
                                          seen_version=seen)
    assert refused.value.code == "stale"
    assert report.category.key == "vervuiling"
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(ReportCorrection)) == 1


def test_a_description_only_correction_moves_the_version_too(report, clerk):
    report_corrections.correct_report(report, as_is(report, description="Andere tekst."), actor=clerk,
                                      seen_version=report.version)
    assert report.version == 2


# --- the statistics follow through the tallies (PostgreSQL) --------------------------------------------------------

def test_after_corrections_the_statistics_count_the_report_under_its_new_category_and_wijk(make, clerk, runner):
    if not report_tallies.uses_tallies():
        pytest.skip("the tallies are PostgreSQL's; SQLite counts the reports themselves")
    received = datetime(2026, 5, 4, 10, tzinfo=UTC)
    report = make.report(registered_by_id=clerk.id, received_at=received, street="Stationsplein", city="Eindhoven",
                         bag_id="0772200000001037", wijk_code="WK077211", buurt_code="BU07721111")
    make.report(received_at=received, wijk_code="WK077211", buurt_code="BU07721111")  # a neighbour that stays
    report_tallies.compact()
    geluid, vervuiling = make.category("geluidsoverlast").id, make.category("vervuiling").id
    assert report_tallies.grouped("category", [2026], ("category_id",)) == [(2026, geluid, 2)]

    data = as_is(report, category="vervuiling", postcode="5612HC", house_number="4", street=None, city=None,
                 bag_id=None)
    report_corrections.correct_report(report, data, actor=clerk, seen_version=report.version)

    by_category = {key: count for _, key, count in report_tallies.grouped("category", [2026], ("category_id",))}
    assert by_category == {geluid: 1, vervuiling: 1}
    by_wijk = {(wijk, buurt): count for _, wijk, buurt, count in
               report_tallies.grouped("area", [2026], ("wijk_code", "buurt_code"))}
    assert by_wijk == {("WK077211", "BU07721111"): 1, ("WK077212", "BU07721222"): 1}
    assert report_tallies.check() == []
    check = runner.invoke(args=["tallies", "check"])
    assert check.exit_code == 0, check.output
