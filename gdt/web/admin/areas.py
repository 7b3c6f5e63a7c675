"""Admin pages for the names of wijken and buurten: the list by wijk with a search, a new code, renaming with the
history, removing after a confirmation, and importing a file as `flask areas import` does.

URLs carry the CBS code (/admin/areas/WK077201). The rules are the services' (gdt.services.admin.areas and
gdt.services.core.areas); the forms only carry what was typed.
"""
import tempfile
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField

from gdt.services.admin import areas as service
from gdt.services.core.areas import NAME_MAX
from gdt.services.core.import_reader import ImportFailed
from gdt.web.access import role_required
from gdt.web.admin import bp
from gdt.web.forms import form_page, submit

PROBLEMS_SHOWN = 200  # a wrong national file could list thousands; the first ones show what to fix

def _name() -> StringField:
    return StringField(_l("Naam"), render_kw={"autocomplete": "off", "maxlength": NAME_MAX},
                       description=_l("Zoals de statistieken de wijk of buurt noemen, naast de code."))


class AreaCreateForm(FlaskForm):
    code = StringField(_l("CBS-code"), render_kw={"autocomplete": "off", "spellcheck": "false", "maxlength": 10},
                       description=_l("Een wijkcode (WK + 6 cijfers, zoals WK077201) of buurtcode (BU + 8 cijfers, "
                                      "zoals BU07720110), zoals het CBS ze publiceert."))
    name = _name()


class AreaEditForm(FlaskForm):
    name = _name()


class DeleteAreaForm(FlaskForm):
    """The confirmation button: only the CSRF token (the code is in the address)."""


class AreaImportForm(FlaskForm):
    file = FileField(_l("Bestand (.csv of .xlsx)"), validators=[FileRequired(_l("Kies een bestand."))],
                     description=_l("Eerste rij: code en naam. Een code die al een naam heeft, krijgt de naam uit het "
                                    "bestand; codes die niet in het bestand staan, houden hun naam."),
                     render_kw={"accept": ".csv,.xlsx"})


@bp.route("/admin/areas")
@role_required("admin")
def areas():
    search = service.clean_search(request.args.get("q"))
    page = service.list_areas(search, request.args, per_page=current_app.config["PER_PAGE"])
    return render_template("admin/areas.html", page=page, search=search, totals=service.totals())


@bp.route("/admin/areas/new", methods=["GET", "POST"])
@role_required("admin")
def new_area():
    form = AreaCreateForm(code=request.args.get("code", "")[:10])
    done = submit(form, lambda: service.create_area(form.code.data, form.name.data, actor=current_user),
                  success=lambda area: _("%(code)s heet nu %(name)s.", code=area.code, name=area.name),
                  next_url=lambda area: url_for("admin.areas", q=area.code))
    return done or form_page("admin/new_area.html", form=form)


@bp.route("/admin/areas/<code>", methods=["GET", "POST"])
@role_required("admin")
def edit_area(code: str):
    area = service.get_area(code)
    form = AreaEditForm(obj=area)
    done = submit(form, lambda: service.rename_area(area, form.name.data, actor=current_user),
                  success=_("De wijzigingen zijn opgeslagen."), next_url=url_for("admin.areas", q=area.code))
    return done or form_page("admin/edit_area.html", form=form, area=area, reports=service.reports_with(area.code),
                             wijk=service.wijk_row(area.code), history=service.history(area.code))


@bp.route("/admin/areas/<code>/delete", methods=["GET", "POST"])
@role_required("admin")
def delete_area(code: str):
    area = service.get_area(code)
    form = DeleteAreaForm()
    done = submit(form, lambda: service.delete_area(area, actor=current_user),
                  success=_("De naam van %(code)s is verwijderd.", code=area.code), next_url=url_for("admin.areas"))
    return done or form_page("admin/delete_area.html", form=form, area=area, reports=service.reports_with(area.code))


@bp.route("/admin/areas/import", methods=["GET", "POST"])
@role_required("admin")
def import_areas():
    """All or nothing, as `flask areas import`: a refused file shows every problem by line and column."""
    form = AreaImportForm()
    problems, suffix = None, None
    if form.validate_on_submit():
        upload = form.file.data
        suffix = Path(upload.filename or "").suffix.lower()
        with tempfile.TemporaryDirectory(prefix="gdt-areas-") as folder:
            path = Path(folder) / f"upload{suffix}"
            upload.save(path)
            try:
                summary = service.import_areas(path, actor=current_user)
            except ImportFailed as failed:
                problems = failed.errors
            else:
                flash(ngettext("%(num)d wijk of buurt gelezen: %(added)d toegevoegd, %(renamed)d hernoemd, "
                               "%(unchanged)d ongewijzigd.",
                               "%(num)d wijken en buurten gelezen: %(added)d toegevoegd, %(renamed)d hernoemd, "
                               "%(unchanged)d ongewijzigd.", summary.total, added=summary.added,
                               renamed=summary.renamed, unchanged=summary.unchanged), "success")
                return redirect(url_for("admin.areas"))
    # A text file has lines, a spreadsheet rows: the problems say which, as the command line does.
    return form_page("admin/import_areas.html", refused=bool(problems), form=form,
                     problems=(problems or [])[:PROBLEMS_SHOWN], problem_count=len(problems or []),
                     where=_("Rij") if suffix == ".xlsx" else _("Regel"))
