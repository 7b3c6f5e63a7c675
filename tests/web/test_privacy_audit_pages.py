"""The privacy officer's audit trail, person search and inspection export pages: only for the privacy role, person
details never in a URL, searches and downloads audited without their values, the CSV safe for a spreadsheet."""
import json
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, SubjectRequest

PERSON = {"person_name": "Petra de Vries", "person_email": "", "person_phone": "", "person_postcode": "",
          "person_house_number": ""}
EMPTY = {"reference": "", "user": "", "action": "", "object_type": "", "outcome": "", "date_from": "", "date_to": ""}


@pytest.fixture
def petra(make, db):
    report = make.report(reporter_name="Petra de Vries", reporter_email="petra@voorbeeld.nl",
                         reporter_phone="0612345678", description="Harde muziek van de buren.")
    other = make.report(reporter_name="Karel Bos", reporter_phone="0687654321")
    staff = make.user("coordinator", name="=HYPERLINK(\"http://x\")")
    for ref in (report.reference, other.reference):
        db.session.add(AuditEvent(actor_id=staff.id, actor_role="coordinator", action="view", object_type="report",
                                  object_ref=ref, occurred_at=datetime(2026, 3, 2, 9, tzinfo=UTC),
                                  detail={"fields": ["description"]}))
    db.session.commit()
    return report, other


def _searches(db, object_type):
    return db.session.scalars(sa.select(AuditEvent.detail).where(AuditEvent.action == "search",
                                                                 AuditEvent.object_type == object_type)
                              .order_by(AuditEvent.id)).all()


@pytest.mark.parametrize("role", ["coordinator", "admin", "manager", "intake", "archivist"])
def test_only_the_privacy_officer_may_open_the_pages(client_as, role):
    client = client_as(role)
    for url in ("/privacy/audittrail", "/privacy/personen", "/privacy/inzage"):
        assert client.get(url).status_code == 403, url
    assert client.post("/privacy/audittrail.csv", data=EMPTY).status_code == 403


def test_the_start_page_lists_the_newest_events_and_the_look_is_audited(client_as, petra, db):
    report, other = petra
    page = client_as("privacy").get("/privacy/audittrail")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Bekeken" in page.text and "Regisseur" in page.text and "description" in page.text
    assert _searches(db, "audit") == [{"filters": []}]


def test_non_personal_filters_go_to_the_address_and_page_with_links(client_as, petra, db):
    report, other = petra
    client = client_as("privacy")
    answer = client.post("/privacy/audittrail", data=EMPTY | {"reference": report.reference.lower(),
                                                              "date_from": "2026-03-01"})
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/privacy/audittrail?reference={report.reference}&date_from=2026-03-01"
    page = client.get(answer.headers["Location"])
    assert report.reference in page.text and other.reference not in page.text
    assert _searches(db, "audit")[-1] == {"filters": ["reference", "period"]}


def test_a_person_search_answers_the_post_and_keeps_the_person_out_of_every_url(client_as, petra, db):
    report, other = petra
    page = client_as("privacy").post("/privacy/audittrail", data=EMPTY | PERSON)
    assert page.status_code == 200
    assert report.reference in page.text and other.reference not in page.text
    assert not re.search(r'href="[^"]*(Petra|Vries)', page.text)  # not in a link; only in the form's own fields
    assert _searches(db, "audit") == [{"filters": ["person_name"]}]
    assert "Petra" not in json.dumps(_searches(db, "audit"))


def test_wrong_filters_come_back_in_words(client_as):
    page = client_as("privacy").post("/privacy/audittrail", data=EMPTY | {"date_from": "31-02-2026"})
    assert page.status_code == 422 and "dag-maand-jaar" in page.text


def test_the_csv_export_is_dutch_streamed_safe_and_audited(client_as, petra, db):
    report, _other = petra
    answer = client_as("privacy").post("/privacy/audittrail.csv", data=EMPTY | PERSON)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert answer.mimetype == "text/csv" and "attachment" in answer.headers["Content-Disposition"]
    text = answer.get_data(as_text=True)
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == "Wanneer;Medewerker;Rol;Actie;Soort object;Kenmerk;Uitkomst;Herkomst;Details"
    assert len(lines) == 2 and report.reference in lines[1]
    assert lines[1].split(";")[1].startswith('"\'=HYPERLINK')  # a name that looks like a formula stays text
    exported = db.session.scalar(sa.select(AuditEvent.detail).where(AuditEvent.action == "export",
                                                                    AuditEvent.object_type == "audit"))
    assert exported == {"filters": ["person_name"], "format": "csv"}


def test_the_forms_need_their_csrf_token(app, client_as, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = client_as("privacy")
    assert client.post("/privacy/audittrail.csv", data=EMPTY).status_code == 400
    assert client.post("/privacy/personen", data=PERSON).status_code == 400
    assert client.post("/privacy/inzage", data=PERSON | {"format": "json"}).status_code == 400


def test_the_person_search_lists_the_places_and_is_audited_without_values(client_as, petra, db):
    report, other = petra
    page = client_as("privacy").post("/privacy/personen", data=PERSON | {"person_name": "petra"})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert report.reference in page.text and other.reference not in page.text and "Melder" in page.text
    assert f'name="references" value="{report.reference}"' in page.text
    assert _searches(db, "person") == [{"fields": ["name"]}]


def test_the_person_search_refuses_an_empty_form_in_words(client_as, db):
    page = client_as("privacy").post("/privacy/personen", data={})
    assert page.status_code == 422 and "ten minste één zoekgegeven" in page.text
    assert _searches(db, "person") == []


def test_the_inspection_export_downloads_json_and_pdf_by_post(client_as, petra, db):
    report, other = petra
    client = client_as("privacy")
    data = PERSON | {"references": [report.reference], "format": "json"}
    answer = client.post("/privacy/inzage", data=data)
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert answer.mimetype == "application/json" and 'filename="inzage.json"' in answer.headers["Content-Disposition"]
    document = answer.get_json()
    assert document["reports"][0]["contact"]["email"] == "petra@voorbeeld.nl"
    pdf = client.post("/privacy/inzage", data=data | {"format": "pdf"})
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert db.session.scalars(sa.select(AuditEvent.object_ref).where(AuditEvent.object_type == "inspection")).all() \
        == [report.reference, report.reference]


def test_the_inspection_export_refuses_in_words(client_as, petra):
    report, _other = petra
    client = client_as("privacy")
    unknown = client.post("/privacy/inzage", data=PERSON | {"references": "GDT-1999-000000", "format": "pdf"})
    assert unknown.status_code == 422 and "GDT-1999-000000" in unknown.text
    nobody = client.post("/privacy/inzage", data={"references": report.reference, "format": "json"})
    assert nobody.status_code == 422 and "ten minste één zoekgegeven" in nobody.text


def test_an_inspection_request_links_to_the_export_with_its_references(client_as, make, petra, db):
    report, _other = petra
    officer = make.user("privacy")
    db.session.add(SubjectRequest(reference="AVG-2026-0042", kind="inspection", received_on=datetime(2026, 3, 3).date(),
                                  subject_name="Petra de Vries", references=[report.reference],
                                  created_by_id=officer.id))
    db.session.commit()
    client = client_as(user=officer)
    page = client.get("/privacy/verzoeken/AVG-2026-0042")
    link = re.search(r'href="(/privacy/inzage\?[^"]+)"', page.text).group(1)
    assert "Petra" not in link
    form = client.get(link.replace("&amp;", "&"))
    assert form.status_code == 200 and f"{report.reference}</textarea>" in form.text


def test_a_person_in_the_address_is_neither_searched_nor_shown_back(client_as, petra, db):
    report, other = petra
    page = client_as("privacy").get("/privacy/audittrail?person_name=Petra")
    assert page.status_code == 200 and other.reference in page.text  # no person filter applied
    assert 'value="Petra"' not in page.text
    assert _searches(db, "audit") == [{"filters": []}]


def test_a_period_of_the_trail_pages_like_every_list(app, client_as, db, monkeypatch):
    """The whole trail grows with every look at it (a search is an event); a past period does not, so its pages hold
    still: a page past the end shows the last, what is no page number the first."""
    db.session.add_all([AuditEvent(occurred_at=datetime(2020, 1, 15, hour, tzinfo=UTC), action="view",
                                   object_type="report", object_ref=f"GDT-2020-{hour:06d}") for hour in (9, 10, 11)])
    db.session.commit()
    monkeypatch.setitem(app.config, "PER_PAGE", 1)
    client = client_as("privacy")
    period = {"date_from": "2020-01-01", "date_to": "2020-01-31"}
    for page, shown in (("2", 2), ("4" * 40, 3), ("abc", 1), ("-1", 1)):
        answer = client.get("/privacy/audittrail", query_string=period | {"page": page})
        assert answer.status_code == 200
        assert re.search(r"Pagina (\d+) van (\d+)", answer.get_data(as_text=True)).groups() == (str(shown), "3"), page
