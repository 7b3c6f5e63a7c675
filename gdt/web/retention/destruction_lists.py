"""The archivist's destruction lists (/archief/vernietiging): the lists, one list's items, taking an item off with a
reason, approving, and the destruction statement. Need-to-know: references, dates, category, channel, area and
result, never a description, name or address (the items hold none). The rules are gdt.services.retention.destruction.
"""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField

from gdt.db import db
from gdt.models.retention import ITEM_TYPES
from gdt.services.core.pagination import page_of
from gdt.services.core.working_days import today
from gdt.services.retention import destruction, statement_pdf
from gdt.web.access import role_required
from gdt.web.forms import form_page, submit
from gdt.web.responses import download
from gdt.web.retention import bp

PER_PAGE = 50


class ButtonForm(FlaskForm):
    """A button: only the CSRF token (what it acts on is in the address)."""


class ExcludeForm(FlaskForm):
    reason = TextAreaField(_l("Reden"), render_kw={"rows": 3, "maxlength": destruction.REASON_MAX},
                           description=_l("Waarom dit nu niet vernietigd wordt, zoals: lopende klachtprocedure. "
                                          "Noem geen namen of adressen."))


@bp.route("/vernietiging")
@role_required("archivist")
def lists():
    page = page_of(destruction.list_lists(), request.args, per_page=PER_PAGE)
    return render_template("retention/lists.html", page=page, counts=destruction.counts(page.items),
                           form=ButtonForm())


@bp.route("/vernietiging/opstellen", methods=["POST"])
@role_required("archivist")
def propose_list():
    form = ButtonForm()
    done = submit(form, lambda: destruction.propose(today(), actor=current_user),
                  success=_proposed, next_url=lambda lst: url_for(
                      "retention.show_list", reference=lst.reference) if lst else url_for("retention.lists"))
    return done or lists()


def _proposed(lst) -> str:
    if lst is None:
        return _("Er is op dit moment niets dat vernietigd moet worden.")
    return _("Lijst %(reference)s is bijgewerkt met wat vandaag vernietigd moet worden.", reference=lst.reference)


@bp.route("/vernietiging/<reference>")
@role_required("archivist")
def show_list(reference: str):
    lst = destruction.find_list(reference)
    destruction.view_list(lst, actor=current_user)
    kind = request.args.get("type") if request.args.get("type") in ITEM_TYPES else None
    items = page_of(destruction.items_of(lst, object_type=kind, excluded=False), request.args, per_page=PER_PAGE)
    excluded = db.session.scalars(destruction.items_of(lst, excluded=True)).all()
    categories, results = destruction.display_labels()
    return render_template("retention/lists_show.html", lst=lst, items=items, excluded=excluded, kind=kind,
                           counts=destruction.counts([lst])[lst.id], categories=categories, results=results,
                           form=ButtonForm())


@bp.route("/vernietiging/<reference>/onderdelen/<int:item_id>/van-de-lijst", methods=["GET", "POST"])
@role_required("archivist")
def exclude_item(reference: str, item_id: int):
    lst = destruction.find_list(reference)
    item = destruction.find_item(lst, item_id)
    form = ExcludeForm()
    done = submit(form, lambda: destruction.exclude(item, reason=form.reason.data, actor=current_user),
                  success=_("%(reference)s is van de lijst gehaald.", reference=item.reference),
                  next_url=url_for("retention.show_list", reference=lst.reference))
    return done or form_page("retention/lists_exclude.html", form=form, lst=lst, item=item)


@bp.route("/vernietiging/<reference>/onderdelen/<int:item_id>/terugzetten", methods=["POST"])
@role_required("archivist")
def restore_item(reference: str, item_id: int):
    lst = destruction.find_list(reference)
    item = destruction.find_item(lst, item_id)
    done = submit(ButtonForm(), lambda: destruction.restore(item, actor=current_user),
                  success=_("%(reference)s staat weer op de lijst.", reference=item.reference),
                  next_url=url_for("retention.show_list", reference=lst.reference))
    return done or show_list(reference)


@bp.route("/vernietiging/<reference>/goedkeuren", methods=["GET", "POST"])
@role_required("archivist")
def approve_list(reference: str):
    lst = destruction.find_list(reference)
    form = ButtonForm()
    done = submit(form, lambda: destruction.approve(lst, actor=current_user),
                  success=_("Lijst %(reference)s is goedgekeurd; de vernietiging is gestart.",
                            reference=lst.reference),
                  next_url=url_for("retention.show_list", reference=lst.reference))
    return done or form_page("retention/lists_approve.html", form=form, lst=lst,
                             counts=destruction.counts([lst])[lst.id])


@bp.route("/vernietiging/<reference>/verklaring.pdf")
@role_required("archivist")
def statement(reference: str):
    lst = destruction.find_list(reference)
    return download(statement_pdf.render(lst, actor=current_user), f"verklaring-van-vernietiging-{lst.reference}.pdf",
                    "application/pdf")
