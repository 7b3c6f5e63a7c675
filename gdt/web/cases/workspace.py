"""The coordinator's case page (the workspace) and the page of each step on it.

Every step has its own page at /cases/<reference>/<step>: GET shows its form, POST takes it. On the case page the
same form sits in a native <dialog> that static/workspace.js opens; without JavaScript the button is a link to the
step's page. Irreversible steps (close, reopen, merge, cancelling a meeting, dropping an action, taking a partner
off) get no dialog: their page says what will happen and asks to confirm. Which steps are offered is the service's
answer (coordinator_page.permitted_steps); the services check again when a form is sent.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm

from gdt.db import AMSTERDAM
from gdt.models import Case
from gdt.services.admin import users
from gdt.services.casework import actions, bundling, cases, coordinator_page, meetings
from gdt.services.core import reference_data
from gdt.services.core.errors import ServiceError
from gdt.services.referrals import routing
from gdt.web.access import role_required
from gdt.web.cases import bp
from gdt.web.cases.forms import (
    ActionForm,
    ActionProgressForm,
    BundleForm,
    CloseForm,
    CoordinatorForm,
    DropActionForm,
    MeetingForm,
    MergeForm,
    ModeForm,
    NoteForm,
    PartnerForm,
    PartyForm,
    ReferCaseForm,
    RemovePartnerForm,
    ReopenForm,
    ReviewForm,
)
from gdt.web.forms import choices, form_page, show_error, submit
from gdt.web.referrals.forms import RetryForm
from gdt.web.retention import destroyed
from gdt.web.retention.rules import case_retention


@dataclass(frozen=True)
class Step:
    form: type[FlaskForm]
    perform: Callable[[Case, FlaskForm], object]
    success: object  # a message, or a function of the service's result that gives one
    title: str
    button: str
    irreversible: bool = False  # its own confirmation page, never a dialog
    question: str | None = None  # that page's heading: what is asked, with %(reference)s


def _version(form) -> int | None:
    return form.version.data


STEPS = {
    "coordinator": Step(CoordinatorForm, lambda case, form: cases.assign_coordinator(
        case, form.coordinator.data, actor=current_user, seen_version=_version(form)),
        _l("Regisseur toegewezen."), _l("Regisseur toewijzen"), _l("Regisseur toewijzen")),
    "mode": Step(ModeForm, lambda case, form: cases.decide_mode(
        case, form.mode.data, actor=current_user, seen_version=_version(form), regie_kind=form.regie_kind.data),
        _l("Werkwijze vastgelegd."), _l("Werkwijze bepalen"), _l("Werkwijze vastleggen")),
    "review": Step(ReviewForm, lambda case, form: cases.review_case(case, actor=current_user,
                                                                    seen_version=_version(form)),
                   _l("Herbeoordeling vastgelegd."), _l("Herbeoordeling vastleggen"),
                   _l("Herbeoordeling vastleggen")),
    "bundle": Step(BundleForm, lambda case, form: bundling.add_report(
        case, form.report.data, actor=current_user, seen_version=_version(form),
        other_address=form.other_address.data), _l("De melding is aan de casus toegevoegd."),
        _l("Melding toevoegen aan deze casus"), _l("Melding toevoegen")),
    "parties": Step(PartyForm, lambda case, form: cases.add_party(
        case, form.name.data, form.role.data, form.note.data, actor=current_user), _l("Betrokkene toegevoegd."),
        _l("Betrokkene toevoegen"), _l("Betrokkene toevoegen")),
    "partners": Step(PartnerForm, lambda case, form: cases.involve_partner(
        case, form.partner.data, form.role.data, actor=current_user, seen_version=_version(form),
        contact_name=form.contact_name.data, contact_phone=form.contact_phone.data,
        contact_email=form.contact_email.data), _l("Ketenpartner toegevoegd."), _l("Ketenpartner betrekken"),
        _l("Ketenpartner toevoegen")),
    "refer": Step(ReferCaseForm, lambda case, form: routing.refer_case(
        case, form.partner.data, form.message.data, actor=current_user, seen_version=_version(form),
        question=form.question.data), _l("Het advies wordt aan de ketenpartner bezorgd."),
        _l("Advies aan ketenpartner doorgeven"), _l("Advies versturen")),
    "actions": Step(ActionForm, lambda case, form: actions.agree(
        case, form.description.data, owner=form.owner.data, working_days=form.working_days.data, actor=current_user),
        _l("Afspraak vastgelegd."), _l("Afspraak toevoegen"), _l("Afspraak vastleggen")),
    "meetings": Step(MeetingForm, lambda case, form: meetings.plan(
        case, _as_utc(form.starts_at.data), form.location.data, form.partners.data or [],
        [name.strip() for name in (form.people.data or "").split(",")], actor=current_user),
        meetings.planned_message, _l("Overleg plannen"), _l("Overleg plannen")),
    "notes": Step(NoteForm, lambda case, form: cases.add_note(case, form.body.data, actor=current_user,
                                                              shareable=form.shareable.data),
                  _l("Notitie toegevoegd."), _l("Notitie toevoegen"), _l("Notitie opslaan")),
    "close": Step(CloseForm, lambda case, form: cases.close_case(
        case, form.result.data, form.note.data, actor=current_user, seen_version=_version(form),
        notify_reporters=form.notify_reporters.data, carry_over=form.carry_over.data), _l("Casus gesloten."),
        _l("Casus sluiten"), _l("Ja, casus sluiten"), irreversible=True, question=_l("Casus %(reference)s sluiten?")),
    "reopen": Step(ReopenForm, lambda case, form: cases.reopen_case(
        case, form.reason.data, actor=current_user, seen_version=_version(form)), _l("De casus is heropend."),
        _l("Casus heropenen"), _l("Ja, casus heropenen"), irreversible=True,
        question=_l("Casus %(reference)s heropenen?")),
}
MERGE = Step(MergeForm, lambda case, form: bundling.merge(case, form.target.data, actor=current_user,
                                                          seen_version=_version(form)),
             _l("De casussen zijn samengevoegd."), _l("Casus samenvoegen"), _l("Verder"), irreversible=True,
             question=_l("Casus %(reference)s samenvoegen met een andere casus?"))
ALL_STEPS = STEPS | {"merge": MERGE}
DIALOGS = tuple(name for name, step in STEPS.items() if not step.irreversible)
# What a step's page says will happen, from the case as it is now.
OUTLOOKS = {"close": cases.close_outlook, "reopen": cases.reopen_outlook,
            "review": lambda case: cases.next_review_if_reviewed_now()}


@bp.route("/cases/<reference>")
@role_required("coordinator")
def show(reference: str):
    case = cases.view_case(reference, actor=current_user)
    return destroyed.case_page(case) if case.destroyed_at else _case_page(case)


def _step_view(name: str, step: Step):
    """GET: the step's own page (what a dialog shows); POST: one service call, then the case page or the step's
    page again with the refusal next to its field."""
    def view(reference: str):
        case = cases.view_case(reference, actor=current_user)
        form = _prepare(name, step.form(prefix=name), case)
        if not form.is_submitted():
            if not coordinator_page.permitted_steps(case, current_user)[name]:
                flash(_("Deze stap kan niet in de huidige status van de casus."), "info")
                return redirect(url_for("cases.show", reference=reference))
            _defaults(name, form, case)
        done = submit(form, lambda: step.perform(case, form), success=step.success,
                      next_url=url_for("cases.show", reference=reference))
        return done or _step_page(name, step, form, case)
    return view


for _name, _step in STEPS.items():
    bp.add_url_rule(f"/cases/<reference>/{_name}", _name, role_required("coordinator")(_step_view(_name, _step)),
                    methods=["GET", "POST"])


@bp.route("/cases/<reference>/merge", methods=["GET", "POST"])
@role_required("coordinator")
def merge(reference: str):
    """Two steps: the target's reference, then a page that names both cases and what moves; only "Ja" merges."""
    case = cases.view_case(reference, actor=current_user)
    form = MergeForm(prefix="merge")
    if not form.is_submitted():
        form.version.data = case.version
        if not coordinator_page.permitted_steps(case, current_user)["merge"]:
            flash(_("Deze stap kan niet in de huidige status van de casus."), "info")
            return redirect(url_for("cases.show", reference=reference))
    elif form.confirmed.data == "y":
        done = submit(form, lambda: MERGE.perform(case, form), success=MERGE.success,
                      next_url=lambda target: url_for("cases.show", reference=target.reference))
        if done:
            return done
    elif form.validate_on_submit():
        try:
            outlook = bundling.merge_outlook(case, form.target.data, actor=current_user)
        except ServiceError as error:
            show_error(form, error)
        else:
            form.confirmed.data = "y"
            return form_page("cases/merge_confirm.html", case=case, form=form, outlook=outlook)
    form.confirmed.data = ""
    return _step_page("merge", MERGE, form, case)


@bp.route("/cases/<reference>/partners/<key>/remove", methods=["GET", "POST"])
@role_required("coordinator")
def remove_partner(reference: str, key: str):
    """Take a partner off the case, after a confirmation page that says what that ends."""
    case = cases.view_case(reference, actor=current_user)
    link = cases.case_partner(case, key)
    if link is None:  # already taken off (a second click, an old tab): nothing to confirm
        flash(_("Deze ketenpartner is niet (meer) betrokken bij de casus."), "info")
        return redirect(url_for("cases.show", reference=reference))
    form = RemovePartnerForm()
    if not form.is_submitted():
        form.version.data = case.version
    done = submit(form, lambda: cases.remove_partner(case, key, actor=current_user, seen_version=_version(form)),
                  success=lambda partner: _("%(partner)s is uit de casus gehaald. De casuslink van deze organisatie "
                                            "werkt niet meer.", partner=partner.name),
                  next_url=url_for("cases.show", reference=reference))
    if done:
        return done
    form.version.data = case.version  # after a refusal or a colleague's change: confirm against the newest state
    open_actions = [action for action in case.actions
                    if action.status == "open" and action.owner_partner_id == link.partner_id]
    open_referrals = [referral for referral in case.referrals
                      if referral.partner_id == link.partner_id and referral.is_open]
    return form_page("cases/remove_partner.html", form=form, case=case, link=link, open_actions=open_actions,
                     open_referrals=open_referrals)


@bp.route("/actions/<int:action_id>", methods=["POST"])
@role_required("coordinator")
def update_action(action_id: int):
    """Progress on an action, or done; shown again on the case page, with the form open, when refused."""
    action = actions.get(action_id, actor=current_user)
    form = ActionProgressForm(prefix=f"action-{action_id}")
    done = submit(form, lambda: actions.update(action, progress=form.progress.data, outcome=form.outcome.data,
                                               actor=current_user, seen_version=_version(form)),
                  success=_("Afspraak bijgewerkt."),
                  next_url=url_for("cases.show", reference=action.case.reference, _anchor="plan"))
    return done or _case_page(cases.view_case(action.case.reference, actor=current_user), status=422,
                              action_forms={action_id: form})


@bp.route("/actions/<int:action_id>/drop", methods=["GET", "POST"])
@role_required("coordinator")
def drop_action(action_id: int):
    """Dropping an action is final: a page that says so and asks why."""
    action = actions.get(action_id, actor=current_user)
    cases.view_case(action.case.reference, actor=current_user)  # the page shows the case's action: a view of it
    back = url_for("cases.show", reference=action.case.reference, _anchor="plan")
    form = DropActionForm(prefix="drop")
    if not form.is_submitted():
        if action.status != "open" or action.case.status != "open":
            flash(_("Deze afspraak is al afgerond of vervallen."), "info")
            return redirect(back)
        form.version.data = action.version
    done = submit(form, lambda: actions.update(action, outcome="drop", reason=form.reason.data, actor=current_user,
                                               seen_version=_version(form)),
                  success=_("De afspraak is vervallen."), next_url=back)
    return done or form_page("cases/drop_action.html", form=form, action=action, case=action.case,
                             outlook=actions.drop_outlook(action))


def _step_page(name: str, step: Step, form: FlaskForm, case: Case):
    """The step's own page; after a refusal or a colleague's change it confirms against the newest version."""
    form.version.data = case.version
    outlook = OUTLOOKS[name](case) if name in OUTLOOKS else None
    return form_page("cases/step.html", case=case, name=name, step=step, form=form, outlook=outlook)


def _case_page(case: Case, status: int = 200, action_forms: dict | None = None):
    about = coordinator_page.overview(case, current_user)
    forms = {}
    for name in DIALOGS:
        if about.may[name]:
            forms[name] = _prepare(name, STEPS[name].form(formdata=None, prefix=name), case)
            _defaults(name, forms[name], case)
    action_forms = action_forms or {}
    for action in about.updatable_actions:
        action_forms.setdefault(action.id, ActionProgressForm(formdata=None, prefix=f"action-{action.id}",
                                                              version=action.version))
    return render_template("cases/show.html", case=case, about=about, forms=forms, steps=ALL_STEPS,
                           referrals=case.referrals, retry_form=RetryForm(), action_forms=action_forms,
                           retention=case_retention(case)), status


def _prepare(name: str, form: FlaskForm, case: Case) -> FlaskForm:
    """The choices a step's form offers on this case."""
    if name == "coordinator":
        form.coordinator.choices = choices((user.id, user.name) for user in users.active_coordinators())
    elif name in ("partners", "refer"):
        form.partner.choices = choices([("", _("Kies een ketenpartner"))] + [
            (partner.key, partner.name) for partner in reference_data.active_partners()])
    elif name == "close":
        form.result.choices = choices([("", _("Kies een resultaat"))] + [
            (result.key, result.label) for result in cases.closing_results()])
    elif name == "meetings":
        form.partners.choices = choices((partner.key, partner.name) for partner in meetings.default_invitees(case))
    elif name == "actions":
        form.owner.choices = choices([("", _("Kies een uitvoerder"))]
                                     + actions.owner_choices(case, users.active_coordinators()))
    return form


def _defaults(name: str, form: FlaskForm, case: Case) -> None:
    """A fresh form: the case's version, and what the case already says (its coordinator, its way of working), the
    partners a meeting invites (all of them), the result an advice case closes with once a partner confirmed."""
    form.version.data = case.version
    if name == "coordinator" and case.coordinator_id:
        form.coordinator.data = case.coordinator_id
    elif name == "mode":
        form.mode.data, form.regie_kind.data = case.mode, case.regie_kind
    elif name == "meetings":
        form.partners.data = [partner.key for partner in meetings.default_invitees(case)]
    elif name == "close" and cases.partner_confirmed(case):
        form.result.data = "handled-by-partner"
    elif name == "bundle" and request.args.get("melding"):  # "Toevoegen" beside a report found at the address
        form.report.data = request.args["melding"][:40]


def _as_utc(local):
    """The form's local (Amsterdam) date and time as an aware UTC moment."""
    return local.replace(tzinfo=AMSTERDAM).astimezone(UTC) if local else None
