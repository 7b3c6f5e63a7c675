"""Staff download a report's attachment: as a download, never sniffed, never cached, always audited."""
import sqlalchemy as sa

from gdt.models import AuditEvent
from gdt.services.core.transaction import unit_of_work
from gdt.services.intake import attachments
from tests import attachment_files as files


def test_download_headers_and_audit(db, make, client_as):
    clerk = make.user("intake")
    report = make.report(registered_by_id=clerk.id)
    with unit_of_work():
        attachment = attachments.store(report, attachments.prepare('foto"; x=.jpg', files.jpeg_with_gps()))
    url = f"/reports/{report.reference}/attachments/{attachment.id}"

    response = client_as(user=clerk).get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and report.reference in disposition and '"' not in disposition[22:-1]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data == (attachments.directory() / attachment.storage_name).read_bytes()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "download_attachment", AuditEvent.actor_id == clerk.id)) == 1

    assert client_as(user=make.user("intake")).get(url).status_code == 403
    assert client_as(user=make.user("coordinator")).get(url).status_code == 200
    assert client_as(user=make.user("manager")).get(url).status_code == 403
    assert client_as(user=clerk).get(f"/reports/{report.reference}/attachments/{attachment.id + 1}").status_code == 404


def test_the_report_page_lists_the_attachments(db, make, client_as):
    coordinator = make.user("coordinator")
    report = make.report()
    with unit_of_work():
        attachments.store(report, attachments.prepare("opname.wav", files.wav()))
    page = client_as(user=coordinator).get(f"/reports/{report.reference}").get_data(as_text=True)
    assert "Geluidsopname 1" in page and f"/reports/{report.reference}/attachments/" in page
