"""What the included sections resident/_report_questions.html and resident/_case_questions.html ask for: the
pages that include them are the coordinator's own and audited their view (the report or case)."""
from flask_login import current_user

from gdt.services.core import access
from gdt.services.resident import questions
from gdt.web.resident_contact import bp
from gdt.web.resident_contact.forms import WithdrawForm


@bp.app_context_processor
def question_helpers() -> dict:
    def case_questions(case) -> list[tuple]:
        """Per report of the case the coordinator may open: the report and its questions (only those with any)."""
        shown = [report for report in case.reports if access.can_view_report(current_user, report)]
        return [(report, asked) for report in shown if (asked := questions.questions_of(report))]

    def awaiting_reply(asked) -> bool:
        """"Reactie gevraagd": a question still open."""
        return any(questions.is_open(question) for question in asked)

    return {"resident_questions": questions.questions_of, "resident_case_questions": case_questions,
            "resident_question_status": questions.status_of, "resident_awaiting_reply": awaiting_reply,
            "resident_may_ask": questions.may_ask, "resident_can_reach": questions.can_reach,
            "resident_withdraw_form": WithdrawForm}
