"""The privacy officer's register of requests from the people concerned (/privacy/verzoeken): the list with the
answer term, a new request, and a request's page with the step its kind needs (inspection export, rectification,
erasure) and the decision. The rules are the service's (gdt.services.privacy.subject_requests).

URLs carry the request's reference (AVG-2026-0003), never a name.
"""
from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from gdt.models.privacy import REQUEST_KINDS
from gdt.services.core import pagination
from gdt.services.privacy import subject_requests as service
from gdt.web.access import role_required
from gdt.web.forms import choices, form_page, submit
from gdt.web.privacy import bp

# The privacy-search pages' inspection export, when it is there (it takes the references as `references`).
INSPECTION_ENDPOINTS = ("privacy.inspection_export", "privacy.inspection")


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class NewRequestForm(FlaskForm):
    kind = RadioField(_l("Soort verzoek"), choices=choices((kind, service.KIND_LABELS[kind]) for kind in REQUEST_KINDS),
                      validate_choice=False)
    received_on = StringField(_l("Ontvangen op"), render_kw={"type": "date", "autocomplete": "off"},
                              description=_l("De dag waarop het verzoek binnenkwam; de termijn van een maand telt "
                                             "vanaf dan (AVG art. 12 lid 3)."))
    subject_name = StringField(_l("Naam van de verzoeker"), render_kw={"autocomplete": "off", "maxlength": 120})
    note = TextAreaField(_l("Notitie"), render_kw={"maxlength": service.NOTE_MAX},
                         description=_l("Wat er gevraagd is en hoe de identiteit is vastgesteld."))
    references = TextAreaField(_l("Kenmerken van meldingen en casussen"),
                               description=_l("De meldingen en casussen waarover het verzoek gaat, gescheiden door "
                                              "spaties, komma's of nieuwe regels, zoals GDT-2026-000123."))


class GroundFields:
    ground = SelectField(_l("Grond"), validate_choice=False,
                         choices=choices([("", _l("Kies een grond")), *service.REFUSAL_GROUNDS.items()]))
    explanation = TextAreaField(_l("Toelichting"), render_kw={"maxlength": service.GROUND_MAX},
                                description=_l("Nodig bij 'Andere grond'; anders optioneel."))


class DecideForm(GroundFields, FlaskForm):
    decision = RadioField(_l("Beslissing"), choices=choices(service.DECISION_LABELS.items()),
                          validate_choice=False)


class RefuseForm(GroundFields, FlaskForm):
    """An erasure refused: the ground is required."""


class EraseForm(GroundFields, FlaskForm):
    references = CheckboxesField(_l("Wissen"), choices=[], validate_choice=False)


class RectifyForm(FlaskForm):
    reference = SelectField(_l("Melding"), choices=[], validate_choice=False)
    field = SelectField(_l("Gegeven"), validate_choice=False,
                        choices=choices([("", _l("Kies wat wordt gerectificeerd")),
                                         *service.RECTIFIABLE_FIELDS.items()]))
    value = TextAreaField(_l("Juiste waarde"), description=_l("Bij de beschrijving: de gecorrigeerde tekst. De tekst "
                                                             "zoals gemeld blijft ernaast bewaard."))
    reason = TextAreaField(_l("Reden"), render_kw={"maxlength": service.REASON_MAX})


@bp.route("/verzoeken")
@role_required("privacy")
def requests():
    page = pagination.page_of(service.list_requests(), request.args, per_page=current_app.config["PER_PAGE"])
    service.view_list(actor=current_user)
    return render_template("privacy/requests.html", page=page, rows=[service.row(item) for item in page.items],
                           labels_kind=service.KIND_LABELS, labels_decision=service.DECISION_LABELS)


@bp.route("/verzoeken/nieuw", methods=["GET", "POST"])
@role_required("privacy")
def new_request():
    form = NewRequestForm()
    if request.method == "GET":
        form.references.data = request.args.get("references", "")  # from the search for a person: references only
    done = submit(form, lambda: service.create(service.RequestInput(
                      kind=form.kind.data, received_on=form.received_on.data, subject_name=form.subject_name.data,
                      note=form.note.data, references=form.references.data), actor=current_user),
                  success=lambda made: _("Verzoek %(reference)s is vastgelegd.", reference=made.reference),
                  next_url=lambda made: url_for("privacy.request_page", request_ref=made.reference))
    return done or form_page("privacy/requests_new.html", form=form)


@bp.route("/verzoeken/<request_ref>")
@role_required("privacy")
def request_page(request_ref: str):
    return _page(service.get(request_ref, actor=current_user))


@bp.route("/verzoeken/<request_ref>/rectificeren", methods=["POST"])
@role_required("privacy")
def rectify(request_ref: str):
    found = service.get(request_ref, actor=current_user)
    form = _rectify_form(found)
    done = submit(form, lambda: service.rectify(found, service.RectificationInput(
                      reference=form.reference.data, field=form.field.data, value=form.value.data,
                      reason=form.reason.data), actor=current_user),
                  success=_("De rectificatie is doorgevoerd en vastgelegd in de geschiedenis van de melding."),
                  next_url=url_for("privacy.request_page", request_ref=found.reference, _anchor="rectificatie"))
    return done or _page(found, rectify_form=form)


@bp.route("/verzoeken/<request_ref>/beslissen", methods=["POST"])
@role_required("privacy")
def decide(request_ref: str):
    found = service.get(request_ref, actor=current_user)
    form = DecideForm(prefix="decide")
    done = submit(form, lambda: service.decide(found, form.decision.data, form.ground.data, form.explanation.data,
                                               actor=current_user),
                  success=_("De beslissing is vastgelegd. Het verzoek is afgehandeld."),
                  next_url=url_for("privacy.request_page", request_ref=found.reference))
    return done or _page(found, decide_form=form)


@bp.route("/verzoeken/<request_ref>/afwijzen", methods=["POST"])
@role_required("privacy")
def refuse(request_ref: str):
    found = service.get(request_ref, actor=current_user)
    form = RefuseForm(prefix="refuse")
    done = submit(form, lambda: service.decide(found, "refused", form.ground.data, form.explanation.data,
                                               actor=current_user),
                  success=_("Het verzoek is afgewezen; de grond is vastgelegd."),
                  next_url=url_for("privacy.request_page", request_ref=found.reference))
    return done or _page(found, refuse_form=form)


@bp.route("/verzoeken/<request_ref>/wissen", methods=["POST"])
@role_required("privacy")
def erase(request_ref: str):
    found = service.get(request_ref, actor=current_user)
    form = _erase_form(found)
    done = submit(form, lambda: service.erase(found, form.references.data, form.ground.data, form.explanation.data,
                                              actor=current_user),
                  success=lambda erased: _("Gewist: %(references)s. De statistieken blijven gelijk.",
                                           references=", ".join(erased)),
                  next_url=url_for("privacy.request_page", request_ref=found.reference))
    return done or _page(found, erase_form=form)


def _page(found, **forms):
    """The request's page; a refused form comes back in `forms` with its errors, the others fresh."""
    open_request = found.decision is None
    context = {
        "decide_form": forms.get("decide_form") or DecideForm(prefix="decide", formdata=None),
        "refuse_form": forms.get("refuse_form") or RefuseForm(prefix="refuse", formdata=None),
        "erase_form": forms.get("erase_form") or _erase_form(found, formdata=None),
        "rectify_form": forms.get("rectify_form") or _rectify_form(found, formdata=None),
    }
    held = service.held_references(found) if found.kind == "erasure" and open_request else set()
    if found.kind == "erasure" and "erase_form" not in forms:
        context["erase_form"].references.data = [ref for ref in found.references or [] if ref not in held]
    return form_page("privacy/requests_show.html", item=found, row=service.row(found), is_open=open_request,
                     rectifications=service.rectifications(found), inspection_url=_inspection_url(found),
                     labels_kind=service.KIND_LABELS, labels_decision=service.DECISION_LABELS,
                     field_labels=service.RECTIFIABLE_FIELDS, held=held,
                     refused=any(form.errors for form in forms.values()), **context)


def _rectify_form(found, **kwargs) -> RectifyForm:
    form = RectifyForm(prefix="rectify", **kwargs)
    form.reference.choices = choices([("", _("Kies een melding"))] + [
        (report.reference, report.reference) for report in service.request_reports(found)])
    return form


def _erase_form(found, **kwargs) -> EraseForm:
    form = EraseForm(prefix="erase", **kwargs)
    form.references.choices = choices((reference, reference) for reference in found.references or [])
    return form


def _inspection_url(found) -> str | None:
    if found.kind != "inspection":
        return None
    for endpoint in INSPECTION_ENDPOINTS:
        if endpoint in current_app.view_functions:
            return url_for(endpoint, references=",".join(found.references or []))
    return None
