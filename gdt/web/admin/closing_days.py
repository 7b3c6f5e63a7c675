"""Admin pages for the closing days: the list (coming days, earlier ones by year, the changes), a new day, and
removing a coming one after a confirmation. The rules are the service's (gdt.services.admin.closing_days).

URLs carry the day as an ISO date (/admin/closing-days/2026-05-15/remove).
"""
from flask import render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField

from gdt.services.admin import closing_days as service
from gdt.web.access import role_required
from gdt.web.admin import bp
from gdt.web.forms import form_page, submit


class ClosingDayForm(FlaskForm):
    day = StringField(_l("Datum"), render_kw={"type": "date", "autocomplete": "off"},
                      description=_l("Een dag na vandaag, zoals 15-05-2026. Weekenddagen en feestdagen tellen al niet "
                                     "mee voor termijnen."))
    description = StringField(_l("Omschrijving"),
                              render_kw={"autocomplete": "off", "maxlength": service.DESCRIPTION_MAX},
                              description=_l("Waarom de gemeente dicht is, zoals Brugdag na Hemelvaart."))


class RemoveClosingDayForm(FlaskForm):
    """The confirmation button: only the CSRF token (the day is in the address)."""


@bp.route("/admin/closing-days")
@role_required("admin")
def closing_days():
    return render_template("admin/closing_days.html", listed=service.list_closing_days(),
                           day_words=service.day_words, why_not_removable=service.why_not_removable,
                           history=service.history())


@bp.route("/admin/closing-days/new", methods=["GET", "POST"])
@role_required("admin")
def new_closing_day():
    form = ClosingDayForm()
    done = submit(form, lambda: service.add_closing_day(form.day.data, form.description.data, actor=current_user),
                  success=lambda added: _("%(day)s is toegevoegd als sluitingsdag.",
                                          day=service.day_words(added.day, sentence_start=True)),
                  next_url=url_for("admin.closing_days"))
    return done or form_page("admin/new_closing_day.html", form=form)


@bp.route("/admin/closing-days/<day>/remove", methods=["GET", "POST"])
@role_required("admin")
def remove_closing_day(day: str):
    entry = service.get_entry(day)
    form = RemoveClosingDayForm()
    words = service.day_words(entry.day, sentence_start=True)
    done = submit(form, lambda: service.remove_closing_day(entry.day, actor=current_user),
                  success=_("%(day)s is geen sluitingsdag meer.", day=words),
                  next_url=url_for("admin.closing_days"))
    return done or form_page("admin/remove_closing_day.html", form=form, entry=entry,
                             day_words=service.day_words, refusal=service.why_not_removable(entry))
