"""What destruction removes of a case's dossier and of the resident's contact on a report (docs/domain.md,
"Retention and destruction"); called by `content_removal` inside its unit of work.

Kept, content-free, for the statistics ("Werkt het?"): interventions (type, status, dates, decider, partner,
outcome) and satisfaction answers (the score, its date and case). Removed:

* case documents with every version (rows and files: the storage names are returned for after the commit); an
  intervention's link to its decision document goes with it, and its outcome note
* questions to the resident (question and answer)
* the satisfaction answer's comment
"""
from collections.abc import Sequence

import sqlalchemy as sa

from gdt.db import db
from gdt.models.documents import CaseDocument, DocumentVersion
from gdt.models.interventions import Intervention
from gdt.models.resident_contact import ResidentQuestion, SatisfactionResponse


def remove_of_reports(report_ids: Sequence[int]) -> list[str]:
    """The resident's contact on these reports. Returns the files to delete after the commit."""
    db.session.execute(sa.delete(ResidentQuestion).where(ResidentQuestion.report_id.in_(report_ids)))
    db.session.execute(sa.update(SatisfactionResponse).where(SatisfactionResponse.report_id.in_(report_ids))
                       .values(comment=None))
    return []


def remove_of_cases(case_ids: Sequence[int]) -> list[str]:
    """The dossier of these cases. Returns the files to delete after the commit."""
    document_ids = sa.select(CaseDocument.id).where(CaseDocument.case_id.in_(case_ids)).scalar_subquery()
    names = list(db.session.scalars(sa.select(DocumentVersion.storage_name)
                                    .where(DocumentVersion.document_id.in_(document_ids))))
    db.session.execute(sa.update(Intervention).where(Intervention.case_id.in_(case_ids)).values(
        document_id=None, outcome_note=None, version=Intervention.version + 1))
    db.session.execute(sa.delete(DocumentVersion).where(DocumentVersion.document_id.in_(document_ids)))
    db.session.execute(sa.delete(CaseDocument).where(CaseDocument.case_id.in_(case_ids)))
    db.session.execute(sa.update(SatisfactionResponse).where(SatisfactionResponse.case_id.in_(case_ids))
                       .values(comment=None))
    return names
