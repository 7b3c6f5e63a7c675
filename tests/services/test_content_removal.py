"""Content removal on its own (destruction lists and erasures both use it): every entered text and file goes, the
rows and the statistics stay, anonymisation touches only what it should."""
from datetime import UTC, datetime

import sqlalchemy as sa

from gdt.models import ApiClient, Attachment, LocalMail, OutboxMessage, Report
from gdt.services.core.transaction import unit_of_work
from gdt.services.intake import attachments
from gdt.services.reporting import funnel, statistics
from gdt.services.retention import content_removal
from tests import attachment_files as files
from tests.services.test_destruction_lists import (
    DESTROYED_CONTACT,
    DESTROYED_MARK,
    build_scenario,
    database_texts,
    stored_files,
)

YEAR = 2026


def figures() -> tuple[dict, dict]:
    return statistics.yearly_statistics(YEAR), funnel.yearly_funnel(YEAR)


def test_removing_a_case_and_a_report_leaves_no_entered_text_or_file_and_the_same_figures(app, db, make):
    make.session.add(ApiClient(name="app", channel="app", token_hash="1" * 64))  # not named after the scenario
    scenario = build_scenario(make)
    before = figures()
    with unit_of_work():
        names = content_removal.remove_case(scenario["case"]) + content_removal.remove_report(scenario["report"])
    assert len(names) == 2 and set(scenario["files"]) <= stored_files(app.config["ATTACHMENT_DIR"])
    content_removal.delete_files(names)

    texts = database_texts(db.session)
    for secret in (DESTROYED_MARK.lower(), *DESTROYED_CONTACT):
        assert secret not in texts, secret
    assert not set(scenario["files"]) & stored_files(app.config["ATTACHMENT_DIR"])
    after = figures()
    # Recurrence needs the address, which destruction removes: the destroyed case counts as untraceable from then
    # on (README, "Did it work"); every other figure stays the same.
    recurrence_before = before[1]["outcomes"].pop("recurrence")
    recurrence_after = after[1]["outcomes"].pop("recurrence")
    assert after == before
    assert recurrence_after["untraceable"] == recurrence_before["untraceable"] + 1
    report = db.session.get(Report, scenario["report"].id)
    assert report.destroyed_at is not None and report.postcode is None and report.triage_outcome == "referred"
    assert content_removal.delete_files(names) == 0  # a resumed run may delete again


def test_anonymisation_removes_contact_details_and_files_only(app, db, make):
    report = make.report("referred", reporter_name="Karel Kapstok", reporter_email="karel@example.net",
                         reporter_phone="0612345678", reporter_may_contact=True, description="Blaffende hond",
                         referred_partner=make.partner("politie"), triaged_at=datetime(2026, 2, 1, tzinfo=UTC))
    make.session.add(LocalMail(recipient="karel@example.net", subject="Ontvangen", body="Bedankt"))
    make.session.commit()
    with unit_of_work():
        attachments.store(report, attachments.prepare("foto.jpg", files.jpeg_with_gps()))
    before = figures()
    with unit_of_work():
        content_removal.remove_contact_details(report)
        names = content_removal.remove_attachments(report)
    content_removal.delete_files(names)

    report = db.session.get(Report, report.id)
    assert (report.reporter_name, report.reporter_email, report.reporter_phone, report.reporter_may_contact) == (
        None, None, None, False)
    assert report.contact_removed_at is not None and report.attachments_removed_at is not None
    assert report.description == "Blaffende hond" and report.destroyed_at is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LocalMail)) == 0
    assert figures() == before


def test_waiting_mail_about_a_removed_report_is_never_sent(db, make):
    report = make.report("received", reporter_email="wachtend@example.net")
    make.session.add(OutboxMessage(id="00000000-0000-4000-8000-000000000001", topic="receipt.send",
                                   payload={"report_id": report.id}))
    make.session.commit()
    with unit_of_work():
        content_removal.remove_report(report)
    message = db.session.get(OutboxMessage, "00000000-0000-4000-8000-000000000001")
    assert message.payload == {} and message.processed_at is not None
