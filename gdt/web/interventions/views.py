"""Recording an intervention on a case, its page with the next steps, and taking a step."""
from flask import abort, url_for
from flask_babel import gettext as _
from flask_login import current_user

from gdt import labels
from gdt.services.casework import cases
from gdt.services.core import access
from gdt.services.interventions import recording
from gdt.services.interventions.recording import StepFields
from gdt.web.access import role_required
from gdt.web.forms import form_page, submit
from gdt.web.interventions import bp
from gdt.web.interventions.forms import RecordForm, StepForm


@bp.route("/cases/<reference>/interventions/new", methods=["GET", "POST"])
@role_required("coordinator")
def new(reference: str):
    case = cases.view_case(reference, actor=current_user)
    form = RecordForm().offer(case, current_user)
    if not form.is_submitted():
        form.proposed_on.data = recording.today().isoformat()
    done = submit(form, lambda: recording.record(
        case, type_code=form.type_code.data, status=form.status.data, proposed_on=form.proposed_on.data,
        decided_on=form.decided_on.data, in_force_on=form.in_force_on.data, ended_on=form.ended_on.data,
        partner_key=form.partner.data, fields=_fields(form), actor=current_user),
        success=lambda intervention: _("Interventie %(name)s is vastgelegd.", name=intervention.type.name),
        next_url=url_for("cases.show", reference=reference, _anchor="interventies"))
    return done or form_page("interventions/new.html", form=form, case=case)


@bp.route("/interventions/<int:intervention_id>")
@role_required("coordinator")
def show(intervention_id: int):
    intervention = recording.get(intervention_id, actor=current_user, audited=True)
    return _page(intervention)


@bp.route("/interventions/<int:intervention_id>/steps/<event>", methods=["POST"])
@role_required("coordinator")
def step(intervention_id: int, event: str):
    if event not in recording.EVENTS:
        abort(404)
    intervention = recording.get(intervention_id, actor=current_user)
    form = StepForm(prefix=event).offer(intervention.case, current_user, event)
    done = submit(form, lambda: recording.take_step(intervention, event, on=form.on.data, fields=_fields(form),
                                                    seen_version=form.version.data, actor=current_user),
                  success=lambda done: _("%(name)s: %(status)s.", name=done.type.name,
                                         status=labels.INTERVENTION_STATUS_LABELS[done.status]),
                  next_url=url_for("cases.show", reference=intervention.case.reference, _anchor="interventies"))
    return done or _page(intervention, {event: form})


def _page(intervention, forms: dict | None = None):
    """The intervention with a form for each step its status allows (the one sent back, with its errors)."""
    forms = forms or {}
    steps = {event: forms.get(event) or _fresh_step_form(intervention, event)
             for event in recording.allowed_steps(intervention)}
    may_edit = intervention.case.status == "open" and access.can_edit_case(current_user, intervention.case)
    return form_page("interventions/show.html", intervention=intervention, case=intervention.case,
                     steps=steps if may_edit else {}, **{f"{event}_form": form for event, form in forms.items()})


def _fresh_step_form(intervention, event: str) -> StepForm:
    form = StepForm(prefix=event, formdata=None).offer(intervention.case, current_user, event)
    form.version.data = intervention.version
    form.on.data = recording.today().isoformat()
    form.document_id.data = str(intervention.document_id or "")
    return form


def _fields(form) -> StepFields:
    return StepFields(decided_by=form.decided_by.data, document_id=form.document_id.data,
                      outcome=form.outcome.data, note=form.note.data)
