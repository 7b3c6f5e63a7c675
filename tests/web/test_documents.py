"""Case documents on the pages: the case page's section, upload, the document's page, downloads, the partner's list."""
import io
from datetime import date

import sqlalchemy as sa

from gdt.models import AuditEvent, CasePartner
from gdt.models.documents import CaseDocument
from gdt.services.documents import store
from tests import attachment_files as files
from tests import document_files as documents


def _document(case, coordinator, *, title="Verslag huisbezoek", visible=False):
    return store.add_document(case, document_type="rapportage", title=title, document_date=date(2026, 3, 2),
                              visible_to_partners=visible, data=documents.pdf(), filename="verslag.pdf",
                              actor=coordinator)


def _form(**fields):
    return {"document_type": "besluit", "title": "Besluit gedragsaanwijzing", "document_date": "2026-03-04",
            "visible_to_partners": "y", "file": (io.BytesIO(documents.pdf()), "besluit.pdf")} | fields


def test_the_case_page_lists_documents_and_offers_the_upload(db, make, client_as):
    coordinator, case = make.user("coordinator"), make.case()
    document = _document(case, coordinator)
    page = client_as(user=coordinator).get(f"/cases/{case.reference}").get_data(as_text=True)
    assert 'id="documenten"' in page and ">Documenten</h2>" in page
    assert f'href="/documents/{document.id}"' in page and "Verslag huisbezoek" in page and "Rapportage" in page
    assert "Zichtbaar voor ketenpartners" in page and 'enctype="multipart/form-data"' in page


def test_an_upload_adds_the_document_and_a_bad_file_is_refused_with_a_message(db, make, client_as):
    coordinator, case = make.user("coordinator"), make.case()
    client = client_as(user=coordinator)
    response = client.post(f"/cases/{case.reference}/documents/new", data=_form(), content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].endswith("#documenten")
    document = db.session.scalar(sa.select(CaseDocument).where(CaseDocument.case_id == case.id))
    assert (document.title, document.document_type, document.visible_to_partners) == (
        "Besluit gedragsaanwijzing", "besluit", True)

    bad = _form(file=(io.BytesIO(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
                      "foto.jpg"), title="Tweede")
    response = client.post(f"/cases/{case.reference}/documents/new", data=bad, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "geen JPEG-foto" in response.get_data(as_text=True)
    response = client.post(f"/cases/{case.reference}/documents/new", data=_form(file=None, title=""),
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "Kies een bestand." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseDocument)) == 1


def test_the_document_page_adds_versions_and_edits_details_with_optimistic_locking(db, make, client_as):
    coordinator, case = make.user("coordinator"), make.case()
    document = _document(case, coordinator)
    client = client_as(user=coordinator)
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert "Versie 1 downloaden" in page and "Nieuwe versie" in page and "niet worden verwijderd" in page

    response = client.post(f"/documents/{document.id}/versions", content_type="multipart/form-data",
                           data={"version-file": (io.BytesIO(files.jpeg_with_gps()), "foto.jpg")})
    assert response.status_code == 302
    assert [version.number for version in document.versions] == [1, 2]

    seen = document.version
    details = {"details-version": seen, "details-document_type": "besluit", "details-title": "Besluit",
               "details-document_date": "2026-03-05"}
    assert client.post(f"/documents/{document.id}/details", data=details).status_code == 302
    db.session.refresh(document)
    assert (document.title, document.document_type, document.visible_to_partners) == ("Besluit", "besluit", False)
    stale = client.post(f"/documents/{document.id}/details", data=details | {"details-title": "Oud"})
    assert stale.status_code == 422 and "intussen door iemand anders gewijzigd" in stale.get_data(as_text=True)
    db.session.refresh(document)
    assert document.title == "Besluit"


def test_downloads_are_attachments_never_sniffed_and_audited(db, make, client_as):
    coordinator, case = make.user("coordinator"), make.case()
    document = _document(case, coordinator)
    response = client_as(user=coordinator).get(f"/documents/{document.id}/versions/1")
    assert response.status_code == 200 and response.data == documents.pdf()
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename={case.reference}-document-{document.id}-v1.pdf")
    assert response.headers["X-Content-Type-Options"] == "nosniff" and response.headers["Cache-Control"] == "no-store"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "download_document"))
    assert (event.actor_id, event.object_ref, event.detail) == (
        coordinator.id, case.reference, {"document": document.id, "version": 1})


def test_partners_see_and_download_only_flagged_documents_of_their_own_cases(db, make, client_as):
    coordinator, case, other_case = make.user("coordinator"), make.case(), make.case()
    shared = _document(case, coordinator, title="Gedeeld verslag", visible=True)
    internal = _document(case, coordinator, title="Interne notitie")
    partner, stranger = make.user("partner", partner=make.partner("politie")), \
        make.user("partner", partner=make.partner("woningcorporatie"))
    make.session.add_all([CasePartner(case_id=case.id, partner_id=partner.partner_id),
                          CasePartner(case_id=other_case.id, partner_id=stranger.partner_id)])
    make.session.commit()
    client = client_as(user=partner)
    page = client.get(f"/partner/casussen/{case.reference}").get_data(as_text=True)
    assert "Gedeelde documenten" in page and "Gedeeld verslag" in page and "Interne notitie" not in page
    assert f"/documents/{shared.id}/versions/1" in page
    assert client.get(f"/documents/{shared.id}/versions/1").status_code == 200
    assert client.get(f"/documents/{internal.id}/versions/1").status_code == 404
    assert client.get(f"/documents/{shared.id}").status_code == 403  # the document page is the team's
    assert client_as(user=stranger).get(f"/documents/{shared.id}/versions/1").status_code == 403
    for role in ("intake", "manager", "admin"):
        assert client_as(role).get(f"/documents/{shared.id}/versions/1").status_code == 403
