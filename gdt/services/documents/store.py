"""Adding case documents and their versions, and editing a document's details (never deleting: a document is part
of the dossier; it goes only with the case, through retention).

Files are kept like attachments (gdt.services.intake.attachments): checked from their bytes first
(`file_check.prepare`), then written under a generated name to the object store the attachments use (a folder
outside the web root, or a bucket: `core.object_store`), and only then is the row committed. When this module
opens the unit of work itself and it fails, the file is removed at once; when the caller's unit of work is joined
and rolls back later, the file is an orphan that `flask attachments prune` removes (it knows the documents' files).

Other services call `add_document` (letters: a generated PDF; interventions: the decision letter) and
`add_version`, inside their own unit of work or without one.
"""
import uuid
from contextlib import contextmanager
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import AMSTERDAM, db, utcnow
from gdt.models import Case, User
from gdt.models.documents import DOCUMENT_TYPES, VERSION_SOURCES, CaseDocument, DocumentVersion
from gdt.services.core import audit, object_store
from gdt.services.core.errors import Forbidden, ValidationFailed
from gdt.services.core.transaction import check_version, in_unit_of_work, unit_of_work
from gdt.services.documents import file_check, policy
from gdt.services.intake.attachments import PreparedFile

TITLE_MAX = 200
TEMPLATE_NAME_MAX = 120
EARLIEST = date(1990, 1, 1)
DAYS_AHEAD = 31  # a letter may carry the date it will be sent

NOT_YOURS = _l("U mag geen documenten toevoegen of wijzigen in deze casus.")
NO_TYPE = _l("Kies een soort document.")
NO_TITLE = _l("Geef het document een titel (hoogstens 200 tekens).")
NO_DATE = _l("Vul een geldige datum in (niet meer dan een maand vooruit).")
NO_SOURCE = _l("Onbekende herkomst van de versie.")


def add_document(case: Case, *, document_type: str, title: str, document_date: date, visible_to_partners: bool,
                 data: bytes, filename: str, actor: User | None, source: str = "upload",
                 letter_template_name: str | None = None) -> CaseDocument:
    """A new document on `case` with its first version. `actor` None: the system (demo data, a background job).

    ValidationFailed on a bad detail or file (field keys: document_type, title, document_date, file), Forbidden
    when `actor` may not manage the case's documents; nothing is stored then."""
    _check_actor(actor, case)
    fields = clean_details(document_type=document_type, title=title, document_date=document_date)
    prepared = _prepare(filename, data, source, letter_template_name)
    with _writing(prepared) as name:
        document = CaseDocument(case=case, visible_to_partners=bool(visible_to_partners),
                                created_by_id=actor.id if actor else None, **fields)
        db.session.add(document)
        version = _version(document, prepared, name, number=1, actor=actor, source=source,
                           letter_template_name=letter_template_name)
        db.session.flush()
        audit.record(actor, "upload_document", "case", case.reference,
                     detail={"document": document.id, "version": version.number, "source": source})
    return document


def add_version(document: CaseDocument, *, data: bytes, filename: str, actor: User | None, source: str = "upload",
                letter_template_name: str | None = None) -> DocumentVersion:
    """The next version of `document` (numbered after the highest one; a race for a number is a 409)."""
    _check_actor(actor, document.case)
    prepared = _prepare(filename, data, source, letter_template_name)
    with _writing(prepared) as name:
        highest = db.session.scalar(sa.select(sa.func.max(DocumentVersion.number))
                                    .where(DocumentVersion.document_id == document.id)) or 0
        version = _version(document, prepared, name, number=highest + 1, actor=actor, source=source,
                           letter_template_name=letter_template_name)
        db.session.flush()
        audit.record(actor, "upload_document", "case", document.case.reference,
                     detail={"document": document.id, "version": version.number, "source": source})
    return version


def update_details(document: CaseDocument, *, seen_version: int | None, document_type: str, title: str,
                   document_date: date, visible_to_partners: bool, actor: User) -> CaseDocument:
    """Change title, type, date and the partner flag; Conflict("stale") when someone changed it since it was read."""
    _check_actor(actor, document.case, system_allowed=False)
    fields = clean_details(document_type=document_type, title=title, document_date=document_date)
    fields["visible_to_partners"] = bool(visible_to_partners)
    with unit_of_work():
        check_version(document, seen_version)
        changed = sorted(key for key, value in fields.items() if getattr(document, key) != value)
        for key, value in fields.items():
            setattr(document, key, value)
        audit.record(actor, "update_document", "case", document.case.reference,
                     detail={"document": document.id, "fields": changed})
    return document


def clean_details(*, document_type: str, title: str, document_date: date | None) -> dict:
    """The details as stored, or ValidationFailed naming every wrong field."""
    errors, title = {}, " ".join((title or "").split())
    if document_type not in DOCUMENT_TYPES:
        errors["document_type"] = NO_TYPE
    if not title or len(title) > TITLE_MAX:
        errors["title"] = NO_TITLE
    today = utcnow().astimezone(AMSTERDAM).date()
    if not isinstance(document_date, date) or not EARLIEST <= document_date <= today + timedelta(days=DAYS_AHEAD):
        errors["document_date"] = NO_DATE
    if errors:
        raise ValidationFailed(errors)
    return {"document_type": document_type, "title": title, "document_date": document_date}


def _check_actor(actor: User | None, case: Case, *, system_allowed: bool = True) -> None:
    if actor is None and system_allowed:
        return
    if not policy.can_manage_documents(actor, case):
        raise Forbidden(NOT_YOURS)


def _prepare(filename: str, data: bytes, source: str, letter_template_name: str | None) -> PreparedFile:
    if source not in VERSION_SOURCES or (letter_template_name and len(letter_template_name) > TEMPLATE_NAME_MAX):
        raise ValidationFailed({"source": NO_SOURCE})
    return file_check.prepare(filename, data)


@contextmanager
def _writing(prepared: PreparedFile):
    """Write the file under a new name, then run the block in the caller's unit of work or in one of our own; when
    ours fails, the file goes again."""
    name = f"{uuid.uuid4().hex}.{prepared.extension}"
    store = object_store.current()
    store.put(name, prepared.data)
    if in_unit_of_work():  # the caller's: it commits, or rolls back and leaves an orphan for pruning
        yield name
        return
    try:
        with unit_of_work():
            yield name
    except BaseException:
        store.delete([name])
        raise


def _version(document: CaseDocument, prepared: PreparedFile, name: str, *, number: int, actor: User | None,
             source: str, letter_template_name: str | None) -> DocumentVersion:
    version = DocumentVersion(number=number, source=source, letter_template_name=letter_template_name,
                              content_type=prepared.content_type, extension=prepared.extension,
                              size_bytes=len(prepared.data), sha256=prepared.sha256, storage_name=name,
                              original_name=prepared.display_name, uploaded_by_id=actor.id if actor else None)
    document.versions.append(version)
    return version
