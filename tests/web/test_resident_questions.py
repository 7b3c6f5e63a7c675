"""Questions to the resident on the pages: the coordinator asks and withdraws (report and case pages show them),
other roles are refused, and the resident answers and fills in the survey only through their own report's link."""
import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent
from gdt.models.resident_contact import ResidentQuestion
from gdt.services.resident import questions
from tests import links

EMAIL = "melder@example.nl"
QUESTION = "Hoe vaak per week hoort u het geluid?"


@pytest.fixture
def coordinator(make):
    return make.user("coordinator")


@pytest.fixture
def report(make):
    return make.report("escalated", reporter_email=EMAIL, reporter_may_contact=True)


def asked(db, report):
    return db.session.scalars(sa.select(ResidentQuestion).where(ResidentQuestion.report_id == report.id)).all()


def test_a_coordinator_asks_and_sees_the_question_on_the_report_and_case_pages(db, client_as, report, coordinator):
    client = client_as(user=coordinator)
    page = client.get(f"/reports/{report.reference}")
    assert "Vragen aan de melder" in page.text and "Vraag stellen" in page.text and "Reactie gevraagd" not in page.text

    form = client.get(f"/reports/{report.reference}/questions/new")
    assert form.status_code == 200 and 'name="text"' in form.text
    done = client.post(f"/reports/{report.reference}/questions/new", data={"text": QUESTION})
    assert done.status_code == 302 and done.location.endswith(f"/reports/{report.reference}#vragen-aan-melder")
    [question] = asked(db, report)

    page = client.get(f"/reports/{report.reference}")
    assert QUESTION in page.text and "Reactie gevraagd" in page.text and "wacht op antwoord" in page.text
    case_page = client.get(f"/cases/{report.case.reference}")
    assert QUESTION in case_page.text and "Reactie gevraagd" in case_page.text

    questions.answer(report, question.id, "Drie keer, steeds 's nachts.")
    page = client.get(f"/reports/{report.reference}")
    assert "Drie keer, steeds &#39;s nachts." in page.text and "Reactie gevraagd" not in page.text
    assert "Vraag intrekken" not in page.text


def test_an_empty_question_is_refused_on_the_form(db, client_as, report, coordinator):
    refused = client_as(user=coordinator).post(f"/reports/{report.reference}/questions/new", data={"text": " "})
    assert refused.status_code == 422 and "Schrijf uw vraag aan de melder." in refused.text
    assert asked(db, report) == []


def test_without_an_address_the_form_says_so_and_offers_nothing(db, make, client_as, coordinator):
    silent = make.report(reporter_email=None)
    client = client_as(user=coordinator)
    page = client.get(f"/reports/{silent.reference}")
    assert "De melder kan geen vraag krijgen" in page.text and "Vraag stellen</a>" not in page.text
    form = client.get(f"/reports/{silent.reference}/questions/new")
    assert "De melder kan geen vraag krijgen" in form.text and 'name="text"' not in form.text
    client.post(f"/reports/{silent.reference}/questions/new", data={"text": QUESTION})
    assert asked(db, silent) == []


def test_withdrawing_ends_the_request(db, client_as, report, coordinator):
    question = questions.ask(report, QUESTION, actor=coordinator)
    client = client_as(user=coordinator)
    assert "Vraag intrekken" in client.get(f"/reports/{report.reference}").text
    done = client.post(f"/questions/{question.id}/withdraw")
    assert done.status_code == 302
    db.session.refresh(question)
    assert question.withdrawn_at is not None
    page = client.get(f"/reports/{report.reference}")
    assert "ingetrokken op" in page.text and "Reactie gevraagd" not in page.text


@pytest.mark.parametrize("role", ["intake", "manager", "admin", "archivist", "privacy", "partner"])
def test_other_roles_are_refused(db, client_as, report, coordinator, role):
    question = questions.ask(report, QUESTION, actor=coordinator)
    client = client_as(role)
    assert client.get(f"/reports/{report.reference}/questions/new").status_code == 403
    assert client.post(f"/reports/{report.reference}/questions/new", data={"text": QUESTION}).status_code == 403
    assert client.post(f"/questions/{question.id}/withdraw").status_code == 403
    assert len(asked(db, report)) == 1 and questions.status_of(question) == "open"


def test_the_ask_page_is_audited_as_a_view_of_the_report(db, client_as, report, coordinator):
    client_as(user=coordinator).get(f"/reports/{report.reference}/questions/new")
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.object_ref == report.reference,
                                                         AuditEvent.action == "view")) is not None


# The resident's side: answering and the survey through their own link ------------------------------------------


def link(report) -> str:
    from gdt.services.core.resident_links import link_token
    return link_token(report)


def test_the_resident_answers_through_their_own_link(app, db, report, coordinator):
    question = questions.ask(report, QUESTION, actor=coordinator)
    token = link(report)
    resident = app.test_client()
    page = resident.get(f"/mijn-melding/{token}")
    assert QUESTION in page.text and "Antwoord versturen" in page.text
    done = resident.post(f"/mijn-melding/{token}/vraag/{question.id}",
                         data={f"vraag-{question.id}-text": "Elke vrijdagnacht."})
    assert done.status_code == 303
    db.session.refresh(question)
    assert question.answer == "Elke vrijdagnacht."
    again = resident.post(f"/mijn-melding/{token}/vraag/{question.id}",
                          data={f"vraag-{question.id}-text": "Nog iets."})
    assert again.status_code in (404, 409, 422)
    db.session.refresh(question)
    assert question.answer == "Elke vrijdagnacht."
    assert "Elke vrijdagnacht." in resident.get(f"/mijn-melding/{token}").text


def test_an_empty_answer_is_refused_with_the_reason(app, db, report, coordinator):
    question = questions.ask(report, QUESTION, actor=coordinator)
    refused = app.test_client().post(f"/mijn-melding/{link(report)}/vraag/{question.id}",
                                     data={f"vraag-{question.id}-text": "  "})
    assert refused.status_code == 422 and "Schrijf uw antwoord." in refused.text
    assert questions.status_of(question) == "open"


def test_a_link_of_another_report_cannot_answer(app, db, make, report, coordinator):
    question = questions.ask(report, QUESTION, actor=coordinator)
    other = make.report(reporter_email="ander@example.nl", reporter_may_contact=True)
    refused = app.test_client().post(f"/mijn-melding/{link(other)}/vraag/{question.id}",
                                     data={f"vraag-{question.id}-text": "Ik weet het niet."})
    assert refused.status_code == 404
    assert QUESTION not in app.test_client().get(f"/mijn-melding/{link(other)}").text
    db.session.refresh(question)
    assert question.answer is None


def test_a_tampered_link_cannot_answer(app, db, report, coordinator):
    question = questions.ask(report, QUESTION, actor=coordinator)
    token = link(report)
    tampered = links.tampered(token)
    refused = app.test_client().post(f"/mijn-melding/{tampered}/vraag/{question.id}",
                                     data={f"vraag-{question.id}-text": "Hallo"})
    assert refused.status_code in (403, 404, 410)
    db.session.refresh(question)
    assert question.answer is None


def test_the_survey_once_on_a_handled_report_and_not_when_switched_off(app, db, make, coordinator):
    closed = make.report("escalated", reporter_email=EMAIL, case=make.case("closed", coordinator=coordinator))
    token, resident = link(closed), app.test_client()
    app.config["SATISFACTION_SURVEY"] = False
    assert "Hoe tevreden bent u?" not in resident.get(f"/mijn-melding/{token}").text
    app.config["SATISFACTION_SURVEY"] = True
    try:
        page = resident.get(f"/mijn-melding/{token}")
        assert "Hoe tevreden bent u?" in page.text and "Zeer ontevreden" in page.text
        refused = resident.post(f"/mijn-melding/{token}/tevredenheid", data={"survey-comment": "Matig"})
        assert refused.status_code == 422 and "Kies hoe tevreden u bent." in refused.text
        done = resident.post(f"/mijn-melding/{token}/tevredenheid",
                             data={"survey-score": "2", "survey-comment": "Niemand belde terug."})
        assert done.status_code == 303
        assert "Hoe tevreden bent u?" not in resident.get(f"/mijn-melding/{token}").text
        assert resident.post(f"/mijn-melding/{token}/tevredenheid", data={"survey-score": "5"}).status_code == 422
    finally:
        app.config["SATISFACTION_SURVEY"] = False
    from gdt.models import Notification
    [task] = db.session.scalars(sa.select(Notification)).all()
    assert (task.user_id, task.kind) == (coordinator.id, "low_satisfaction")
