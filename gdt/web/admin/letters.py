"""Admin pages for the letter templates: the list, a new one, editing one with the fields beside the editor, a PDF
preview with the made-up demo case (in a new tab, nothing saved), deactivating and reactivating.

The rules are the service's (gdt.services.letters.admin): a template that does not render in the sandbox is refused
with a Dutch message at its field, on saving and on previewing alike.
"""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, StringField, TextAreaField

from gdt.services.core import audit
from gdt.services.core.errors import ServiceError
from gdt.services.letters import admin as service
from gdt.services.letters.fields import FIELDS
from gdt.web.access import role_required
from gdt.web.admin import bp
from gdt.web.forms import ActiveForm, VersionedForm, form_page, show_error, submit, switch_active
from gdt.web.letters.pdf import inline_pdf


class LetterTemplateForm(VersionedForm):
    name = StringField(_l("Naam"), render_kw={"autocomplete": "off", "maxlength": service.NAME_MAX},
                       description=_l("Zoals de regisseur het sjabloon in de keuzelijst ziet."))
    is_decision = BooleanField(_l("Dit is een besluit"),
                               description=_l("Een besluit wordt opgeslagen als soort \"besluit\" en krijgt de "
                                              "ondertekening namens de burgemeester en de bezwaarclausule."))
    subject = StringField(_l("Onderwerp"), render_kw={"autocomplete": "off", "maxlength": service.SUBJECT_MAX})
    body = TextAreaField(_l("Tekst van de brief"), render_kw={"maxlength": service.BODY_MAX},
                         description=_l("Velden als {{ kenmerk }}, voorwaarden als {% if afspraak %} … {% endif %}; "
                                        "een lege regel begint een nieuwe alinea. De lijst met velden staat naast "
                                        "dit formulier."))


@bp.route("/admin/brieven")
@role_required("admin")
def letter_templates():
    return render_template("letters/admin_list.html", templates=service.list_templates())


@bp.route("/admin/brieven/new", methods=["GET", "POST"])
@role_required("admin")
def new_letter_template():
    form = LetterTemplateForm()
    done = submit(form, lambda: service.create_template(**_fields(form), actor=current_user),
                  success=lambda template: _("Briefsjabloon %(name)s is toegevoegd.", name=template.name),
                  next_url=url_for("admin.letter_templates"))
    return done or _page(form, template=None)


@bp.route("/admin/brieven/<int:template_id>", methods=["GET", "POST"])
@role_required("admin")
def edit_letter_template(template_id: int):
    template = service.get_template(template_id)
    form = LetterTemplateForm(data=None if request.method == "POST" else _data(template))
    done = submit(form, lambda: service.update_template(template, **_fields(form), seen_version=form.version.data,
                                                        actor=current_user),
                  success=_("De wijzigingen zijn opgeslagen."), next_url=url_for("admin.letter_templates"))
    return done or _page(form, template=template)


@bp.route("/admin/brieven/preview", methods=["POST"])
@role_required("admin")
def preview_letter_template():
    """The letter in the editor as PDF with the demo case; refused: the editor again, with the message."""
    form = LetterTemplateForm()
    template_id = request.form.get("template_id", type=int)
    template = service.get_template(template_id) if template_id else None
    if form.validate_on_submit():
        try:
            data = service.preview_pdf(**_fields(form))
        except ServiceError as error:
            show_error(form, error)
        else:
            audit.record_now(current_user, "preview", "letter_template", str(template_id or "new"))
            return inline_pdf(data, "voorbeeld-brief.pdf")
    return _page(form, template=template, refused=True)


@bp.route("/admin/brieven/<int:template_id>/deactivate", methods=["POST"])
@role_required("admin")
def deactivate_letter_template(template_id: int):
    return _switch(template_id, False, _("Het sjabloon wordt niet meer aangeboden. Brieven die ermee zijn gemaakt "
                                         "blijven in hun dossier."))


@bp.route("/admin/brieven/<int:template_id>/activate", methods=["POST"])
@role_required("admin")
def activate_letter_template(template_id: int):
    return _switch(template_id, True, _("Het sjabloon wordt weer aangeboden."))


def _switch(template_id: int, active: bool, success: str):
    template = service.get_template(template_id)
    return switch_active(lambda: service.set_template_active(template, active, actor=current_user), success=success,
                         next_url=url_for("admin.edit_letter_template", template_id=template_id),
                         page=lambda active_form: _page(LetterTemplateForm(data=_data(template)), template=template,
                                                        active_form=active_form))


def _page(form: LetterTemplateForm, *, template, active_form: ActiveForm | None = None, refused: bool = False):
    return form_page("letters/admin_edit.html", refused=refused, form=form, letter_template=template, fields=FIELDS,
                     active_form=active_form or ActiveForm(prefix="active", formdata=None))


def _fields(form: LetterTemplateForm) -> dict:
    return {"name": form.name.data, "is_decision": form.is_decision.data, "subject": form.subject.data,
            "body": form.body.data}


def _data(template) -> dict:
    return {"name": template.name, "is_decision": template.is_decision, "subject": template.subject,
            "body": template.body, "version": template.version}
