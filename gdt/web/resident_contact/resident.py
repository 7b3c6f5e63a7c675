"""The resident's side, under their own link (/mijn-melding/<token>): answering a question and the survey.

Public like the webform (no login; the signed link names the report), with its CSRF token, its rate limit and its
field rules (the services'). A question is looked up within the link's report only: another report's question is
as good as none. The resident's page itself is gdt.web.resident's; these views add to it and return to it.
"""
from flask import current_app, flash, redirect, render_template
from flask_babel import gettext as _

from gdt.extensions import limiter
from gdt.models import Report
from gdt.services.core.errors import ServiceError
from gdt.services.resident import questions, survey
from gdt.web.access import public
from gdt.web.forms import show_error
from gdt.web.resident_contact import bp
from gdt.web.resident_contact.forms import AnswerForm, SurveyForm
from gdt.web.resident_contact.links import page_url, report_of
from gdt.web.responses import private


def _post_limit() -> str:
    return current_app.config.get("WEBFORM_RATE_LIMIT", "10 per hour")


@bp.app_context_processor
def resident_page_helpers() -> dict:
    """For resident/_page_questions.html and resident/_page_survey.html on the resident's page."""
    def open_questions(report: Report) -> list[tuple]:
        return [(question, answer_form(question)) for question in questions.questions_of(report)
                if questions.is_open(question)]

    def answered_questions(report: Report) -> list:
        return [question for question in questions.questions_of(report) if question.answered_at is not None]

    def survey_form(report: Report) -> SurveyForm | None:
        return SurveyForm(formdata=None, prefix="survey") if survey.is_offered(report) else None

    return {"resident_open_questions": open_questions, "resident_answered_questions": answered_questions,
            "resident_survey_form": survey_form}


def answer_form(question, formdata=None) -> AnswerForm:
    """One form per question on the page: its prefix keeps the fields' ids apart."""
    return AnswerForm(formdata=formdata, prefix=f"vraag-{question.id}")


@bp.route("/mijn-melding/<token>/vraag/<int:question_id>", methods=["POST"])
@public
@limiter.limit(_post_limit)
def answer(token: str, question_id: int):
    report = report_of(token)
    question = questions.for_resident(report, question_id)
    form = AnswerForm(prefix=f"vraag-{question.id}")
    if form.validate():
        try:
            questions.answer(report, question.id, form.text.data)
        except ServiceError as error:
            show_error(form, error)
        else:
            flash(_("Dank u wel. Uw antwoord is verstuurd."), "success")
            return redirect(page_url(token, "vragen"), 303)
    return private(render_template("resident_contact/answer.html", report=report, question=question, form=form,
                                   token=token)), 422


@bp.route("/mijn-melding/<token>/tevredenheid", methods=["POST"])
@public
@limiter.limit(_post_limit)
def satisfaction(token: str):
    report = report_of(token)
    form = SurveyForm(prefix="survey")
    if form.validate():
        try:
            survey.respond(report, form.score.data, form.comment.data)
        except ServiceError as error:
            show_error(form, error)
        else:
            flash(_("Dank u wel voor uw antwoord."), "success")
            return redirect(page_url(token, "tevredenheid"), 303)
    return private(render_template("resident_contact/survey.html", report=report, form=form, token=token)), 422
