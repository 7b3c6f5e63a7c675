"""What the included partials ask for, as template functions: the case page's "Documenten" section
(documents/_case_documents.html) and the partner's list on its case page (documents/_partner_documents.html)."""
from flask_login import current_user

from gdt.services.documents import policy, reading
from gdt.web.documents import bp
from gdt.web.documents.forms import TYPE_LABELS, DocumentForm


def case_documents(case) -> dict:
    return {"documents": reading.documents_of(current_user, case),
            "may_manage": policy.can_manage_documents(current_user, case),
            "form": DocumentForm() if policy.can_manage_documents(current_user, case) else None}


@bp.app_context_processor
def _document_functions() -> dict:
    return {"case_documents": case_documents, "partner_case_documents": lambda case: reading.documents_of(
        current_user, case), "document_type_labels": TYPE_LABELS}
