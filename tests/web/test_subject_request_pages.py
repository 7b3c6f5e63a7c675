"""The privacy officer's request pages and the processing register page: forms, refusals in words, read-only once
decided, who may open them."""
import re
from datetime import timedelta

import sqlalchemy as sa

from gdt.models import AuditEvent, SubjectRequest
from gdt.services.privacy import subject_requests


def _new(client, **overrides):
    data = {"kind": "rectification", "received_on": (subject_requests.today() - timedelta(days=40)).isoformat(),
            "subject_name": "Petra de Vries", "note": "Per e-mail", "references": ""} | overrides
    return client.post("/privacy/verzoeken/nieuw", data=data)


def test_the_officer_records_a_request_and_finds_it_overdue_in_the_list(make, client_as, db):
    report = make.report()
    client = client_as("privacy")
    answer = _new(client, references=report.reference)
    assert answer.status_code == 302
    made = db.session.scalar(sa.select(SubjectRequest))
    assert answer.headers["Location"].endswith(f"/privacy/verzoeken/{made.reference}")
    listed = client.get("/privacy/verzoeken")
    assert made.reference in listed.text and "Petra de Vries" in listed.text
    assert "40 dagen open" in listed.text and 'class="gdt-overdue"' in listed.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.object_type == "subject_request", AuditEvent.action == "view")) == 1


def test_a_wrong_request_comes_back_with_the_mistakes_named(make, client_as, db):
    answer = _new(client_as("privacy"), kind="", subject_name="", references="GDT-0000-BESTAATNIET")
    assert answer.status_code == 422
    assert "Kies het soort verzoek." in answer.text and "GDT-0000-BESTAATNIET" in answer.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SubjectRequest)) == 0


def test_the_new_form_takes_references_from_the_address(client_as):
    page = client_as("privacy").get("/privacy/verzoeken/nieuw?references=GDT-2026-000001")
    assert page.status_code == 200 and "GDT-2026-000001</textarea>" in page.text


def test_a_rectification_is_applied_from_the_request_page_and_then_decided(make, client_as, db):
    report = make.report("referred")
    client = client_as("privacy")
    _new(client, references=report.reference)
    reference = db.session.scalar(sa.select(SubjectRequest.reference))
    page = f"/privacy/verzoeken/{reference}"
    refused = client.post(f"{page}/rectificeren", data={"rectify-reference": report.reference,
                                                        "rectify-field": "reporter_email",
                                                        "rectify-value": "geen-adres", "rectify-reason": "x"})
    assert refused.status_code == 422 and "geldig e-mailadres" in refused.text
    done = client.post(f"{page}/rectificeren", data={"rectify-reference": report.reference,
                                                     "rectify-field": "reporter_email",
                                                     "rectify-value": "petra@voorbeeld.nl",
                                                     "rectify-reason": "Adres ontbrak."})
    assert done.status_code == 302
    db.session.expire_all()
    assert report.reporter_email == "petra@voorbeeld.nl"
    assert client.post(f"{page}/beslissen", data={"decide-decision": "granted"}).status_code == 302
    shown = client.get(page)
    assert "kan niet meer worden gewijzigd" in shown.text and "Adres ontbrak." in shown.text
    assert 'action="/privacy/verzoeken/' not in shown.text  # no form any more
    again = client.post(f"{page}/beslissen", data={"decide-decision": "refused", "decide-ground": "art-12-5"})
    assert again.status_code == 422 and "al beslist" in again.text


def test_refusing_an_erasure_without_a_ground_is_refused_in_words(make, client_as, db):
    report = make.report()
    client = client_as("privacy")
    _new(client, kind="erasure", references=report.reference)
    reference = db.session.scalar(sa.select(SubjectRequest.reference))
    page = client.get(f"/privacy/verzoeken/{reference}")
    assert 'name="erase-references"' in page.text and "Verzoek afwijzen" in page.text
    answer = client.post(f"/privacy/verzoeken/{reference}/afwijzen", data={"refuse-ground": ""})
    assert answer.status_code == 422 and "Kies de grond" in answer.text
    assert db.session.scalar(sa.select(SubjectRequest.decision)) is None


def test_an_unknown_request_is_not_found(client_as):
    assert client_as("privacy").get("/privacy/verzoeken/AVG-2026-9999").status_code == 404


def test_only_the_privacy_officer_opens_the_requests(client_as):
    for role in ("coordinator", "admin", "archivist", "manager"):
        assert client_as(role).get("/privacy/verzoeken").status_code == 403, role


def test_the_register_page_and_pdf_for_privacy_admin_and_archivist(make, client_as):
    make.partner("politie", name="Politie Eenheid Oost")
    for role in ("privacy", "admin", "archivist"):
        client = client_as(role)
        page = client.get("/privacy/verwerkingsregister")
        assert page.status_code == 200 and "Politie Eenheid Oost" in page.text, role
    pdf = client_as("privacy").get("/privacy/verwerkingsregister.pdf")
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert "attachment" in pdf.headers["Content-Disposition"]
    for role in ("coordinator", "intake", "manager", "partner"):
        assert client_as(role).get("/privacy/verwerkingsregister").status_code == 403, role


def test_a_reference_under_a_legal_hold_is_marked_and_not_ticked(make, client_as, db):
    from datetime import UTC, datetime

    from gdt.models import LegalHold

    report, free = make.report("escalated"), make.report()
    db.session.add(LegalHold(case_id=report.case_id, reason="Klacht", placed_by_id=make.user("archivist").id,
                             placed_at=datetime(2026, 11, 1, tzinfo=UTC)))
    db.session.commit()
    client = client_as("privacy")
    _new(client, kind="erasure", references=f"{report.reference} {free.reference}")
    reference = db.session.scalar(sa.select(SubjectRequest.reference))
    page = client.get(f"/privacy/verzoeken/{reference}").text
    assert "bewaarplicht: kan nu niet worden gewist" in page
    boxes = {box[1]: "checked" in box[0] for box in re.findall(r'(<input[^>]*value="([^"]+)"[^>]*>)', page)
             if 'name="erase-references"' in box[0]}
    assert boxes == {report.reference: False, free.reference: True}
    refused = client.post(f"/privacy/verzoeken/{reference}/wissen", data={"erase-references": [report.reference]})
    assert refused.status_code == 422 and "bewaarplicht" in refused.text
    db.session.expire_all()
    assert report.description is not None and db.session.scalar(sa.select(SubjectRequest.decision)) is None
