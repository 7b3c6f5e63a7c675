"""Admin pages for the standard texts: the list per moment and category, a new text, editing one (with the
placeholders beside the editor and a preview with made-up values), deactivating and reactivating.

The rules are the service's (gdt.services.texts.admin); "Voorbeeld bekijken" shows the preview without saving.
"""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectField, StringField, TextAreaField

from gdt.services.core import reference_data
from gdt.services.texts import admin as service
from gdt.services.texts import lookup, placeholders
from gdt.web.access import role_required
from gdt.web.admin import bp
from gdt.web.forms import ActiveForm, VersionedForm, choices, form_page, submit, switch_active

PREVIEW = "preview"  # the value of the form's second button


class StandardTextForm(VersionedForm):
    title = StringField(_l("Titel"), render_kw={"autocomplete": "off", "maxlength": service.TITLE_MAX},
                        description=_l("Zoals medewerkers de tekst in de keuzelijst zien."))
    moment = SelectField(_l("Moment"), choices=[])
    category = SelectField(_l("Categorie"), choices=[],
                           description=_l("Een tekst voor één categorie gaat bij die categorie voor de algemene."))
    body = TextAreaField(_l("Tekst"), render_kw={"rows": 10, "maxlength": service.BODY_MAX},
                         description=_l("Invulvelden tussen accolades, zoals {kenmerk}; de lijst staat naast dit "
                                        "formulier."))

    def offer(self) -> "StandardTextForm":
        self.moment.choices = choices(lookup.MOMENT_LABELS.items())
        self.category.choices = choices([("", _("Alle categorieën"))] + [
            (str(category.id), category.label) for category in reference_data.all_categories()])
        return self


@bp.route("/admin/standaardteksten")
@role_required("admin")
def standard_texts():
    return render_template("admin/standard_texts.html", texts=service.list_texts(),
                           moment_labels=lookup.MOMENT_LABELS)


@bp.route("/admin/standaardteksten/new", methods=["GET", "POST"])
@role_required("admin")
def new_standard_text():
    form = StandardTextForm().offer()
    done = None if _previewing() else submit(
        form, lambda: service.create_text(**_fields(form), actor=current_user),
        success=lambda text: _("Standaardtekst %(title)s is toegevoegd.", title=text.title),
        next_url=url_for("admin.standard_texts"))
    return done or _page(form, text=None)


@bp.route("/admin/standaardteksten/<int:text_id>", methods=["GET", "POST"])
@role_required("admin")
def edit_standard_text(text_id: int):
    text = service.get_text(text_id)
    form = StandardTextForm(data=None if request.method == "POST" else _data(text)).offer()
    done = None if _previewing() else submit(
        form, lambda: service.update_text(text, **_fields(form), seen_version=form.version.data, actor=current_user),
        success=_("De wijzigingen zijn opgeslagen."), next_url=url_for("admin.standard_texts"))
    return done or _page(form, text=text)


@bp.route("/admin/standaardteksten/<int:text_id>/deactivate", methods=["POST"])
@role_required("admin")
def deactivate_standard_text(text_id: int):
    return _switch(text_id, False, _("De tekst wordt niet meer aangeboden."))


@bp.route("/admin/standaardteksten/<int:text_id>/activate", methods=["POST"])
@role_required("admin")
def activate_standard_text(text_id: int):
    return _switch(text_id, True, _("De tekst wordt weer aangeboden."))


def _switch(text_id: int, active: bool, success: str):
    text = service.get_text(text_id)
    return switch_active(lambda: service.set_text_active(text, active, actor=current_user), success=success,
                         next_url=url_for("admin.edit_standard_text", text_id=text_id),
                         page=lambda active_form: _page(StandardTextForm(data=_data(text)).offer(), text=text,
                                                        active_form=active_form))


def _previewing() -> bool:
    return request.method == "POST" and request.form.get("action") == PREVIEW


def _page(form: StandardTextForm, *, text, active_form: ActiveForm | None = None):
    """The editor with the placeholders of the chosen moment and the preview of what is in the editor now."""
    moment = form.moment.data if form.moment.data in lookup.MOMENT_LABELS else None
    return form_page("admin/standard_text.html", form=form, text=text,
                     active_form=active_form or ActiveForm(prefix="active", formdata=None),
                     placeholders=placeholders.PLACEHOLDERS.values(), moment=moment,
                     moment_labels=lookup.MOMENT_LABELS, preview=service.preview(form.body.data or ""),
                     previewing=_previewing())


def _fields(form: StandardTextForm) -> dict:
    return {"title": form.title.data, "moment": form.moment.data, "category_id": form.category.data,
            "body": form.body.data}


def _data(text) -> dict:
    return {"title": text.title, "moment": text.moment, "category": str(text.category_id or ""), "body": text.body,
            "version": text.version}
