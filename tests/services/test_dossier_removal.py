"""Destruction of a case's dossier: documents (rows and files), questions to the resident and satisfaction comments
go; interventions and satisfaction scores stay for the statistics, content-free."""
from datetime import date

import sqlalchemy as sa

from gdt.models.documents import CaseDocument, DocumentVersion
from gdt.models.interventions import Intervention, InterventionType
from gdt.models.resident_contact import ResidentQuestion, SatisfactionResponse
from gdt.services.core.transaction import unit_of_work
from gdt.services.documents import store as document_store
from gdt.services.retention import content_removal
from tests import document_files
from tests.services.test_destruction_lists import DESTROYED_MARK, build_scenario, database_texts, stored_files


def test_destroying_a_case_removes_its_documents_questions_and_comments_and_keeps_what_is_counted(app, db, make):
    scenario = build_scenario(make)
    case, report = scenario["case"], scenario["case"].reports[0]
    document = document_store.add_document(
        case, document_type="besluit", title=f"Besluit {DESTROYED_MARK}", document_date=date(2026, 3, 1),
        visible_to_partners=True, data=document_files.pdf(), filename="besluit.pdf", actor=None)
    kind = InterventionType(code="gedragsaanwijzing", name="Gedragsaanwijzing", formal=True, position=6)
    make.session.add_all([
        kind,
        Intervention(case=case, type=kind, status="in_force", decided_by="mayor", proposed_on=date(2026, 2, 1),
                     decided_on=date(2026, 3, 1), in_force_on=date(2026, 3, 2), document_id=document.id,
                     outcome_note=f"Werkte {DESTROYED_MARK}"),
        ResidentQuestion(report_id=report.id, text=f"Sinds wanneer {DESTROYED_MARK}?", answer=f"Mei {DESTROYED_MARK}"),
        SatisfactionResponse(report_id=report.id, case_id=case.id, score=2, comment=f"Traag {DESTROYED_MARK}"),
    ])
    make.session.commit()
    stored = [version.storage_name for version in document.versions]
    assert set(stored) <= stored_files(app.config["ATTACHMENT_DIR"])

    with unit_of_work():
        names = content_removal.remove_case(case) + content_removal.remove_report(scenario["report"])
    content_removal.delete_files(names)

    assert set(stored) <= set(names) and not set(stored) & stored_files(app.config["ATTACHMENT_DIR"])
    assert DESTROYED_MARK.lower() not in database_texts(db.session)
    count = lambda model: db.session.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
    assert (count(CaseDocument), count(DocumentVersion), count(ResidentQuestion)) == (0, 0, 0)
    intervention = db.session.scalar(sa.select(Intervention))
    assert (intervention.status, intervention.decided_on, intervention.document_id) == ("in_force", date(2026, 3, 1),
                                                                                        None)
    answer = db.session.scalar(sa.select(SatisfactionResponse))
    assert (answer.score, answer.comment) == (2, None)
