"""The coordinator's side: asking the reporter a question ("Vraag stellen") and withdrawing it."""
from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from gdt.services.resident import questions
from gdt.services.triage import report_triage
from gdt.web.access import role_required
from gdt.web.forms import form_page, submit
from gdt.web.resident_contact import bp
from gdt.web.resident_contact.forms import AskForm, WithdrawForm


@bp.route("/reports/<reference>/questions/new", methods=["GET", "POST"])
@role_required("coordinator")
def ask(reference: str):
    report = report_triage.view_report(reference, actor=current_user)
    back = url_for("triage.show", reference=reference, _anchor="vragen-aan-melder")
    if not questions.may_ask(current_user, report):
        flash(_("U mag de melder over deze melding geen vraag stellen."), "error")
        return redirect(back)
    form = AskForm()
    reachable = questions.can_reach(report)
    if reachable:
        done = submit(form, lambda: questions.ask(report, form.text.data, actor=current_user),
                      success=_("Uw vraag is gesteld. De melder krijgt een e-mail met een link naar de vraag."),
                      next_url=back)
        if done:
            return done
    return form_page("resident_contact/ask.html", form=form, report=report, reachable=reachable, back=back)


@bp.route("/questions/<int:question_id>/withdraw", methods=["POST"])
@role_required("coordinator")
def withdraw(question_id: int):
    question = questions.get(question_id, actor=current_user)
    back = url_for("triage.show", reference=question.report.reference, _anchor="vragen-aan-melder")
    return submit(WithdrawForm(), lambda: questions.withdraw(question, actor=current_user),
                  success=_("De vraag is ingetrokken."), next_url=back) or redirect(back)
