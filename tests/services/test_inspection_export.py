"""The inspection export (AVG art. 15): everything entered about the person in the selected reports and cases, and
nothing about the others in them (art. 15(4)); the partners it was shared with and when; JSON and a Dutch PDF;
audited per reference without the person's details."""
import io
import json
from datetime import UTC, datetime

import pypdf
import pytest
import sqlalchemy as sa

from gdt.models import Attachment, AuditEvent, CaseNote, CasePartner, CaseParty, PartnerRegistration
from gdt.services.core.errors import ServiceError, ValidationFailed
from gdt.services.privacy import inspection, people

PETRA = {"name": "Petra de Vries", "email": "petra@voorbeeld.nl", "phone": "0612345678"}
KAREL = {"name": "Karel Bos", "email": "karel@voorbeeld.nl", "phone": "0687654321"}
PETRA_TEXT = "De buren schreeuwen elke nacht."
KAREL_TEXT = "Ik hoor de bewoonster op nummer 3 gillen."
NOTE = "Interne notitie: Karel Bos belt dagelijks."


@pytest.fixture
def shared_case(make, db):
    """One case, two reporters who are both parties in it: Petra and Karel. Shared with the police."""
    police, ggz = make.partner("politie", name="Politie"), make.partner("ggz", name="GGZ Oost")
    coordinator = make.user("coordinator")
    case = make.case(status="closed", mode="regie")
    mine = make.report("escalated", case=case, description=PETRA_TEXT, postcode="5611AB", house_number=3,
                       reporter_name=PETRA["name"], reporter_email=PETRA["email"], reporter_phone=PETRA["phone"])
    theirs = make.report("escalated", case=case, description=KAREL_TEXT, postcode="5611AB", house_number=5,
                         reporter_name=KAREL["name"], reporter_email=KAREL["email"], reporter_phone=KAREL["phone"])
    db.session.add_all([
        CaseParty(case_id=case.id, name=PETRA["name"], role="subject", note="Woont alleen."),
        CaseParty(case_id=case.id, name=KAREL["name"], role="reporter", note="Buurman, gaf toestemming."),
        CasePartner(case_id=case.id, partner_id=ggz.id, added_at=datetime(2026, 3, 5, 10, tzinfo=UTC),
                    contact_name="Hulpverlener Gerrit", contact_phone="0611223344"),
        CaseNote(case_id=case.id, author_id=coordinator.id, body=NOTE),
        Attachment(report_id=mine.id, kind="photo", content_type="image/jpeg", extension="jpg", size_bytes=2048,
                   sha256="0" * 64, storage_name="a" * 32, original_name="trap.jpg"),
    ])
    db.session.commit()
    db.session.expire_all()
    make.referral(report=None, case=case, partner=police)
    return case, mine, theirs


def _json(references, wanted, actor):
    return json.loads(inspection.inspection_json(references, wanted, actor=actor))


def test_petras_export_holds_all_of_hers_and_none_of_karels(shared_case, make):
    case, mine, theirs = shared_case
    officer = make.user("privacy")
    document = _json([case.reference], people.criteria(name="Petra de Vries"), officer)
    text = json.dumps(document, ensure_ascii=False)
    for value in (*PETRA.values(), PETRA_TEXT, "Woont alleen.", "trap.jpg", mine.reference, case.reference):
        assert value in text, value
    for value in (*KAREL.values(), KAREL_TEXT, "Buurman", NOTE, theirs.reference, "Hulpverlener Gerrit",
                  "0611223344"):
        assert value not in text, value
    [report] = document["reports"]
    assert report["contact"]["email"] == PETRA["email"] and report["roles"] == ["melder"]
    assert report["attachments"] == [{"name": "trap.jpg", "size_bytes": 2048,
                                      "added_at": report["attachments"][0]["added_at"]}]
    [part] = document["cases"]
    assert part["parties"][0]["role"] == "Overlastgever" and part["mode"] == "Casus-/procesregie"
    assert any("Journaalnotities" in item for item in part["withheld"])


def test_karels_export_is_the_mirror_image(shared_case, make):
    case, mine, theirs = shared_case
    document = _json([case.reference], people.criteria(phone="+31687654321"), make.user("privacy"))
    text = json.dumps(document, ensure_ascii=False)
    assert KAREL_TEXT in text and KAREL["email"] in text and theirs.reference in text
    for value in (*PETRA.values(), PETRA_TEXT, mine.reference):
        assert value not in text, value


def test_the_partners_it_was_shared_with_are_named_with_when(shared_case, make):
    case, _mine, _theirs = shared_case
    document = _json([case.reference], people.criteria(name="Petra"), make.user("privacy"))
    shared = document["cases"][0]["shared_with"]
    assert {"partner": "GGZ Oost", "kind": "case_partner", "at": "2026-03-05T10:00:00+00:00", "status": None} in shared
    assert any(item["partner"] == "Politie" and item["kind"] == "referral" and item["at"].startswith("2026-03-02")
               for item in shared)


def test_a_report_at_their_address_that_they_did_not_make_gives_facts_not_the_reporters_words(make):
    report = make.report(description=KAREL_TEXT, postcode="1234AB", house_number=7, reporter_name=KAREL["name"],
                         reporter_phone=KAREL["phone"])
    document = _json(report.reference, people.criteria(postcode="1234 ab", house_number="7"), make.user("privacy"))
    text = json.dumps(document, ensure_ascii=False)
    [part] = document["reports"]
    assert part["roles"] == ["adres"] and part["address"].startswith("7, 1234 AB")
    assert KAREL_TEXT not in text and KAREL["name"] not in text and KAREL["phone"] not in text
    assert part["withheld"]


def test_a_registration_gives_the_concerned_person_their_name_and_withholds_the_reason(make, db):
    report = make.report(channel="partner", reporter_name=None, reporter_phone=None, reporter_may_contact=False)
    db.session.add(PartnerRegistration(report_id=report.id, partner_id=make.partner("politie").id,
                                       registrant_name="Wijkagent Smit", registrant_phone="0611112222",
                                       concerned_name="Petra de Vries", reason="Vermoedelijk verward."))
    db.session.commit()
    document = _json([report.reference], people.criteria(name="petra de vries"), make.user("privacy"))
    text = json.dumps(document, ensure_ascii=False)
    assert document["reports"][0]["registration"]["concerned_name"] == "Petra de Vries"
    assert "Wijkagent Smit" not in text and "0611112222" not in text and "Vermoedelijk verward." not in text


def test_a_selected_reference_without_the_person_is_listed_as_such(shared_case, make):
    other = make.report(reporter_name="Iemand Anders", reporter_phone="0699999999")
    case, _mine, _theirs = shared_case
    document = _json(f"{case.reference}, {other.reference}", people.criteria(name="Petra"), make.user("privacy"))
    assert document["not_found"] == [other.reference]


def test_the_export_is_audited_per_reference_without_the_persons_details(shared_case, make, db):
    case, mine, _theirs = shared_case
    officer = make.user("privacy")
    inspection.inspection_json([case.reference, mine.reference], people.criteria(email=PETRA["email"]), actor=officer)
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_type == "inspection")
                                .order_by(AuditEvent.id)).all()
    assert [(event.action, event.object_ref) for event in events] == [("export", case.reference),
                                                                       ("export", mine.reference)]
    assert events[0].detail == {"format": "json", "fields": ["email"]}


def test_unknown_references_and_no_person_are_refused(make):
    officer = make.user("privacy")
    with pytest.raises(ValidationFailed, match="GDT-1999-000000"):
        inspection.inspection_json("GDT-1999-000000", people.criteria(name="Petra"), actor=officer)
    with pytest.raises(ServiceError, match="wie de betrokkene is"):
        inspection.inspection_json([make.report().reference], people.Criteria(), actor=officer)


def test_the_pdf_is_dutch_and_holds_only_the_persons_data(shared_case, make, db):
    case, _mine, _theirs = shared_case
    pdf = inspection.inspection_pdf([case.reference], people.criteria(name="Petra de Vries"),
                                    actor=make.user("privacy"))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Inzage in persoonsgegevens" in text and PETRA["email"] in text and "trap.jpg" in text
    assert "maart 2026" in text  # Dutch dates
    assert KAREL["name"] not in text and KAREL["email"] not in text and KAREL["phone"] not in text
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]  # tagged
    assert db.session.scalar(sa.select(AuditEvent.detail).where(AuditEvent.object_type == "inspection")) == {
        "format": "pdf", "fields": ["name"]}


def test_the_reporters_own_logbook_questions_and_satisfaction_are_theirs_and_the_dossier_is_named(shared_case, make,
                                                                                                    db):
    from datetime import date

    from gdt.models.documents import CaseDocument
    from gdt.models.resident import ResidentLogEntry
    from gdt.models.resident_contact import ResidentQuestion, SatisfactionResponse

    case, mine, theirs = shared_case
    db.session.add_all([
        ResidentLogEntry(report_id=mine.id, happened_on=date(2026, 3, 6), duration_minutes=45,
                         text="Weer muziek tot drie uur."),
        ResidentQuestion(report_id=mine.id, text="Op welke dagen hoort u het?", answer="Vrijdag en zaterdag.",
                         answered_at=datetime(2026, 3, 8, 9, tzinfo=UTC)),
        SatisfactionResponse(report_id=mine.id, case_id=case.id, score=4, comment="Goed geholpen."),
        ResidentLogEntry(report_id=theirs.id, happened_on=date(2026, 3, 6), text="Karels eigen logboek."),
        CaseDocument(case_id=case.id, document_type="besluit", title="Besluit gedragsaanwijzing",
                     document_date=date(2026, 3, 9)),
    ])
    db.session.commit()
    officer = make.user("privacy")
    text = json.dumps(_json([case.reference], people.criteria(name="Petra de Vries"), officer), ensure_ascii=False)
    for value in ("Weer muziek tot drie uur.", "Op welke dagen hoort u het?", "Vrijdag en zaterdag.", "Goed geholpen.",
                  "Documenten en brieven in het dossier (1)"):
        assert value in text, value
    assert "Karels eigen logboek." not in text and "Besluit gedragsaanwijzing" not in text
    pdf = inspection.inspection_pdf([case.reference], people.criteria(name="Petra de Vries"), actor=officer)
    words = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Uw logboek" in words and "45 minuten" in words and "Vrijdag en zaterdag." in words
