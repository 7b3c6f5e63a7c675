"""Requests from the people concerned: recording, the answer term, rectification, erasure and refusal."""
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, LegalHold, ReportCorrection, ReportEvent, SubjectRequest
from gdt.services.core.errors import Conflict, ServiceError, ValidationFailed
from gdt.services.privacy import subject_requests as service
from gdt.services.reporting import statistics

TODAY = date(2026, 12, 4)


def _request(make, actor, kind, references, received_on=date(2026, 11, 20), name="Petra de Vries"):
    return service.create(service.RequestInput(kind=kind, received_on=received_on, subject_name=name,
                                               note="Per brief, identiteit gecontroleerd aan de balie.",
                                               references=" ".join(references)), actor=actor, now_day=TODAY)


def _audited(db, object_type, ref):
    return db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_type == object_type,
                                                                 AuditEvent.object_ref == ref)
                              .order_by(AuditEvent.id)).all()


def test_requests_are_numbered_per_year_of_receipt(make, db):
    officer, report = make.user("privacy"), make.report()
    first = _request(make, officer, "inspection", [report.reference])
    second = _request(make, officer, "erasure", [report.reference.lower()])
    older = _request(make, officer, "inspection", [report.reference], received_on=date(2025, 12, 30))
    assert (first.reference, second.reference, older.reference) == ("AVG-2026-0001", "AVG-2026-0002",
                                                                     "AVG-2025-0001")
    assert second.references == [report.reference]  # typed in lower case, stored as the reference
    assert _audited(db, "subject_request", first.reference) == ["create"]


def test_a_request_with_mistakes_is_refused_whole_and_nothing_is_stored(make, db):
    officer = make.user("privacy")
    with pytest.raises(ValidationFailed) as refused:
        service.create(service.RequestInput(kind="forget", received_on="2026-12-25", subject_name="",
                                            note=None, references="GDT-2099-999999"), actor=officer, now_day=TODAY)
    assert set(refused.value.errors) == {"kind", "received_on", "subject_name", "references"}
    assert "GDT-2099-999999" in str(refused.value.errors["references"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SubjectRequest)) == 0


def test_case_references_count_and_bring_their_reports(make):
    officer = make.user("privacy")
    report = make.report("escalated")
    request = _request(make, officer, "rectification", [report.case.reference])
    assert service.request_reports(request) == [report]


@pytest.mark.parametrize(("received", "due"), [(date(2026, 1, 31), date(2026, 2, 28)),
                                               (date(2026, 3, 15), date(2026, 4, 15)),
                                               (date(2026, 12, 10), date(2027, 1, 10))])
def test_the_answer_is_due_one_month_after_receipt(received, due):
    assert service.answer_due(received) == due


def test_an_open_request_past_its_month_is_overdue_and_a_decided_one_is_not(make):
    officer, report = make.user("privacy"), make.report()
    request = _request(make, officer, "inspection", [report.reference], received_on=date(2026, 10, 30))
    line = service.row(request, now_day=TODAY)
    assert (line.days_open, line.due_on, line.is_overdue) == (35, date(2026, 11, 30), True)
    service.decide(request, "granted", None, None, actor=officer)
    assert service.row(request, now_day=TODAY).is_overdue is False


def test_rectification_replaces_a_contact_detail_with_the_reason_in_the_history(make, db):
    officer, report = make.user("privacy"), make.report("referred")
    request = _request(make, officer, "rectification", [report.reference])
    service.rectify(request, service.RectificationInput(report.reference, "reporter_phone", "06 9876 5432",
                                                        "Nummer was verkeerd overgenomen."), actor=officer)
    db.session.expire_all()
    assert report.reporter_phone == "0698765432"
    event = report.events[-1]
    assert (event.event, event.detail) == ("rectify", {"field": "reporter_phone", "request": request.reference})
    assert event.from_status == event.to_status == "referred"
    assert service.rectifications(request)[0] | {"at": None} == {
        "reference": report.reference, "field": "reporter_phone", "reason": "Nummer was verkeerd overgenomen.",
        "at": None, "by": officer.id}
    assert _audited(db, "report", report.reference) == ["rectify"]
    assert _audited(db, "subject_request", request.reference) == ["create", "rectify"]


def test_rectifying_a_description_keeps_the_reporters_words(make, db):
    officer, report = make.user("privacy"), make.report("referred", description="Buurman Kees schreeuwt.")
    request = _request(make, officer, "rectification", [report.reference])
    service.rectify(request, service.RectificationInput(report.reference, "description", "Buurman schreeuwt.",
                                                        "De naam klopt niet volgens betrokkene."), actor=officer)
    db.session.expire_all()
    assert (report.description, report.description_corrected) == ("Buurman Kees schreeuwt.", "Buurman schreeuwt.")
    correction = db.session.scalar(sa.select(ReportCorrection).where(ReportCorrection.report_id == report.id))
    assert (correction.field, correction.before, correction.after, correction.reason) == (
        "description", None, "Buurman schreeuwt.", "De naam klopt niet volgens betrokkene.")
    assert correction.event.event == "rectify"


def test_rectification_is_refused_in_words_and_changes_nothing(make, db):
    officer = make.user("privacy")
    anonymous = make.report(reporter_is_anonymous=True, reporter_name=None, reporter_phone=None,
                            reporter_may_contact=False)
    request = _request(make, officer, "rectification", [anonymous.reference])
    with pytest.raises(ServiceError, match="anoniem"):
        service.rectify(request, service.RectificationInput(anonymous.reference, "reporter_name", "Piet", "Reden"),
                        actor=officer)
    with pytest.raises(ValidationFailed) as refused:
        service.rectify(request, service.RectificationInput("GDT-ELDERS", "reporter_email", "geen-adres", ""),
                        actor=officer)
    assert set(refused.value.errors) == {"reference", "value", "reason"}
    db.session.expire_all()
    assert anonymous.events == [] and service.rectifications(request) == []


def test_a_granted_rectification_needs_a_rectification_and_a_refusal_a_ground(make, db):
    officer, report = make.user("privacy"), make.report()
    request = _request(make, officer, "rectification", [report.reference])
    with pytest.raises(ServiceError, match="nog niets gerectificeerd"):
        service.decide(request, "granted", None, None, actor=officer)
    with pytest.raises(ValidationFailed) as refused:
        service.decide(request, "refused", None, None, actor=officer)
    assert set(refused.value.errors) == {"ground"}
    with pytest.raises(ValidationFailed) as unexplained:
        service.decide(request, "refused", "other", "  ", actor=officer)
    assert set(unexplained.value.errors) == {"explanation"}
    db.session.expire_all()
    assert request.decision is None
    service.decide(request, "refused", "art-12-5", "Derde verzoek deze maand.", actor=officer)
    assert request.decision == "refused" and request.decided_by_id == officer.id
    assert request.legal_ground.startswith("AVG art. 12 lid 5") and request.legal_ground.endswith("deze maand.")


def test_a_decided_request_is_read_only(make):
    officer, report = make.user("privacy"), make.report()
    request = _request(make, officer, "rectification", [report.reference])
    service.rectify(request, service.RectificationInput(report.reference, "reporter_name", "Jan Janssen", "Typo"),
                    actor=officer)
    service.decide(request, "granted", None, None, actor=officer)
    with pytest.raises(Conflict):
        service.rectify(request, service.RectificationInput(report.reference, "reporter_name", "Jan J.", "Nog eens"),
                        actor=officer)
    with pytest.raises(Conflict):
        service.decide(request, "refused", "art-12-5", None, actor=officer)
    assert request.decision == "granted"


def test_an_erasure_refused_names_its_ground(make, db):
    officer, report = make.user("privacy"), make.report()
    request = _request(make, officer, "erasure", [report.reference])
    with pytest.raises(ValidationFailed):
        service.decide(request, "granted", None, None, actor=officer)  # an erasure is granted by erasing
    service.decide(request, "refused", "art-17-3-e", "Lopende procedure bij de rechter.", actor=officer)
    assert request.decision == "refused" and "art. 17 lid 3 onder e" in request.legal_ground
    assert report.description == "Harde muziek tot diep in de nacht."


MARK = "xqz"  # in every text entered for the report below, and nowhere else
PHONE = "0611122233"


def _report_full_of_text(make, db, status="referred", **overrides):
    from gdt.services.core.transaction import unit_of_work
    from gdt.services.intake import attachments
    from tests import attachment_files as files

    report = make.report(status, description="Xqz-buren draaien elke nacht harde muziek.", reporter_name="Xqz Melder",
                         reporter_email="xqz@voorbeeld.nl", reporter_phone=PHONE, street="Xqzstraat", city="Xqzstad",
                         triage_reason="Xqz-afweging: geen escalatie.", description_corrected="Xqz-correctie.",
                         **overrides)
    event = ReportEvent(report=report, event="correct", from_status=report.status, to_status=report.status,
                        detail={"field": "description"})
    db.session.add(ReportCorrection(report=report, event=event, field="description", before=None,
                                    after="Xqz-correctie.", reason="Xqz-reden van de correctie."))
    db.session.commit()
    with unit_of_work():
        stored = attachments.store(report, attachments.prepare("xqz-foto.jpg", files.jpeg_with_gps()))
    return report, stored.storage_name


def _texts_holding(db, *needles) -> list[str]:
    """Every table.column (text or JSON) in which one of `needles` still occurs."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, (sa.String, sa.Text, sa.JSON)):
                continue
            text = sa.func.lower(sa.cast(column, sa.Text))
            hit = sa.or_(*[text.contains(needle.lower()) for needle in needles])
            if db.session.scalar(sa.select(sa.func.count()).select_from(table).where(hit)):
                found.append(f"{table.name}.{column.name}")
    return found


def test_erasure_removes_every_text_of_the_report_and_keeps_the_statistics(app, make, db):
    from gdt.services.intake import attachments

    officer = make.user("privacy")
    report, stored = _report_full_of_text(make, db)
    assert "reports.description" in _texts_holding(db, MARK, PHONE)
    before = statistics.yearly_statistics(2026)
    request = _request(make, officer, "erasure", [report.reference])
    assert service.erase(request, [report.reference], None, None, actor=officer, now_day=TODAY) == [
        report.reference]
    db.session.expire_all()
    assert _texts_holding(db, MARK, PHONE) == []
    assert not (attachments.directory() / stored).exists()
    assert statistics.yearly_statistics(2026) == before
    assert (request.decision, request.detail["erased"]) == ("granted", [report.reference])
    assert _audited(db, "report", report.reference) == ["erase"]
    assert _audited(db, "subject_request", request.reference) == ["create", "erase"]


def test_erasing_a_case_takes_its_reports_with_it(make, db):
    officer = make.user("privacy")
    report, _stored = _report_full_of_text(make, db, status="escalated")
    before = statistics.yearly_statistics(2026)
    request = _request(make, officer, "erasure", [report.case.reference, report.reference])
    service.erase(request, [report.case.reference, report.reference], None, None, actor=officer, now_day=TODAY)
    db.session.expire_all()
    assert _texts_holding(db, MARK, PHONE) == []
    assert statistics.yearly_statistics(2026) == before
    assert _audited(db, "case", report.case.reference) == ["erase"]


def test_a_partial_erasure_needs_the_ground_for_what_stays(make, db):
    officer = make.user("privacy")
    kept, erased = make.report(), make.report()
    request = _request(make, officer, "erasure", [kept.reference, erased.reference])
    with pytest.raises(ValidationFailed) as refused:
        service.erase(request, [erased.reference], None, None, actor=officer, now_day=TODAY)
    assert set(refused.value.errors) == {"ground"}
    with pytest.raises(ServiceError, match="ten minste één"):
        service.erase(request, [], "art-17-3-b", None, actor=officer, now_day=TODAY)
    service.erase(request, [erased.reference], "art-17-3-b", "Nog in behandeling bij de partner.", actor=officer,
                  now_day=TODAY)
    db.session.expire_all()
    assert request.decision == "partly_granted" and "art. 17 lid 3 onder b" in request.legal_ground
    assert kept.description == "Harde muziek tot diep in de nacht." and erased.description is None


def test_erasure_is_refused_under_a_legal_hold_and_changes_nothing(make, db):
    officer = make.user("privacy")
    report = make.report("escalated")
    db.session.add(LegalHold(case_id=report.case_id, reason="Klacht bij de Nationale ombudsman",
                             placed_by_id=make.user("archivist").id, placed_at=datetime(2026, 11, 1, tzinfo=UTC)))
    db.session.commit()
    request = _request(make, officer, "erasure", [report.reference])
    with pytest.raises(ServiceError) as refused:
        service.erase(request, [report.reference], None, None, actor=officer, now_day=TODAY)
    assert refused.value.code == "legal_hold" and report.reference in refused.value.message
    db.session.expire_all()
    assert request.decision is None and report.description == "Harde muziek tot diep in de nacht."
    assert _audited(db, "report", report.reference) == []
