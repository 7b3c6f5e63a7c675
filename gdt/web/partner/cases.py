"""The partner's view of a case it takes part in: through its case link (no account) or a partner user's pages.

A case link's token is exchanged on its first use for a link session (gdt.web.referrals.links); the pages behind it
are at /casus/<case id>, opened by that session's cookie.

Both show gdt.services.referrals.partner_view's PartnerCaseView and nothing else; a partner updates its own
actions there and downloads the summary of meetings it was invited to.
"""
from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from gdt.db import db
from gdt.models import Case
from gdt.services.casework import actions, meeting_pdf
from gdt.services.core import access, pagination
from gdt.services.core.errors import Forbidden, NotFound, ServiceError
from gdt.services.referrals import partner_view
from gdt.web.access import public, role_required
from gdt.web.cases.forms import ActionUpdateForm
from gdt.web.casework.views import meeting_pdf_download
from gdt.web.forms import show_error
from gdt.web.partner import bp
from gdt.web.referrals.links import exchanged, session_key
from gdt.web.responses import private


@bp.route("/casus/<token>")
@public
def case_link(token: str):
    """The mailed case link: its first use is exchanged for a short link session, then the clean address."""
    return exchanged(partner_view.exchange_link(token))


@bp.route("/casus/<int:case_id>")
@public
def case_link_page(case_id: int):
    return private(_page("partner/case_link.html", partner_view.open_link(case_id, session_key())),
                   hide_referrer=True)


@bp.route("/casus/<int:case_id>/afspraken/<int:action_id>", methods=["POST"])
@public
def case_link_action(case_id: int, action_id: int):
    view = partner_view.open_link(case_id, session_key())
    return private(_update(view, action_id, "partner/case_link.html",
                           url_for("partner.case_link_page", case_id=case_id)), hide_referrer=True)


@bp.route("/casus/<int:case_id>/overleg/<int:meeting_id>.pdf")
@public
def case_link_pdf(case_id: int, meeting_id: int):
    return _pdf(partner_view.open_link(case_id, session_key()), meeting_id)


@bp.route("/partner/casussen")
@role_required("partner")
def cases():
    query = access.visible_cases(current_user).order_by(Case.opened_at.desc(), Case.id.desc())
    page = pagination.page_of(query, request.args, per_page=current_app.config["PER_PAGE"])
    return render_template("partner/cases.html", page=page)


@bp.route("/partner/casussen/<reference>")
@role_required("partner")
def case(reference: str):
    return _page("partner/case.html", partner_view.for_user(reference, actor=current_user))


@bp.route("/partner/casussen/<reference>/afspraken/<int:action_id>", methods=["POST"])
@role_required("partner")
def case_action(reference: str, action_id: int):
    view = partner_view.for_user(reference, actor=current_user)
    return _update(view, action_id, "partner/case.html", url_for("partner.case", reference=reference))


@bp.route("/partner/casussen/<reference>/overleg/<int:meeting_id>.pdf")
@role_required("partner")
def case_pdf(reference: str, meeting_id: int):
    return _pdf(partner_view.for_user(reference, actor=current_user), meeting_id)


def _update(view: partner_view.PartnerCaseView, action_id: int, template: str, back: str, **context):
    action = next((item for item in view.actions if item.id == action_id), None)
    if action is None or not view.may_update(action):
        raise Forbidden(_("U kunt alleen de open afspraken van uw eigen organisatie bijwerken."))
    form = ActionUpdateForm(prefix=f"action-{action_id}")
    if form.validate_on_submit():
        try:
            actions.update(action, progress=form.progress.data, outcome=form.outcome.data, reason=form.reason.data,
                           actor=current_user if current_user.is_authenticated else None,
                           partner_id=view.partner.id, seen_version=form.version.data)
            return redirect(back + "?bijgewerkt=1")
        except ServiceError as error:
            db.session.rollback()
            show_error(form, error)
    return _page(template, view, forms={action_id: form}, status=422, **context)


def _pdf(view: partner_view.PartnerCaseView, meeting_id: int):
    meeting = next((item for item in view.meetings if item.id == meeting_id and item.status == "held"), None)
    if meeting is None:
        raise NotFound(_("Er is geen verslag van dit overleg voor uw organisatie."))
    return meeting_pdf_download(meeting_pdf.render(meeting, view), meeting_id)


def _page(template: str, view: partner_view.PartnerCaseView, *, forms: dict | None = None, status: int = 200,
          **context):
    forms = forms or {}
    for action in view.actions:
        if view.may_update(action) and action.id not in forms:
            forms[action.id] = ActionUpdateForm(formdata=None, prefix=f"action-{action.id}", version=action.version)
    return render_template(template, view=view, case=view.case, action_forms=forms,
                           updated=request.args.get("bijgewerkt") == "1", **context), status
