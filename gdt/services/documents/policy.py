"""Need-to-know for case documents: the case's rule (gdt.services.core.access), narrowed for partners.

Coordinators who may open the case see, upload and edit every document of it. A partner user sees only the
documents flagged "zichtbaar voor ketenpartners" of the cases its organisation takes part in. Nobody else
(intake, managers, admins) sees any document. Lists and single documents use the same rule.
"""
import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.models import Case, CasePartner, User
from gdt.models.documents import CaseDocument
from gdt.services.core import access


def can_view_case_documents(user: User | None, case: Case) -> bool:
    """May `user` see (some) documents of `case`: the documents section or the partner's list."""
    return user is not None and user.role in ("coordinator", "partner") and access.can_view_case(user, case)


def can_view_document(user: User | None, document: CaseDocument) -> bool:
    if not can_view_case_documents(user, document.case):
        return False
    return user.role == "coordinator" or document.visible_to_partners


def can_manage_documents(user: User | None, case: Case) -> bool:
    """Upload, add versions, edit the details: coordinators who may open the case."""
    return user is not None and user.role == "coordinator" and access.can_view_case(user, case)


def visible_documents(user: User, case: Case) -> sa.Select:
    """The documents of `case` that `user` may see, newest date first."""
    query = sa.select(CaseDocument).where(CaseDocument.case_id == case.id) \
        .options(so.selectinload(CaseDocument.versions)) \
        .order_by(CaseDocument.document_date.desc(), CaseDocument.id.desc())
    if not can_view_case_documents(user, case):
        return query.where(sa.false())
    if user.role == "partner":
        query = query.where(CaseDocument.visible_to_partners.is_(True))
    return query


def partner_documents(partner_id: int) -> sa.Select:
    """Every flagged document of the cases a partner organisation takes part in (its own list)."""
    return sa.select(CaseDocument).join(Case, Case.id == CaseDocument.case_id).where(
        CaseDocument.visible_to_partners.is_(True), Case.status != "merged",
        Case.id.in_(sa.select(CasePartner.case_id).where(CasePartner.partner_id == partner_id)),
    ).order_by(CaseDocument.document_date.desc(), CaseDocument.id.desc())
