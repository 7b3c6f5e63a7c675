"""Case documents: type checks from the bytes, versions, size limit, need-to-know, audited downloads, stale edits."""
import io
from datetime import date

import pytest
import sqlalchemy as sa
from PIL import Image

from gdt.models import AuditEvent, CasePartner
from gdt.models.documents import CaseDocument, DocumentVersion
from gdt.services.core import attachment_store
from gdt.services.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from gdt.services.core.transaction import unit_of_work
from gdt.services.documents import file_check, reading, store
from gdt.services.intake import attachment_check, attachments
from tests import attachment_files as files
from tests import document_files as documents

DAY = date(2026, 3, 2)


def refused(filename, data) -> str:
    with pytest.raises(ValidationFailed) as failure:
        file_check.prepare(filename, data)
    return str(failure.value.errors["file"])


def add(case, actor, *, name="verslag.pdf", data=None, visible=False, **fields):
    return store.add_document(case, document_type=fields.pop("document_type", "rapportage"),
                              title=fields.pop("title", "Verslag huisbezoek"), document_date=DAY,
                              visible_to_partners=visible, data=data or documents.pdf(), filename=name,
                              actor=actor, **fields)


def partner_user_in(make, case, key="politie"):
    user = make.user("partner", partner=make.partner(key))
    case.partners.append(CasePartner(partner=user.partner))
    make.session.flush()
    return user


@pytest.mark.parametrize("name, data, content_type", [
    ("besluit.pdf", documents.pdf(), "application/pdf"),
    ("verslag.docx", documents.docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("lijst.xlsx", documents.xlsx(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("notitie.odt", documents.odt(), "application/vnd.oasis.opendocument.text"),
    ("foto.heic", files.heic(), "image/jpeg"),
    ("foto.png", files.png(), "image/jpeg"),
    ("opname.mp3", files.mp3(), "audio/mpeg"),
    ("opname.m4a", files.m4a(), "audio/mp4"),
    ("opname.wav", files.wav(), "audio/wav"),
    ("opname.ogg", files.ogg(), "audio/ogg"),
])
def test_allowed_kinds_are_recognised_by_content(db, name, data, content_type):
    assert file_check.prepare(name, data).content_type == content_type


def test_a_photo_loses_its_exif_and_gps(db):
    prepared = file_check.prepare("foto.jpg", files.jpeg_with_gps())
    with Image.open(io.BytesIO(prepared.data)) as image:
        assert not image.getexif() and b"secret comment" not in prepared.data
    assert prepared.extension == "jpg"


@pytest.mark.parametrize("name, data, message", [
    # the attachments' bad-file set
    ("foto.jpg", b"", "leeg"),
    ("foto.png", files.jpeg_with_gps(), "geen PNG-foto, al eindigt de naam op .png"),
    ("foto.jpg", files.png(), "geen JPEG-foto, al eindigt de naam op .jpg"),
    ("foto.jpg.html", files.jpeg_with_gps(), "niet worden toegevoegd"),
    ("tekening.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "niet worden toegevoegd"),
    ("foto.jpg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "geen JPEG-foto"),
    ("polyglot.jpg", b"<html><script>alert(1)</script></html>" + files.jpeg_with_gps(), "geen JPEG-foto"),
    ("brief.pdf", b"%PDF-1.4 /JavaScript (app.alert(1))", "geen PDF"),
    ("kapot.jpg", files.jpeg_with_gps()[:300], "beschadigd"),
    ("opname.mp3", files.wav(), "past niet bij de extensie .mp3"),
    ("opname.wav", files.jpeg_with_gps(), "past niet bij de extensie .wav"),
    ("zonder-extensie", files.jpeg_with_gps(), "niet worden toegevoegd"),
    ("archief.zip", b"PK\x03\x04" + b"\x00" * 50, "niet worden toegevoegd"),
    # and what documents add
    ("brief.pdf", documents.pdf_with_javascript(), "scripts"),
    ("brief.pdf", documents.pdf_with_javascript(escaped=True), "scripts"),
    ("brief.pdf", documents.docx(), "geen PDF"),
    ("brief.pdf", documents.pdf()[:200], "geen PDF"),
    ("verslag.docx", documents.pdf(), "past niet bij de extensie .docx"),
    ("verslag.docx", documents.xlsx(), "past niet bij de extensie .docx"),
    ("verslag.docx", b"PK\x03\x04" + b"\x00" * 50, "past niet bij de extensie .docx"),
    ("verslag.docx", documents.ooxml(extra={"word/vbaProject.bin": b"macro"}), "macro"),
    ("notitie.odt", documents.odt("application/vnd.oasis.opendocument.spreadsheet"), "past niet bij de extensie"),
    ("oud.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "Oude Office-bestanden"),
    ("pagina.html", b"<html></html>", "niet worden toegevoegd"),
])
def test_refused_uploads_say_why(db, name, data, message):
    assert message in refused(name, data)


def test_the_size_limit_is_exact(app, db, monkeypatch):
    data = documents.pdf()
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_BYTES", len(data))
    assert file_check.prepare("brief.pdf", data).data == data
    monkeypatch.setitem(app.config, "DOCUMENT_MAX_BYTES", len(data) - 1)
    assert "te groot" in refused("brief.pdf", data)


def test_a_document_and_its_versions_are_numbered_stored_outside_the_web_root_and_audited(db, make):
    coordinator, case = make.user("coordinator"), make.case()
    document = add(case, coordinator, title="  Verslag   huisbezoek ")
    second = store.add_version(document, data=documents.docx(), filename="C:\\map\\verslag v2.docx",
                               actor=coordinator)
    third = store.add_version(document, data=documents.pdf(2), filename="brief.pdf", actor=None, source="letter",
                              letter_template_name="Waarschuwing")
    assert document.title == "Verslag huisbezoek"
    assert [version.number for version in document.versions] == [1, 2, 3]
    assert document.current is third and third.source == "letter" and third.uploaded_by_id is None
    assert second.original_name == "verslag v2.docx" and second.extension == "docx"
    for version in document.versions:
        path = attachment_store.directory() / version.storage_name
        assert path.is_file() and path.stat().st_size == version.size_bytes
        assert version.storage_name.split(".")[0] not in ("verslag", "brief")  # a generated name
    details = db.session.scalars(sa.select(AuditEvent.detail).where(AuditEvent.action == "upload_document")
                                 .order_by(AuditEvent.id)).all()
    assert [(d["document"], d["version"]) for d in details] == [(document.id, 1), (document.id, 2), (document.id, 3)]


def test_bad_details_store_nothing(app, db, make, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "ATTACHMENT_DIR", str(tmp_path))
    coordinator, case = make.user("coordinator"), make.case()
    with pytest.raises(ValidationFailed) as failure:
        store.add_document(case, document_type="dagboek", title=" ", document_date=date(2099, 1, 1),
                           visible_to_partners=False, data=documents.pdf(), filename="a.pdf", actor=coordinator)
    assert set(failure.value.errors) == {"document_type", "title", "document_date"}
    with pytest.raises(ValidationFailed):
        add(case, coordinator, name="a.exe", data=b"MZ")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseDocument)) == 0
    assert not any(tmp_path.iterdir())  # checked before anything is written


def test_only_coordinators_who_may_open_the_case_add_documents(db, make):
    case = make.case()
    for role in ("intake", "manager", "admin"):
        with pytest.raises(Forbidden):
            add(case, make.user(role))
    with pytest.raises(Forbidden):
        add(case, partner_user_in(make, case))


def test_a_failed_transaction_removes_the_file_and_a_joined_one_leaves_an_orphan_for_pruning(db, make, monkeypatch):
    coordinator, case = make.user("coordinator"), make.case()
    before = set(attachment_store.directory().iterdir())
    monkeypatch.setattr(store.audit, "record", lambda *args, **kwargs: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        add(case, coordinator)
    assert set(attachment_store.directory().iterdir()) == before  # written, then removed with the rollback
    monkeypatch.undo()
    with pytest.raises(RuntimeError), unit_of_work():
        add(case, coordinator)
        raise RuntimeError("the caller's operation failed later")
    orphans = set(attachment_store.directory().iterdir()) - before
    assert len(orphans) == 1
    assert attachments.prune_orphans(older_than=-1) >= 1
    assert not any(path.exists() for path in orphans)


def test_pruning_and_the_store_check_keep_documents(db, make):
    document = add(make.case(), make.user("coordinator"))
    attachments.prune_orphans(older_than=-1)
    assert (attachment_store.directory() / document.current.storage_name).is_file()
    assert not [p for p in attachment_check.check_store().problems if p.path == document.current.storage_name]


def test_partners_see_only_flagged_documents_of_their_own_cases(db, make):
    coordinator, case, other_case = make.user("coordinator"), make.case(), make.case()
    flagged = add(case, coordinator, visible=True, title="Gedeeld")
    hidden = add(case, coordinator, title="Intern")
    partner = partner_user_in(make, case, "politie")
    stranger = partner_user_in(make, other_case, "woningcorporatie")
    assert reading.documents_of(coordinator, case) == [hidden, flagged]  # same date: newest first
    assert reading.documents_of(partner, case) == [flagged]
    assert reading.documents_of(stranger, case) == []
    assert reading.open_version(partner, flagged.id, 1)[1].is_file()
    with pytest.raises(NotFound):
        reading.open_version(partner, hidden.id, 1)
    with pytest.raises(NotFound):
        reading.document_for(partner, hidden.id)
    with pytest.raises(Forbidden):
        reading.open_version(stranger, flagged.id, 1)
    for role in ("intake", "manager", "admin"):
        assert reading.documents_of(make.user(role), case) == []
        with pytest.raises(Forbidden):
            reading.document_for(make.user(role), flagged.id)


def test_every_download_is_audited_with_who_which_version_and_which_case(db, make):
    coordinator, case = make.user("coordinator"), make.case()
    document = add(case, coordinator)
    store.add_version(document, data=documents.pdf(2), filename="v2.pdf", actor=coordinator)
    stranger = partner_user_in(make, make.case())
    version, path = reading.open_version(coordinator, document.id, 2)
    assert version.number == 2 and path.read_bytes() == documents.pdf(2)
    with pytest.raises(NotFound):
        reading.open_version(coordinator, document.id, 3)
    with pytest.raises(Forbidden):
        reading.open_version(stranger, document.id, 1)
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "download_document")
                                .order_by(AuditEvent.id)).all()
    assert [(e.actor_id, e.object_ref, e.detail, e.outcome) for e in events] == [
        (coordinator.id, case.reference, {"document": document.id, "version": 2}, "ok"),
        (stranger.id, case.reference, {"document": document.id}, "denied"),
    ]


def test_a_stale_edit_is_refused_and_changes_nothing(db, make):
    coordinator, case = make.user("coordinator"), make.case()
    document = add(case, coordinator)
    seen = document.version
    store.update_details(document, seen_version=seen, document_type="besluit", title="Besluit",
                         document_date=DAY, visible_to_partners=True, actor=coordinator)
    assert (document.document_type, document.visible_to_partners, document.version) == ("besluit", True, seen + 1)
    with pytest.raises(Conflict):
        store.update_details(document, seen_version=seen, document_type="brief", title="Oud",
                             document_date=DAY, visible_to_partners=False, actor=coordinator)
    assert document.title == "Besluit"
    with pytest.raises(Forbidden):
        store.update_details(document, seen_version=document.version, document_type="brief", title="x",
                             document_date=DAY, visible_to_partners=False, actor=make.user("manager"))
    detail = db.session.scalar(sa.select(AuditEvent.detail).where(AuditEvent.action == "update_document"))
    assert detail == {"document": document.id, "fields": ["document_type", "title", "visible_to_partners"]}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DocumentVersion)) == 1


def test_the_demo_puts_readable_pdfs_on_running_cases(db, make):
    from pypdf import PdfReader

    from gdt.db import utcnow
    from gdt.models import CaseParty
    from gdt.services.demo import demo_documents
    case = make.case()
    make.session.add(CaseParty(case_id=case.id, name="Bewoner", role="subject"))
    make.session.flush()
    with unit_of_work():
        assert demo_documents.add(utcnow()) == 3
    documents_of_case = db.session.scalars(sa.select(CaseDocument).where(CaseDocument.case_id == case.id)).all()
    letter = next(document for document in documents_of_case if document.document_type == "brief")
    assert [version.number for version in letter.versions] == [1, 2] and letter.visible_to_partners
    text = PdfReader(attachment_store.directory() / letter.current.storage_name).pages[0].extract_text()
    assert "Waarschuwingsbrief" in text and case.reference in text

