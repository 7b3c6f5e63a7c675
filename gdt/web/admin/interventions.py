"""Admin pages for the intervention ladder: the rungs in order, a new rung, editing one (its code stays), and
deactivating or reactivating it. The rules are the service's (gdt.services.interventions.catalogue)."""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField

from gdt.services.interventions import catalogue as service
from gdt.web.access import role_required
from gdt.web.admin import bp
from gdt.web.forms import ActiveForm, form_page, submit, switch_active


class InterventionTypeForm(FlaskForm):
    code = StringField(_l("Code"), render_kw={"autocomplete": "off", "maxlength": 40},
                       description=_l("Kleine letters, cijfers en liggende streepjes, zoals huisbezoek. Ligt vast "
                                      "zodra de soort bestaat: de statistieken en de API gebruiken hem."))
    name = StringField(_l("Naam"), render_kw={"autocomplete": "off", "maxlength": service.NAME_MAX})
    legal_ground = StringField(_l("Wettelijke grondslag"), render_kw={"maxlength": service.GROUND_MAX},
                               description=_l("Zoals art. 151d Gemeentewet; leeg als er geen is."))
    formal = BooleanField(_l("Formele stap: besluit van de burgemeester, alleen met besluitbrief"))
    position = StringField(_l("Plaats op de ladder"), render_kw={"inputmode": "numeric", "autocomplete": "off"},
                            description=_l("Hoe hoger het getal, hoe zwaarder de stap; de ladder telt in tientallen."))


@bp.route("/admin/interventies")
@role_required("admin")
def intervention_types():
    return render_template("admin/intervention_types.html", types=service.list_types())


@bp.route("/admin/interventies/new", methods=["GET", "POST"])
@role_required("admin")
def new_intervention_type():
    form = InterventionTypeForm()
    done = submit(form, lambda: service.create_type(code=form.code.data, **_fields(form), actor=current_user),
                  success=lambda kind: _("Soort interventie %(name)s is toegevoegd.", name=kind.name),
                  next_url=url_for("admin.intervention_types"))
    return done or form_page("admin/intervention_type.html", form=form, kind=None)


@bp.route("/admin/interventies/<int:type_id>", methods=["GET", "POST"])
@role_required("admin")
def edit_intervention_type(type_id: int):
    kind = service.get_type(type_id)
    form = InterventionTypeForm(obj=None if request.method == "POST" else kind)
    done = submit(form, lambda: service.update_type(kind, **_fields(form), actor=current_user),
                  success=_("De wijzigingen zijn opgeslagen."), next_url=url_for("admin.intervention_types"))
    return done or _page(form, kind)


@bp.route("/admin/interventies/<int:type_id>/deactivate", methods=["POST"])
@role_required("admin")
def deactivate_intervention_type(type_id: int):
    return _switch(type_id, False, _("Deze soort wordt niet meer aangeboden; bestaande interventies houden haar."))


@bp.route("/admin/interventies/<int:type_id>/activate", methods=["POST"])
@role_required("admin")
def activate_intervention_type(type_id: int):
    return _switch(type_id, True, _("Deze soort wordt weer aangeboden."))


def _switch(type_id: int, active: bool, success: str):
    kind = service.get_type(type_id)
    return switch_active(lambda: service.set_type_active(kind, active, actor=current_user), success=success,
                         next_url=url_for("admin.edit_intervention_type", type_id=type_id),
                         page=lambda active_form: _page(InterventionTypeForm(formdata=None, obj=kind), kind,
                                                        active_form))


def _page(form: InterventionTypeForm, kind, active_form: ActiveForm | None = None):
    return form_page("admin/intervention_type.html", form=form, kind=kind,
                     active_form=active_form or ActiveForm(prefix="active", formdata=None))


def _fields(form: InterventionTypeForm) -> dict:
    return {"name": form.name.data, "legal_ground": form.legal_ground.data, "formal": form.formal.data,
            "position": form.position.data}
