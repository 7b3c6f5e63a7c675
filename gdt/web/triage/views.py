"""The triage screen: a report with its history and its address, and the two decisions."""
from flask import flash, redirect, render_template, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from gdt.services.core import history as report_history
from gdt.services.core import reference_data
from gdt.services.core.errors import ServiceError
from gdt.services.intake import report_corrections
from gdt.services.triage import claims, report_triage
from gdt.web.access import role_required
from gdt.web.forms import choices, submit
from gdt.web.referrals.forms import RetryForm
from gdt.web.retention import destroyed
from gdt.web.triage import bp
from gdt.web.triage.forms import ClaimForm, EscalateForm, ReferForm


@bp.route("/reports/<reference>")
@role_required("coordinator")
def show(reference: str):
    report = report_triage.view_report(reference, actor=current_user)
    return _render(report, _refer_form(report), EscalateForm(version=report.version, prefix="escalate"))


@bp.route("/reports/<reference>/refer", methods=["POST"])
@role_required("coordinator")
def refer(reference: str):
    report = report_triage.view_report(reference, actor=current_user)
    form = _with_partners(ReferForm(prefix="refer"))
    done = submit(
        form,
        lambda: report_triage.refer_report(
            report, form.partner.data, form.reason.data, actor=current_user, seen_version=form.version.data,
            question=form.question.data,
        ),
        success=lambda referred: _("Melding doorverwezen naar %(partner)s.", partner=referred.referred_partner.name),
        next_url=url_for("triage.show", reference=reference),
    )
    return done or _render(report, form, EscalateForm(version=report.version, prefix="escalate"), 422)


@bp.route("/reports/<reference>/escalate", methods=["POST"])
@role_required("coordinator")
def escalate(reference: str):
    report = report_triage.view_report(reference, actor=current_user)
    form = EscalateForm(prefix="escalate")
    done = submit(
        form,
        lambda: report_triage.escalate_report(
            report,
            form.reason.data,
            actor=current_user,
            seen_version=form.version.data,
            notify_reporter=form.notify_reporter.data,
        ),
        success=lambda case: _("Casus %(reference)s is geopend.", reference=case.reference),
        next_url=lambda case: url_for("cases.show", reference=case.reference),
    )
    return done or _render(report, _refer_form(report), form, 422)


@bp.route("/reports/<reference>/claim", methods=["POST"])
@role_required("coordinator")
def claim(reference: str):
    """"Ik pak deze op": take the report to triage (or renew one's own claim), then back to the triage page."""
    report = report_triage.view_report(reference, actor=current_user)
    return _claim_step(reference, lambda: claims.claim_report(report, actor=current_user),
                       lambda held: _("U heeft melding %(reference)s opgepakt tot %(until)s.", reference=reference,
                                      until=format_datetime(held.until, "HH:mm")))


@bp.route("/reports/<reference>/release", methods=["POST"])
@role_required("coordinator")
def release(reference: str):
    """"Vrijgeven": give the report back, so a colleague can take it at once."""
    report = report_triage.view_report(reference, actor=current_user)
    return _claim_step(reference, lambda: claims.release_report(report, actor=current_user),
                       lambda _released: _("Melding %(reference)s is vrijgegeven.", reference=reference))


def _claim_step(reference: str, perform, success):
    """Claim or release (CSRF checked for every POST by CSRFProtect), say how it went, back to the triage page."""
    try:
        flash(success(perform()), "success")
    except ServiceError as refused:
        flash(str(refused.message), "error")
    return redirect(url_for("triage.show", reference=reference))


def _refer_form(report) -> ReferForm:
    """As first shown: the partner the report's category suggests is chosen already."""
    suggested = reference_data.suggested_partner(report.category)
    return ReferForm(version=report.version, prefix="refer", partner=suggested.key if suggested else None)


def _with_partners(form: ReferForm, report=None) -> ReferForm:
    form.partner.choices = choices(
        [("", _("Kies een ketenpartner"))]
        + [(partner.key, partner.name) for partner in reference_data.active_partners()]
    )
    suggested = reference_data.suggested_partner(report.category) if report is not None else None
    if suggested is not None:  # a suggestion only: any partner may be chosen
        form.partner.description = _("Voorgesteld bij deze categorie: %(partner)s", partner=suggested.name)
    return form


def _render(report, refer_form, escalate_form, status: int = 200):
    if report.destroyed_at:
        return destroyed.report_page(report), status
    _with_partners(refer_form, report)
    return render_template(
        "triage/show.html",
        report=report,
        history=report_triage.address_history(report, viewer=current_user),
        can_correct=report_corrections.may_correct(current_user, report),
        event_lines=report_history.report_lines(report),
        claim=claims.current(report),
        claim_blocks=claims.blocks(report, current_user),
        claim_form=ClaimForm(),
        refer_form=refer_form,
        escalate_form=escalate_form,
        referrals=report.referrals,
        retry_form=RetryForm(),
    ), status
