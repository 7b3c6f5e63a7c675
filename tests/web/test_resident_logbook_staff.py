"""The resident's logbook on the staff pages: the report page (coordinators, and intake for what they registered),
the case page (coordinators), with thumbnails and recordings through the attachments' audited routes; partners
never, not even for a report they may otherwise see; every read audited."""

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, PartnerRegistration
from gdt.services.resident import logbook
from tests import attachment_files as files
from tests import dates


@pytest.fixture
def logged(app, make):
    """An escalated report registered by an intake clerk, with one entry carrying a photo and a recording."""
    clerk = make.user("intake")
    report = make.report("escalated", registered_by_id=clerk.id)
    with app.test_request_context():
        typed = logbook.EntryInput(happened_on=dates.today().isoformat(), happened_at="22:10", duration_minutes="30",
                                   text="Geschreeuw in het trapportaal.")
        entry = logbook.add_entry(report, typed, [("trap.jpg", files.jpeg_with_gps())], ("trap.wav", files.wav()))
    photo, recording = sorted(entry.attachments, key=lambda attachment: attachment.kind, reverse=True)
    return report, clerk, photo, recording


def views(db, object_type: str) -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "view_resident_logbook",
                                                          AuditEvent.object_type == object_type)).all()


def test_the_coordinator_reads_the_logbook_on_the_report_and_the_case_page(db, client_as, logged):
    report, _, photo, recording = logged
    coordinator = client_as("coordinator")
    html = coordinator.get(f"/reports/{report.reference}").get_data(as_text=True)
    assert "Logboek van de melder (1)" in html and "Geschreeuw in het trapportaal." in html and "30 minuten" in html
    assert f"/reports/{report.reference}/attachments/{photo.id}/thumbnail" in html
    assert f"/reports/{report.reference}/attachments/{recording.id}" in html
    assert 'id="attachments"' not in html  # the report's own files are none: the logbook's are shown apart
    [event] = views(db, "report")
    assert event.object_ref == report.reference and event.detail == {"entries": 1}

    html = coordinator.get(f"/cases/{report.case.reference}").get_data(as_text=True)
    assert "Logboeken van melders" in html and "Geschreeuw in het trapportaal." in html
    [event] = views(db, "case")
    assert event.detail == {"reports": [report.reference]}
    assert coordinator.get(f"/reports/{report.reference}/attachments/{photo.id}/thumbnail").status_code == 200
    assert coordinator.get(f"/reports/{report.reference}/attachments/{recording.id}").status_code == 200


def test_intake_may_read_the_logbook_of_a_report_they_registered_only(db, make, client_as, logged):
    """The rule for intake's report page (/intake/reports/…), which has no logbook section yet."""
    report, clerk, *_ = logged
    assert [entry.text for entry in logbook.read_for_staff(clerk, report)] == ["Geschreeuw in het trapportaal."]
    assert logbook.read_for_staff(make.user("intake"), report) == []
    assert client_as(user=clerk).get(f"/reports/{report.reference}").status_code == 403  # the triage page


def test_a_partner_never_sees_the_logbook_nor_its_files(db, make, client_as, logged):
    report, _, photo, recording = logged
    partner_user = make.user("partner")
    make.session.add(PartnerRegistration(report_id=report.id, partner_id=partner_user.partner_id,
                                         registrant_name="Wijkagent", reason="Dreigende escalatie."))
    make.session.commit()
    partner = client_as(user=partner_user)
    for attachment in (photo, recording):
        assert partner.get(f"/reports/{report.reference}/attachments/{attachment.id}").status_code == 403
    assert partner.get(f"/reports/{report.reference}/attachments/{photo.id}/thumbnail").status_code == 403
    assert logbook.read_for_staff(partner_user, report) == [] and views(db, "report") == []


@pytest.mark.parametrize("role", ["manager", "admin", "archivist", "privacy"])
def test_no_other_role_reads_a_logbook(logged, make, role):
    report, *_ = logged
    user = make.user(role)
    assert logbook.read_for_staff(user, report) == [] and logbook.read_case_for_staff(user, report.case) == []
