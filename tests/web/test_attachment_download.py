"""Staff download a report's attachment: as a download, never sniffed, never cached, always audited."""
import sqlalchemy as sa
from flask_babel import force_locale

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


def test_file_sizes_are_written_in_the_language_of_the_page(app):
    size = app.jinja_env.filters["filesize"]
    with app.test_request_context():
        with force_locale("nl"):
            assert [size(n) for n in (1, 999, 3100, 2_500_000, 1_234_000_000)] == [
                "1 byte", "999 bytes", "3,1 kB", "2,5 MB", "1,2 GB"]
        with force_locale("en"):
            assert [size(n) for n in (3100, 2_500_000)] == ["3.1 kB", "2.5 MB"]


def test_the_report_page_shows_the_size_of_an_attachment_in_dutch(db, make, client_as):
    report = make.report()
    with unit_of_work():
        stored = attachments.store(report, attachments.prepare("opname.wav", files.wav()))
        stored.size_bytes = 3_100
    page = client_as("coordinator").get(f"/reports/{report.reference}").get_data(as_text=True)
    assert "WAV, 3,1 kB" in page


def test_the_report_pages_show_photos_as_thumbnails_linking_to_the_full_photo(db, make, client_as):
    clerk = make.user("intake")
    report = make.report(registered_by_id=clerk.id)
    with unit_of_work():
        first = attachments.store(report, attachments.prepare("voordeur.jpg", files.jpeg_with_gps()))
        attachments.store(report, attachments.prepare("opname.wav", files.wav()))
    base = f"/reports/{report.reference}/attachments/{first.id}"
    for client, page in ((client_as(user=clerk), f"/intake/reports/{report.reference}"),
                         (client_as("coordinator"), f"/reports/{report.reference}")):
        html = client.get(page).get_data(as_text=True)
        assert f'<a class="utrecht-link gdt-thumbnail__link" href="{base}">' in html
        assert f'src="{base}/thumbnail"' in html and f'alt="Foto 1 bij melding {report.reference}"' in html
        assert "Volledige foto downloaden" in html and "voordeur.jpg" in html and "Geluidsopname 1" in html
        assert client.get(f"{base}/thumbnail").status_code == 200


def test_a_thumbnail_is_served_inline_privately_and_audited(db, make, client_as):
    clerk = make.user("intake")
    report = make.report(registered_by_id=clerk.id)
    with unit_of_work():
        photo = attachments.store(report, attachments.prepare("foto.jpg", files.jpeg_with_gps(size=(900, 600))))
        recording = attachments.store(report, attachments.prepare("opname.wav", files.wav()))
    url = f"/reports/{report.reference}/attachments/{photo.id}/thumbnail"

    response = client_as(user=clerk).get(url)
    assert response.status_code == 200 and response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert response.headers["Cache-Control"] == "no-store" and response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data[:3] == b"\xff\xd8\xff" and len(response.data) < len(
        (attachments.directory() / photo.storage_name).read_bytes())
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "view_thumbnail", AuditEvent.actor_id == clerk.id, AuditEvent.outcome == "ok")) == 1

    assert client_as(user=make.user("intake")).get(url).status_code == 403
    assert client_as("manager").get(url).status_code == 403
    assert client_as("partner").get(url).status_code == 403
    assert client_as(user=clerk).get(
        f"/reports/{report.reference}/attachments/{recording.id}/thumbnail").status_code == 404
