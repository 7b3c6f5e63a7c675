"""The demo's resident logbook (gdt.services.demo.demo_resident): two entries on a running case's report whose
resident can be reached, the later with a photo stored like any upload, and the line that tells how to open it."""
import sqlalchemy as sa

from gdt.models import Attachment, Report
from gdt.models.resident import ResidentLogEntry
from gdt.services.demo import demo_data, demo_resident
from gdt.services.resident import logbook


def test_the_demo_resident_has_two_entries_and_make_run_says_how_to_open_the_page(app, db):
    summary = demo_data.load_demo(year=None, reports=150, if_empty=False)
    first, second = db.session.scalars(sa.select(ResidentLogEntry).order_by(ResidentLogEntry.id)).all()
    report = first.report
    assert second.report_id == report.id and first.happened_on < second.happened_on
    assert report.case.status == "open" and report.reporter_email and logbook.is_open(report)
    nonces = db.session.scalars(sa.select(Report.resident_link_nonce)).all()  # bulk-inserted reports too
    assert all(nonces) and len(set(nonces)) == len(nonces)
    assert [attachment.kind for attachment in second.attachments] == ["photo"] and first.attachments == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)
                             .where(Attachment.log_entry_id.is_not(None))) == 1
    assert f"flask --app wsgi resident link {report.reference}" in summary.describe()
    assert demo_resident.hint() in summary.describe()
