"""Indicator pages: the table for managers and coordinators, and the admin's definitions, figures and targets.

The table holds aggregates and admin-entered figures only, never personal data. URLs carry indicator keys.
"""
import tempfile
from pathlib import Path

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from gdt.services.core.access import STATISTICS_ROLES
from gdt.services.core.import_reader import ImportFailed
from gdt.services.reporting import indicator_import, indicator_table
from gdt.services.reporting import indicators as service
from gdt.web.access import role_required
from gdt.web.forms import ActiveForm, form_page, submit, switch_active
from gdt.web.indicators import bp
from gdt.web.indicators.forms import (
    ImportForm,
    IndicatorCreateForm,
    IndicatorEditForm,
    TargetForm,
    ValueForm,
    YearForm,
)


@bp.route("/statistics/indicators")
@role_required(*STATISTICS_ROLES)
def table():
    """Years × indicators; the range comes from the GET form (`from`, `to`), at most ten years."""
    years, selectable, limited = indicator_table.shown_years(request.args.get("from", type=int),
                                                     request.args.get("to", type=int))
    result = indicator_table.view_table(years, actor=current_user)
    return render_template("indicators/table.html", table=result, selectable=selectable, limited=limited,
                           max_years=indicator_table.MAX_YEARS, unit_labels=service.UNIT_LABELS)


# --- admin ----------------------------------------------------------------------------------------

@bp.route("/admin/indicators")
@role_required("admin")
def admin_list():
    return render_template("indicators/admin_list.html", indicators=service.list_indicators(),
                           source_labels=service.SOURCE_LABELS, unit_labels=service.UNIT_LABELS)


@bp.route("/admin/indicators/new", methods=["GET", "POST"])
@role_required("admin")
def admin_new():
    form = IndicatorCreateForm()
    done = submit(form, lambda: service.create_indicator(
        form.key.data, form.name.data, source=form.source.data, unit=form.unit.data, footnote=form.footnote.data,
        position=form.position.data, actor=current_user),
        success=lambda indicator: _("Indicator %(name)s is toegevoegd.", name=indicator.name),
        next_url=lambda indicator: url_for("indicators.admin_edit", key=indicator.key))
    return done or form_page("indicators/admin_new.html", form=form)


@bp.route("/admin/indicators/import", methods=["GET", "POST"])
@role_required("admin")
def admin_import():
    """All or nothing: a refused file shows every problem by row and column and stores nothing."""
    form = ImportForm()
    problems = None
    if form.validate_on_submit():
        upload = form.file.data
        with tempfile.TemporaryDirectory(prefix="gdt-indicators-") as folder:
            path = Path(folder) / f"upload{Path(upload.filename or '').suffix.lower()}"
            upload.save(path)
            try:
                summary = indicator_import.import_values(path, actor=current_user)
            except ImportFailed as failed:
                problems = failed.errors
            else:
                flash(ngettext("%(num)d cijfer is geïmporteerd.", "%(num)d cijfers zijn geïmporteerd.",
                               summary.values), "success")
                return redirect(url_for("indicators.admin_list"))
    return form_page("indicators/admin_import.html", refused=bool(problems), form=form, problems=problems,
                     columns=indicator_import.IMPORT_COLUMNS)


@bp.route("/admin/indicators/<key>", methods=["GET", "POST"])
@role_required("admin")
def admin_edit(key: str):
    indicator = service.get_indicator(key)
    form = IndicatorEditForm(obj=indicator)
    done = submit(form, lambda: service.update_indicator(
        indicator, name=form.name.data, source=form.source.data, unit=form.unit.data, footnote=form.footnote.data,
        position=form.position.data, actor=current_user),
        success=_("De wijzigingen zijn opgeslagen."), next_url=url_for("indicators.admin_edit", key=key))
    return done or _edit_page(indicator, form=form)


@bp.route("/admin/indicators/<key>/values", methods=["POST"])
@role_required("admin")
def admin_set_value(key: str):
    indicator = service.get_indicator(key)
    form = ValueForm(prefix="value")
    done = submit(form, lambda: service.set_value(indicator, year=form.year.data, value=form.value.data,
                                                  note=form.note.data, actor=current_user),
                  success=lambda stored: _("Het cijfer van %(year)d is opgeslagen.", year=stored.year),
                  next_url=_values_url(key))
    return done or _edit_page(indicator, value_form=form)


@bp.route("/admin/indicators/<key>/values/delete", methods=["POST"])
@role_required("admin")
def admin_delete_value(key: str):
    indicator = service.get_indicator(key)
    form = YearForm(prefix="delete-value")
    done = submit(form, lambda: service.delete_value(indicator, year=form.year.data, actor=current_user),
                  success=_("Het cijfer is verwijderd."), next_url=_values_url(key))
    return done or _edit_page(indicator, value_form=_refused(ValueForm(prefix="value", formdata=None), form))


@bp.route("/admin/indicators/<key>/targets", methods=["POST"])
@role_required("admin")
def admin_set_target(key: str):
    indicator = service.get_indicator(key)
    form = TargetForm(prefix="target")
    done = submit(form, lambda: service.set_target(indicator, year=form.year.data, comparator=form.comparator.data,
                                                   value=form.value.data, actor=current_user),
                  success=lambda target: _("Het doel voor %(year)d is opgeslagen.", year=target.year),
                  next_url=_targets_url(key))
    return done or _edit_page(indicator, target_form=form)


@bp.route("/admin/indicators/<key>/targets/delete", methods=["POST"])
@role_required("admin")
def admin_delete_target(key: str):
    indicator = service.get_indicator(key)
    form = YearForm(prefix="delete-target")
    done = submit(form, lambda: service.delete_target(indicator, year=form.year.data, actor=current_user),
                  success=_("Het doel is verwijderd."), next_url=_targets_url(key))
    return done or _edit_page(indicator, target_form=_refused(TargetForm(prefix="target", formdata=None), form))


@bp.route("/admin/indicators/<key>/deactivate", methods=["POST"])
@role_required("admin")
def admin_deactivate(key: str):
    return _set_active(key, False, _("De indicator is gedeactiveerd en staat niet meer in de tabel."))


@bp.route("/admin/indicators/<key>/activate", methods=["POST"])
@role_required("admin")
def admin_activate(key: str):
    return _set_active(key, True, _("De indicator staat weer in de tabel."))


def _set_active(key: str, active: bool, success: str):
    indicator = service.get_indicator(key)
    return switch_active(lambda: service.set_indicator_active(indicator, active, actor=current_user),
                         success=success, next_url=url_for("indicators.admin_edit", key=key),
                         page=lambda active_form: _edit_page(indicator, active_form=active_form))


def _values_url(key: str) -> str:
    return url_for("indicators.admin_edit", key=key, _anchor="values-heading")


def _targets_url(key: str) -> str:
    return url_for("indicators.admin_edit", key=key, _anchor="targets-heading")


def _refused(shown, refused: YearForm):
    """A refused remove button has no fields to show its message at: it goes on top of the section's form."""
    shown.form_errors.extend(refused.form_errors + refused.year.errors)
    if getattr(refused, "csrf_token", None) is not None and refused.csrf_token.errors:  # no token field in tests
        shown.form_errors.append(_("Het formulier was verlopen; probeer het opnieuw."))
    return shown


def _edit_page(indicator, *, form=None, value_form=None, target_form=None, active_form=None):
    """The edit page with every form; the one that was posted (if any) carries its input and errors."""
    forms = {
        "form": form or IndicatorEditForm(obj=indicator, formdata=None),
        "value_form": value_form or ValueForm(prefix="value", formdata=None),
        "target_form": target_form or TargetForm(prefix="target", formdata=None),
        "active_form": active_form or ActiveForm(prefix="active", formdata=None),
    }
    return form_page("indicators/admin_edit.html", indicator=indicator, source_labels=service.SOURCE_LABELS,
                     unit_labels=service.UNIT_LABELS, **forms)
