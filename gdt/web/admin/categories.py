"""Admin pages for the categories: the list, a new one, editing one with its history, retiring and reactivating.

URLs carry the category's id: its key may still change until a report uses it. The rules are the service's
(gdt.services.admin.categories); the forms only carry what was typed.
"""
from flask import render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField

from gdt.models import Category
from gdt.services.admin import categories as category_service
from gdt.services.core import reference_data
from gdt.web.access import role_required
from gdt.web.admin import bp
from gdt.web.forms import ActiveForm, choices, form_page, submit, switch_active


class CategoryCreateForm(FlaskForm):
    key = StringField(_l("Sleutel"), render_kw={"autocomplete": "off", "spellcheck": "false"},
                      description=_l("Kleine letters, cijfers en streepjes, zoals burenruzie. De Woonoverlast-app, "
                                     "imports en exports gebruiken de sleutel; hij staat vast zodra een melding deze "
                                     "categorie heeft."))
    label = StringField(_l("Naam"), description=_l("Zoals bewoners en medewerkers de categorie zien."))
    help_text = TextAreaField(_l("Uitleg voor bewoners"), render_kw={"rows": 3},
                              description=_l("Staat op het webformulier onder de keuze: wanneer kiest een bewoner "
                                             "deze categorie? Hoogstens %(max)d tekens.",
                                             max=category_service.HELP_MAX))
    is_public = BooleanField(_l("Bewoners kunnen deze categorie kiezen (webformulier en Woonoverlast-app)"),
                             default=True,
                             description=_l("Zonder vinkje alleen voor medewerkers: telefoon, correcties en "
                                            "aanmeldingen van ketenpartners."))
    triage_working_days = StringField(_l("Termijn voor triage in werkdagen"),
                                      render_kw={"inputmode": "numeric", "autocomplete": "off", "size": 4})
    suggested_partner = SelectField(_l("Voorgestelde ketenpartner"), choices=[], validate_choice=False,
                                    description=_l("Staat vooraf gekozen als de regisseur een melding van deze "
                                                   "categorie doorverwijst. Alleen een voorstel: de regisseur kan "
                                                   "elke ketenpartner kiezen."))


class CategoryEditForm(CategoryCreateForm):
    position = StringField(_l("Volgnummer"), render_kw={"inputmode": "numeric", "autocomplete": "off", "size": 4},
                           description=_l("Bepaalt de volgorde in de keuzelijsten: het laagste eerst."))


@bp.route("/admin/categories")
@role_required("admin")
def categories():
    return render_template("admin/categories.html", categories=category_service.list_categories(),
                           deadline_words=category_service.deadline_words,
                           norm=category_service.working_days_words(category_service.general_norm()))


@bp.route("/admin/categories/new", methods=["GET", "POST"])
@role_required("admin")
def new_category():
    form = _prepared(CategoryCreateForm(), None)
    done = submit(form, lambda: category_service.create_category(
        form.key.data, form.label.data, help_text=form.help_text.data, is_public=form.is_public.data,
        triage_working_days=form.triage_working_days.data, suggested_partner=form.suggested_partner.data,
        actor=current_user),
        success=lambda category: _("Categorie %(label)s is toegevoegd.", label=category.label),
        next_url=url_for("admin.categories"))
    return done or form_page("admin/new_category.html", form=form)


@bp.route("/admin/categories/<int:category_id>", methods=["GET", "POST"])
@role_required("admin")
def edit_category(category_id: int):
    category = category_service.get_category(category_id)
    fixed = category_service.key_fixed_because(category)
    form = _prepared(CategoryEditForm(obj=category, suggested_partner=_partner_key(category)), category, fixed)
    done = submit(form, lambda: category_service.update_category(
        category, key=None if fixed else form.key.data, label=form.label.data, help_text=form.help_text.data,
        is_public=form.is_public.data, triage_working_days=form.triage_working_days.data,
        suggested_partner=form.suggested_partner.data, position=form.position.data, actor=current_user),
        success=_("De wijzigingen zijn opgeslagen."), next_url=url_for("admin.categories"))
    return done or _edit_page(category, form=form, fixed=fixed)


@bp.route("/admin/categories/<int:category_id>/deactivate", methods=["POST"])
@role_required("admin")
def deactivate_category(category_id: int):
    return _switch(category_id, False, _("De categorie wordt niet meer aangeboden voor nieuwe meldingen. Meldingen "
                                         "die haar hebben houden haar, en ze telt mee in de statistieken."))


@bp.route("/admin/categories/<int:category_id>/activate", methods=["POST"])
@role_required("admin")
def activate_category(category_id: int):
    return _switch(category_id, True, _("De categorie wordt weer aangeboden voor nieuwe meldingen."))


def _switch(category_id: int, active: bool, success: str):
    category = category_service.get_category(category_id)
    return switch_active(lambda: category_service.set_category_active(category, active, actor=current_user),
                         success=success, next_url=url_for("admin.edit_category", category_id=category_id),
                         page=lambda active_form: _edit_page(category, active_form=active_form))


def _edit_page(category: Category, *, form: CategoryEditForm | None = None, active_form: ActiveForm | None = None,
               fixed: str | None = None):
    if form is None:
        fixed = category_service.key_fixed_because(category)
        form = _prepared(CategoryEditForm(obj=category, formdata=None, suggested_partner=_partner_key(category)),
                         category, fixed)
    return form_page("admin/edit_category.html", form=form, category=category, fixed=fixed,
                     active_form=active_form or ActiveForm(prefix="active", formdata=None),
                     history=category_service.history(category))


def _prepared(form: CategoryCreateForm, category: Category | None, fixed: str | None = None) -> CategoryCreateForm:
    """The partner choices (the active ones, and a deactivated one that is still the suggestion); no key field once
    the key is fixed; the deadline's hint names the general norm as it is now."""
    offered = [(partner.key, partner.name) for partner in reference_data.active_partners()]
    current = category.suggested_partner if category is not None else None
    if current is not None and not current.is_active:
        offered.append((current.key, _("%(name)s (gedeactiveerd: wordt niet voorgesteld)", name=current.name)))
    form.suggested_partner.choices = choices([("", _("Geen voorstel"))] + offered)
    form.triage_working_days.description = _(
        "Van %(min)d tot en met %(max)d werkdagen. Leeg: de algemene termijn van %(norm)s "
        "(TRIAGE_NORM_WORKING_DAYS).", min=category_service.TRIAGE_DAYS_MIN, max=category_service.TRIAGE_DAYS_MAX,
        norm=category_service.working_days_words(category_service.general_norm()))
    if fixed:
        del form.key
    return form


def _partner_key(category: Category) -> str:
    return category.suggested_partner.key if category.suggested_partner is not None else ""
