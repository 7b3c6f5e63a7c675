"""GDT cases: the list and the case page with its actions."""
from datetime import UTC

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from gdt.db import AMSTERDAM
from gdt.services.admin import users
from gdt.services.casework import actions, bundling, case_list, cases, coordinator_page, meetings
from gdt.services.core import pagination, reference_data
from gdt.services.referrals import routing
from gdt.web.access import role_required
from gdt.web.cases import bp
from gdt.web.cases.forms import (
    ActionForm,
    ActionUpdateForm,
    BundleForm,
    CloseForm,
    CoordinatorForm,
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
from gdt.web.forms import choices, form_page, submit
from gdt.web.referrals.forms import RetryForm


@bp.route("/cases")
@role_required("coordinator")
def index():
    coordinators, partners = case_list.coordinator_choices(), case_list.partner_choices()
    categories = reference_data.all_categories()
    case_filter = case_list.parse(request.args, coordinator_ids={user.id for user in coordinators},
                                  partner_keys={partner.key for partner in partners},
                                  category_keys={category.key for category in categories})
    sort = case_list.ORDERS.parse(request.args.get("sort"))
    found = case_list.query(current_user, case_filter, sort)
    page = pagination.page_of(found, request.args, per_page=current_app.config["PER_PAGE"])
    return render_template("cases/index.html", page=page, rows=case_list.rows(page.items), case_filter=case_filter,
                           sort=sort, default_sort=case_list.ORDERS.default, coordinators=coordinators,
                           partners=partners, categories=categories, unassigned=case_list.UNASSIGNED,
                           total=format_decimal(page.total))


@bp.route("/cases/<reference>")
@role_required("coordinator")
def show(reference: str):
    return _render(cases.view_case(reference, actor=current_user))


def _case_action(name, form_class, perform, success_message, next_url=None):
    """The shape every case action shares: load, validate, call one service, redirect or re-render."""
    def view(reference: str):
        case = cases.view_case(reference, actor=current_user)
        form = _prepare(form_class(prefix=name), case)
        done = submit(form, lambda: perform(case, form), success=success_message,
                      next_url=next_url or url_for("cases.show", reference=reference))
        return done or _render(case, **{form_class.__name__: form}, status=422)
    return view


def _version(form) -> int | None:
    return form.version.data


ACTIONS = {
    "coordinator": (CoordinatorForm, lambda case, form: cases.assign_coordinator(
        case, form.coordinator.data, actor=current_user, seen_version=_version(form)), _l("Regisseur toegewezen.")),
    "mode": (ModeForm, lambda case, form: cases.decide_mode(
        case, form.mode.data, actor=current_user, seen_version=_version(form), regie_kind=form.regie_kind.data),
        _l("Werkwijze vastgelegd.")),
    "partners": (PartnerForm, lambda case, form: cases.involve_partner(
        case, form.partner.data, form.role.data, actor=current_user, seen_version=_version(form),
        contact_name=form.contact_name.data, contact_phone=form.contact_phone.data,
        contact_email=form.contact_email.data), _l("Ketenpartner toegevoegd.")),
    "parties": (PartyForm, lambda case, form: cases.add_party(
        case, form.name.data, form.role.data, form.note.data, actor=current_user), _l("Betrokkene toegevoegd.")),
    "notes": (NoteForm, lambda case, form: cases.add_note(case, form.body.data, actor=current_user,
                                                          shareable=form.shareable.data),
              _l("Notitie toegevoegd.")),
    "meetings": (MeetingForm, lambda case, form: meetings.plan(
        case, _as_utc(form.starts_at.data), form.location.data, form.partners.data or [],
        [name.strip() for name in (form.people.data or "").split(",")], actor=current_user),
        _l("Het overleg is gepland; de ketenpartners krijgen een uitnodiging.")),
    "actions": (ActionForm, lambda case, form: actions.agree(
        case, form.description.data, owner=form.owner.data, working_days=form.working_days.data, actor=current_user),
        _l("Afspraak vastgelegd.")),
    "bundle": (BundleForm, lambda case, form: bundling.add_report(
        case, form.report.data, actor=current_user, seen_version=_version(form)),
        _l("De melding is aan de casus toegevoegd.")),
    "refer": (ReferCaseForm, lambda case, form: routing.refer_case(
        case, form.partner.data, form.message.data, actor=current_user, seen_version=_version(form),
        question=form.question.data),
        _l("Het advies wordt aan de ketenpartner bezorgd.")),
    "review": (ReviewForm, lambda case, form: cases.review_case(case, actor=current_user, seen_version=_version(form)),
               _l("Herbeoordeling vastgelegd.")),
    "close": (CloseForm, lambda case, form: cases.close_case(
        case, form.result.data, form.note.data, actor=current_user, seen_version=_version(form),
        notify_reporters=form.notify_reporters.data, carry_over=form.carry_over.data), _l("Casus gesloten.")),
    "reopen": (ReopenForm, lambda case, form: cases.reopen_case(
        case, form.reason.data, actor=current_user, seen_version=_version(form)), _l("De casus is heropend.")),
}
MERGE = (MergeForm, lambda case, form: bundling.merge(case, form.target.data, actor=current_user,
                                                      seen_version=_version(form)),
         _l("De casussen zijn samengevoegd."))

for _name, (_form_class, _perform, _message) in ACTIONS.items():
    bp.add_url_rule(f"/cases/<reference>/{_name}", f"{_name}",
                    role_required("coordinator")(_case_action(_name, _form_class, _perform, _message)),
                    methods=["POST"])
bp.add_url_rule("/cases/<reference>/merge", "merge", role_required("coordinator")(
    _case_action("merge", *MERGE, next_url=lambda target: url_for("cases.show", reference=target.reference))),
    methods=["POST"])


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
    action = actions.get(action_id, actor=current_user)
    form = ActionUpdateForm(prefix=f"action-{action_id}")
    done = submit(form, lambda: actions.update(action, progress=form.progress.data, outcome=form.outcome.data,
                                               reason=form.reason.data, actor=current_user,
                                               seen_version=_version(form)),
                  success=_("Afspraak bijgewerkt."), next_url=url_for("cases.show", reference=action.case.reference))
    return done or _render(cases.view_case(action.case.reference, actor=current_user), status=422,
                           action_forms={action_id: form})


def _prepare(form, case):
    if isinstance(form, CoordinatorForm):
        form.coordinator.choices = choices((user.id, user.name) for user in users.active_coordinators())
    elif isinstance(form, (PartnerForm, ReferCaseForm)):
        form.partner.choices = choices([("", _("Kies een ketenpartner"))] + [
            (partner.key, partner.name) for partner in reference_data.active_partners()])
    elif isinstance(form, CloseForm):
        form.result.choices = choices([("", _("Kies een resultaat"))] + [
            (result.key, result.label) for result in cases.closing_results()])
    elif isinstance(form, MeetingForm):
        involved = [link.partner for link in case.partners if link.partner.is_active]
        form.partners.choices = choices((partner.key, partner.name) for partner in involved)
    elif isinstance(form, ActionForm):
        form.owner.choices = choices([("", _("Kies een uitvoerder"))]
                                     + actions.owner_choices(case, users.active_coordinators()))
    return form


def _as_utc(local):
    """The form's local (Amsterdam) date and time as an aware UTC moment."""
    return local.replace(tzinfo=AMSTERDAM).astimezone(UTC) if local else None


def _render(case, status: int = 200, action_forms: dict | None = None, **submitted):
    forms = {form_class.__name__: submitted.get(form_class.__name__)
             or _prepare(form_class(formdata=None, prefix=name), case)
             for name, (form_class, _perform, _message) in [*ACTIONS.items(), ("merge", MERGE)]}
    for form in forms.values():
        form.version.data = case.version  # after a conflict the page shows the newest state; input is kept
    if forms["CoordinatorForm"].coordinator.data is None and case.coordinator_id:
        forms["CoordinatorForm"].coordinator.data = case.coordinator_id
    about = coordinator_page.overview(case)
    if about.partner_confirmed and not forms["CloseForm"].result.data:
        forms["CloseForm"].result.data = "handled-by-partner"  # advice case: close on the partner's confirmation
    action_forms = action_forms or {}
    for action in case.actions:
        if action.status == "open" and action.id not in action_forms:
            action_forms[action.id] = ActionUpdateForm(formdata=None, prefix=f"action-{action.id}",
                                                       version=action.version)
    return render_template("cases/show.html", case=case, forms=forms, referrals=case.referrals, about=about,
                           retry_form=RetryForm(), action_forms=action_forms), status
