"""GDT cases: the list and the case page with its actions."""
from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from gdt.db import db
from gdt.services import cases, reference_data, routing, users
from gdt.web.access import role_required
from gdt.web.cases import bp
from gdt.web.cases.forms import CloseForm, CoordinatorForm, ModeForm, NoteForm, PartnerForm, ReferCaseForm, ReviewForm
from gdt.web.referrals.forms import RetryForm
from gdt.web.forms import choices, submit

STATUS_FILTERS = ("open", "closed")


@bp.route("/cases")
@role_required("coordinator")
def index():
    status = request.args.get("status") if request.args.get("status") in STATUS_FILTERS else None
    mine = request.args.get("mine") == "1"
    page = db.paginate(cases.list_cases(current_user, status=status, mine=mine),
                       per_page=current_app.config["PER_PAGE"], error_out=False)
    return render_template("cases/index.html", page=page, status=status, mine=mine)


@bp.route("/cases/<reference>")
@role_required("coordinator")
def show(reference: str):
    return _render(cases.view_case(reference, actor=current_user))


def _case_action(name, form_class, perform, success_message):
    """The shape every case action shares: load, validate, call one service, redirect or re-render."""
    def view(reference: str):
        case = cases.view_case(reference, actor=current_user)
        form = _prepare(form_class(prefix=name))
        done = submit(form, lambda: perform(case, form), success=success_message,
                      next_url=url_for("cases.show", reference=reference))
        return done or _render(case, **{form_class.__name__: form}, status=422)
    return view


def _version(form) -> int | None:
    return form.version.data


ACTIONS = {
    "coordinator": (CoordinatorForm, lambda case, form: cases.assign_coordinator(
        case, form.coordinator.data, actor=current_user, seen_version=_version(form)), _l("Regisseur toegewezen.")),
    "mode": (ModeForm, lambda case, form: cases.decide_mode(
        case, form.mode.data, actor=current_user, seen_version=_version(form)), _l("Werkwijze vastgelegd.")),
    "partners": (PartnerForm, lambda case, form: cases.involve_partner(
        case, form.partner.data, form.role.data, actor=current_user, seen_version=_version(form)),
        _l("Ketenpartner toegevoegd.")),
    "notes": (NoteForm, lambda case, form: cases.add_note(case, form.body.data, actor=current_user),
              _l("Notitie toegevoegd.")),
    "refer": (ReferCaseForm, lambda case, form: routing.refer_case(
        case, form.partner.data, form.message.data, actor=current_user, seen_version=_version(form)),
        _l("Het advies wordt aan de ketenpartner bezorgd.")),
    "review": (ReviewForm, lambda case, form: cases.review_case(case, actor=current_user, seen_version=_version(form)),
               _l("Herbeoordeling vastgelegd.")),
    "close": (CloseForm, lambda case, form: cases.close_case(
        case, form.result.data, form.note.data, actor=current_user, seen_version=_version(form),
        notify_reporters=form.notify_reporters.data), _l("Casus gesloten.")),
}

for _name, (_form_class, _perform, _message) in ACTIONS.items():
    bp.add_url_rule(f"/cases/<reference>/{_name}", f"{_name}",
                    role_required("coordinator")(_case_action(_name, _form_class, _perform, _message)),
                    methods=["POST"])


def _prepare(form):
    if isinstance(form, CoordinatorForm):
        form.coordinator.choices = choices((user.id, user.name) for user in users.active_coordinators())
    elif isinstance(form, (PartnerForm, ReferCaseForm)):
        form.partner.choices = choices([("", _("Kies een ketenpartner"))] + [
            (partner.key, partner.name) for partner in reference_data.active_partners()])
    elif isinstance(form, CloseForm):
        form.result.choices = choices([("", _("Kies een resultaat"))] + [
            (result.key, result.label) for result in cases.closing_results()])
    return form


def _render(case, status: int = 200, **submitted):
    forms = {form_class.__name__: submitted.get(form_class.__name__) or _prepare(form_class(formdata=None, prefix=name))
             for name, (form_class, _perform, _message) in ACTIONS.items()}
    for form in forms.values():
        form.version.data = case.version  # after a conflict the page shows the newest state; input is kept
    if forms["CoordinatorForm"].coordinator.data is None and case.coordinator_id:
        forms["CoordinatorForm"].coordinator.data = case.coordinator_id
    partner_confirmed = any(referral.status == "handled" for referral in case.referrals)
    if partner_confirmed and not forms["CloseForm"].result.data:
        forms["CloseForm"].result.data = "handled-by-partner"  # advice case: close on the partner's confirmation
    return render_template("cases/show.html", case=case, forms=forms, referrals=case.referrals,
                           partner_confirmed=partner_confirmed, retry_form=RetryForm()), status
