"""Reading case documents: lists by the need-to-know rule (policy), single documents and downloads audited.

A partner asking for a document of a case it takes part in that is not flagged for partners gets "not found",
exactly as for a document that does not exist; a partner of another case gets "forbidden" (audited as denied).
"""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import Case, User
from gdt.models.documents import CaseDocument, DocumentVersion
from gdt.services.core import audit, object_store
from gdt.services.core.errors import Forbidden, NotFound
from gdt.services.documents import policy

NO_SUCH_DOCUMENT = _l("Dit document bestaat niet (meer).")
NOT_YOURS = _l("U mag de documenten van deze casus niet inzien.")


def documents_of(actor: User, case: Case) -> list[CaseDocument]:
    """What the case page (or the partner's case view) lists; the page's own view is audited by its caller."""
    return list(db.session.scalars(policy.visible_documents(actor, case)))


def document_for(actor: User, document_id: int, *, audited: bool = True) -> CaseDocument:
    """One document with its versions, for someone who may see it; the view (or the refusal) is audited."""
    document = db.session.get(CaseDocument, document_id)
    _check(actor, document, "view_document")
    if audited:
        audit.record_now(actor, "view_document", "case", document.case.reference,
                         detail={"document": document.id})
    return document


def open_version(actor: User, document_id: int, number: int) -> tuple[DocumentVersion, object_store.StoredObject]:
    """A version's stored file (in the object store), for someone who may see the document; every download (and
    refusal) is audited with who, which version and of which case."""
    document = db.session.get(CaseDocument, document_id)
    _check(actor, document, "download_document")
    version = db.session.scalar(sa.select(DocumentVersion).where(DocumentVersion.document_id == document.id,
                                                                 DocumentVersion.number == number))
    stored = object_store.current().locate(version.storage_name) if version is not None else None
    if stored is None or not stored.is_file():
        raise NotFound(NO_SUCH_DOCUMENT)
    audit.record_now(actor, "download_document", "case", document.case.reference,
                     detail={"document": document.id, "version": version.number})
    return version, stored


def _check(actor: User, document: CaseDocument | None, action: str) -> None:
    if document is None:
        raise NotFound(NO_SUCH_DOCUMENT)
    if policy.can_view_document(actor, document):
        return
    audit.record_now(actor, action, "case", document.case.reference, outcome="denied",
                     detail={"document": document.id})
    if policy.can_view_case_documents(actor, document.case):
        raise NotFound(NO_SUCH_DOCUMENT)  # a partner of this case, unflagged document: as if it were not there
    raise Forbidden(NOT_YOURS)
