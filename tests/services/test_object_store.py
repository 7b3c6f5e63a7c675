"""The object store (gdt.services.core.object_store): a folder and an S3 bucket keep the same contract, and every
feature that stores files works the same on both. The S3 side runs against a real local S3 server (moto in server
mode, tests/s3.py), with the settings an installation would give."""
import io
import time
import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from PIL import Image

from gdt.models import Attachment, AuditEvent
from gdt.services.core import attachment_store, object_store, tokens
from gdt.services.core.errors import Conflict
from gdt.services.core.transaction import unit_of_work
from gdt.services.documents import store as documents_store
from gdt.services.intake import attachment_check, attachments, thumbnails
from gdt.services.operations import health
from gdt.services.retention import content_removal
from tests import attachment_files as files
from tests import document_files as documents
from tests.api.test_app_intake import AppCaller, report_body
from tests.api.test_documents_api import bearer
from tests.s3 import S3Server

BACKENDS = ["file", "s3"]
DAY = date(2026, 3, 2)


@pytest.fixture(scope="module")
def s3_server():
    with S3Server() as server:
        yield server


@pytest.fixture(params=BACKENDS)
def storage(request, app, monkeypatch, tmp_path):
    """The app pointed at a store of this test's own: a folder by `file:///…`, or a new bucket under a prefix."""
    if request.param == "file":
        settings = {"STORAGE_URL": f"file://{tmp_path / 'store'}"}
    else:
        settings = request.getfixturevalue("s3_server").environment(f"gdt-{uuid.uuid4().hex[:16]}")
    for name, value in settings.items():
        monkeypatch.setitem(app.config, name, value)
    with app.app_context():
        yield object_store.current()


@pytest.fixture
def s3_storage(request, app, monkeypatch, s3_server):
    """The app on a new bucket; yields (settings, a plain boto3 client of the server) to look behind GDT's back."""
    settings = s3_server.environment(f"gdt-{uuid.uuid4().hex[:16]}", prefix="bijlagen")
    for name, value in settings.items():
        monkeypatch.setitem(app.config, name, value)
    return settings, s3_server.client()


def names(store) -> list[str]:
    return sorted(item.name for item in store.list())


# The contract, on both stores.

def test_put_get_exists_size_list_and_delete(storage):
    storage.put("0123abcd.jpg", b"photo")
    storage.put("thumbnails/0123abcd.jpg", b"small")
    storage.put("0123abcd.jpg", b"photo, written again whole")
    assert storage.get("0123abcd.jpg") == b"photo, written again whole"
    with storage.open("thumbnails/0123abcd.jpg") as stream:
        assert stream.read() == b"small"
    assert storage.exists("0123abcd.jpg") and not storage.exists("ffff.jpg")
    assert (storage.size("thumbnails/0123abcd.jpg"), storage.size("ffff.jpg")) == (5, None)
    assert names(storage) == ["0123abcd.jpg", "thumbnails/0123abcd.jpg"]
    listed = {item.name: item for item in storage.list()}
    assert listed["thumbnails/0123abcd.jpg"].size == 5 and abs(listed["0123abcd.jpg"].modified - time.time()) < 120

    stored = storage.locate("0123abcd.jpg")
    assert stored.name == "0123abcd.jpg" and stored.is_file() and stored.read_bytes().startswith(b"photo")
    assert not storage.locate("ffff.jpg").is_file()

    assert storage.delete(["0123abcd.jpg", "thumbnails/0123abcd.jpg", "ffff.jpg"]) == 2  # one already gone: fine
    assert storage.delete(["0123abcd.jpg"]) == 0 and names(storage) == []
    with pytest.raises(FileNotFoundError):
        storage.get("0123abcd.jpg")


@pytest.mark.parametrize("name", ["../secret.jpg", "/etc/passwd", "a/b/c.jpg", "", "..", "thumbnails/..",
                                  "a\\b.jpg", "foto 1.jpg", "a//b.jpg", "x" * 200])
def test_only_store_names_are_taken_never_paths(storage, name):
    for operation in (storage.locate, storage.exists, storage.get, lambda n: storage.put(n, b"x")):
        with pytest.raises(ValueError):
            operation(name)
    assert attachment_store.delete([name]) == 0 and names(storage) == []


def test_deleting_a_file_takes_its_thumbnail_and_skips_what_is_not_a_generated_name(storage):
    for name in ("abc.jpg", "thumbnails/abc.jpg", "def.wav"):
        storage.put(name, b"x")
    assert attachment_store.delete(["abc.jpg", "thumbnails/def.jpg", None, "def.wav"]) == 3
    assert names(storage) == []


def test_the_store_follows_the_settings(app, tmp_path, monkeypatch):
    with app.app_context():
        assert object_store.current().folder == attachment_store.directory()  # unset: ATTACHMENT_DIR, as before
        monkeypatch.setitem(app.config, "STORAGE_URL", f"file://{tmp_path}/elders")
        assert object_store.current().folder == attachment_store.directory() == tmp_path / "elders"
        for wrong in ("ftp://host/x", "s3://", "file://host/x"):
            monkeypatch.setitem(app.config, "STORAGE_URL", wrong)
            with pytest.raises(ValueError):
                object_store.current()


# What only S3 has.

def test_every_object_is_encrypted_at_rest_and_kept_under_the_prefix(app, s3_storage):
    settings, client = s3_storage
    bucket = settings["STORAGE_URL"].split("/")[2]
    with app.app_context():
        object_store.current().put("abc.jpg", b"photo")
        object_store.current().put("thumbnails/abc.jpg", b"small")
        with pytest.raises(RuntimeError):
            attachment_store.directory()  # a bucket is no folder
    keys = sorted(item["Key"] for item in client.list_objects_v2(Bucket=bucket)["Contents"])
    assert keys == ["bijlagen/abc.jpg", "bijlagen/thumbnails/abc.jpg"]
    for key in keys:
        assert client.head_object(Bucket=bucket, Key=key)["ServerSideEncryption"] == "AES256"


def test_kms_encryption_when_asked(app, s3_storage, monkeypatch):
    settings, client = s3_storage
    bucket = settings["STORAGE_URL"].split("/")[2]
    monkeypatch.setitem(app.config, "STORAGE_S3_SSE", "aws:kms")
    with app.app_context():
        object_store.current().put("abc.pdf", b"%PDF")
        assert object_store.encryption(app.config) == {"ServerSideEncryption": "aws:kms"}
        monkeypatch.setitem(app.config, "STORAGE_S3_KMS_KEY_ID", "alias/gdt")
        assert object_store.encryption(app.config) == {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "alias/gdt"}
        monkeypatch.setitem(app.config, "STORAGE_S3_SSE", "none")
        with pytest.raises(ValueError):
            object_store.current()
    assert client.head_object(Bucket=bucket, Key="bijlagen/abc.pdf")["ServerSideEncryption"] == "aws:kms"


def test_readiness_names_the_store_and_fails_when_the_bucket_is_gone(app, db, s3_storage, monkeypatch):
    assert health.readiness().checks["storage"] == {"status": "ok", "kind": "s3"}
    monkeypatch.setitem(app.config, "STORAGE_URL", f"s3://gdt-missing-{uuid.uuid4().hex[:8]}/x")
    assert health.readiness().checks["storage"] == {"status": "fail", "error": "ClientError"}
    assert not health.readiness().ready


# The features, on both stores.

def test_a_photo_from_the_app_downloads_through_the_staff_page_with_its_thumbnail(app, db, make, storage, client_as):
    make.defaults()
    api = AppCaller(app, tokens.issue_api_client("woonoverlast-app", "app", actor=None)[1])
    reference = api.post(report_body()).get_json()["reference"]
    sent = api.client.post(f"/api/v1/reports/{reference}/attachments", headers=api.headers(""),
                           content_type="multipart/form-data",
                           data={"file": (io.BytesIO(files.jpeg_with_gps(size=(1200, 900))), "IMG_0001.JPG")})
    assert sent.status_code == 201, sent.get_data(as_text=True)
    attachment = db.session.get(Attachment, sent.get_json()["id"])
    assert names(storage) == [attachment.storage_name]

    coordinator = make.user("coordinator")
    download = client_as(user=coordinator).get(f"/reports/{reference}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.headers["Content-Type"] == "image/jpeg"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Cache-Control"] == "no-store" and download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.data == storage.get(attachment.storage_name) and len(download.data) == attachment.size_bytes
    assert b"Exif" not in download.data

    small = client_as(user=coordinator).get(f"/reports/{reference}/attachments/{attachment.id}/thumbnail")
    assert small.status_code == 200 and small.headers["Cache-Control"] == "no-store"
    with Image.open(io.BytesIO(small.data)) as image:
        assert max(image.size) == thumbnails.THUMBNAIL_SIDE
    assert names(storage) == sorted([attachment.storage_name, attachment_store.thumbnail_key(attachment.storage_name)])
    stranger = make.user("intake")  # not the team's report: refused by the service, and audited
    assert client_as(user=stranger).get(f"/reports/{reference}/attachments/{attachment.id}").status_code == 403
    outcomes = db.session.scalars(sa.select(AuditEvent.outcome).where(
        AuditEvent.action.in_(("download_attachment", "view_thumbnail"))).order_by(AuditEvent.id)).all()
    assert outcomes == ["ok", "ok", "denied"]


def test_a_failed_transaction_leaves_no_object_behind(db, make, storage):
    coordinator, case = make.user("coordinator"), make.case()
    gone = make.user("coordinator")
    db.session.execute(sa.text("DELETE FROM users WHERE id = :id"), {"id": gone.id})  # the row goes, the object stays
    with pytest.raises(Conflict):  # the database refuses the document of a user who is not there
        documents_store.add_document(case, document_type="rapportage", title="Verslag", document_date=DAY,
                                     visible_to_partners=False, data=documents.pdf(), filename="verslag.pdf",
                                     actor=gone)
    assert names(storage) == []  # written first, removed when its own transaction failed

    report = make.report()
    with pytest.raises(RuntimeError), unit_of_work():
        attachments.store(report, attachments.prepare("foto.jpg", files.jpeg_with_gps()))
        raise RuntimeError("the caller's operation failed after the file was written")
    assert len(names(storage)) == 1  # an orphan of the caller's rolled-back unit of work …
    assert attachments.prune_orphans() == 0  # … left alone while its transaction might still be running
    with unit_of_work():
        kept = attachments.store(report, attachments.prepare("opname.wav", files.wav()))
    document = documents_store.add_document(case, document_type="rapportage", title="Verslag",
                                            document_date=DAY, visible_to_partners=False,
                                            data=documents.pdf(), filename="verslag.pdf", actor=coordinator)
    assert attachments.prune_orphans(older_than=-1) == 1  # then pruned; the rows' files stay
    assert names(storage) == sorted([kept.storage_name, document.current.storage_name])


def test_retention_removes_the_objects_and_their_thumbnails(db, make, storage):
    clerk = make.user("intake")
    report = make.report(registered_by_id=clerk.id)
    with unit_of_work():
        photo = attachments.store(report, attachments.prepare("foto.jpg", files.jpeg_with_gps()))
        attachments.store(report, attachments.prepare("opname.wav", files.wav()))
    thumbnails.open_thumbnail(report.reference, photo.id, actor=clerk)
    assert len(names(storage)) == 3
    with unit_of_work():
        removed = content_removal.remove_attachments(report)
    assert len(removed) == 2 and len(names(storage)) == 3  # nothing deleted before the commit
    assert content_removal.delete_files(removed) == 3 and names(storage) == []
    assert content_removal.delete_files(removed) == 0  # a resumed run deletes again


def test_a_case_document_version_is_stored_and_downloaded(app, db, make, storage, client_as):
    coordinator, case = make.user("coordinator"), make.case()
    document = documents_store.add_document(case, document_type="rapportage", title="Verslag",
                                            document_date=DAY, visible_to_partners=False,
                                            data=documents.pdf(1), filename="verslag.pdf", actor=coordinator)
    second = documents_store.add_version(document, data=documents.pdf(2), filename="verslag-2.pdf",
                                         actor=coordinator)
    assert names(storage) == sorted(version.storage_name for version in document.versions)

    page = client_as(user=coordinator).get(f"/documents/{document.id}/versions/2")
    assert page.status_code == 200 and page.data == documents.pdf(2) == storage.get(second.storage_name)
    assert page.headers["Content-Disposition"] == \
        f"attachment; filename={case.reference}-document-{document.id}-v2.pdf"
    assert page.headers["Cache-Control"] == "no-store" and page.headers["X-Content-Type-Options"] == "nosniff"
    api = app.test_client().get(f"/api/v1/documents/{document.id}/versions/1/content", headers=bearer(coordinator))
    assert api.status_code == 200 and api.data == documents.pdf(1)
    storage.delete([second.storage_name])
    assert client_as(user=coordinator).get(f"/documents/{document.id}/versions/2").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "download_document")) == 2


def test_the_store_check_finds_missing_changed_and_unknown_objects(db, make, storage):
    report = make.report()
    with unit_of_work():
        photo = attachments.store(report, attachments.prepare("foto.jpg", files.jpeg_with_gps()))
        recording = attachments.store(report, attachments.prepare("opname.wav", files.wav()))
        sound = attachments.store(report, attachments.prepare("geluid.mp3", files.mp3()))
    storage.put(attachment_store.thumbnail_key(photo.storage_name), thumbnails.make(storage.locate(photo.storage_name)))
    result = attachment_check.check_store()
    assert (result.rows, result.files, result.thumbnails, result.clean) == (3, 3, 1, True)

    storage.delete([recording.storage_name])
    data = storage.get(sound.storage_name)
    storage.put(sound.storage_name, data[:-1] + bytes([data[-1] ^ 1]))  # same size, other bytes
    storage.put("0123456789abcdef0123456789abcdef.jpg", b"rolled back")
    storage.put("thumbnails/fedcba9876543210.jpg", b"of a photo that is gone")
    problems = [(problem.kind, problem.attachment_id, problem.path)
                for problem in attachment_check.check_store().problems]
    assert problems == [("missing", recording.id, recording.storage_name), ("hash", sound.id, sound.storage_name),
                        ("no_row", None, "0123456789abcdef0123456789abcdef.jpg"),
                        ("no_row", None, "thumbnails/fedcba9876543210.jpg")]
    assert attachments.prune_orphans(older_than=-1) == 2
    assert [problem.kind for problem in attachment_check.check_store().problems] == ["missing", "hash"]
