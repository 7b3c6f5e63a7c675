"""Saved work lists (/werklijsten): save from a list page, open, rename, share, delete, pin to the start page.

A report or case list opens as its own page with the saved filter in the address (only filter keys, never
personal data); a saved search runs here, server-side by the list's id, so its text never enters a URL, and shows
as the search page (gdt.web.search) with the text in its box.
"""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from gdt.services.core.errors import ServiceError
from gdt.services.worklists import counts, filters, saved_lists, searches
from gdt.web.access import role_required
from gdt.web.forms import form_page, show_error, submit
from gdt.web.search import views as search_page
from gdt.web.worklists import bp
from gdt.web.worklists.forms import (
    FILTER_PREFIX,
    DeleteListForm,
    PinListForm,
    RenameListForm,
    SaveListForm,
    ShareListForm,
)

LIST_PAGES = {"reports": "intake.queue", "cases": "cases.index"}  # where a saved filter opens


@bp.app_context_processor
def _may_save():
    """For templates/worklists/_save.html on the list pages: whether the viewer may save that kind of list."""
    def worklist_may_save(kind: str) -> bool:
        return current_user.is_authenticated and kind in saved_lists.kinds_for(current_user)

    def worklist_may_share() -> bool:
        return current_user.is_authenticated and saved_lists.may_share(current_user)
    def worklist_pinned() -> list:
        """For templates/worklists/_pinned.html on the start page: the viewer's pinned lists and their counts."""
        return counts.pinned_with_counts(current_user) if current_user.is_authenticated else []
    return {"worklist_may_save": worklist_may_save, "worklist_may_share": worklist_may_share,
            "worklist_pinned": worklist_pinned}


@bp.route("/werklijsten")
@role_required(*saved_lists.ROLES)
def index():
    return render_template("worklists/index.html", lists=saved_lists.lists_for(current_user),
                           pinned=saved_lists.pinned_ids(current_user), may_share=saved_lists.may_share(current_user),
                           may_pin=saved_lists.may_pin(current_user),
                           max_pinned=saved_lists.MAX_PINNED)


@bp.route("/werklijsten/nieuw", methods=["POST"])
@role_required(*saved_lists.ROLES)
def save():
    form = SaveListForm()
    raw = {key.removeprefix(FILTER_PREFIX): value for key, value in request.form.items()
           if key.startswith(FILTER_PREFIX)}
    done = submit(form, lambda: saved_lists.create(
                      current_user, name=form.name.data, kind=form.kind.data, raw_filters=raw,
                      search_text=form.search_text.data or None, shared=form.sharing.data == "team"),
                  success=lambda saved: _("Werklijst %(name)s is bewaard. U vindt haar terug onder Werklijsten.",
                                          name=saved.name),
                  next_url=lambda saved: url_for("worklists.open_list", worklist_id=saved.id))
    return done or form_page("worklists/new.html", form=form, filters=filters.clean(form.kind.data or "", raw),
                             may_share=saved_lists.may_share(current_user))


@bp.route("/werklijsten/<int:worklist_id>")
@role_required(*saved_lists.ROLES)
def open_list(worklist_id: int):
    saved = saved_lists.get(current_user, worklist_id)
    if saved.kind in LIST_PAGES:
        return redirect(url_for(LIST_PAGES[saved.kind], **filters.clean(saved.kind, saved.filters)))
    return _saved_search(saved)


def _saved_search(saved):
    """The search page with the saved text in its box and its results, as if the viewer had searched it now."""
    form = search_page.SearchForm(formdata=None, data={"q": saved.search_text})
    found = None
    try:
        found = searches.run(current_user, saved.search_text)
    except ServiceError as refused:
        show_error(form, refused)
    return search_page.results_page(form, found)


@bp.route("/werklijsten/<int:worklist_id>/naam", methods=["GET", "POST"])
@role_required(*saved_lists.ROLES)
def rename(worklist_id: int):
    saved = saved_lists.get_owned(current_user, worklist_id)
    form = RenameListForm(data={"name": saved.name, "version": saved.version} if request.method == "GET" else None)
    done = submit(form, lambda: saved_lists.rename(current_user, saved, form.name.data, seen_version=form.version.data),
                  success=lambda renamed: _("De werklijst heet nu %(name)s.", name=renamed.name),
                  next_url=url_for("worklists.index"))
    return done or form_page("worklists/rename.html", form=form, saved=saved)


@bp.route("/werklijsten/<int:worklist_id>/verwijderen", methods=["GET", "POST"])
@role_required(*saved_lists.ROLES)
def remove(worklist_id: int):
    saved = saved_lists.get_owned(current_user, worklist_id)
    form = DeleteListForm(data={"version": saved.version} if request.method == "GET" else None)
    name = saved.name
    done = submit(form, lambda: saved_lists.delete(current_user, saved, seen_version=form.version.data),
                  success=_("Werklijst %(name)s is verwijderd.", name=name), next_url=url_for("worklists.index"))
    return done or form_page("worklists/remove.html", form=form, saved=saved)


@bp.route("/werklijsten/<int:worklist_id>/delen", methods=["POST"])
@role_required(*saved_lists.ROLES)
def share(worklist_id: int):
    saved = saved_lists.get_owned(current_user, worklist_id)
    form = ShareListForm()
    shared = form.shared.data == "1"
    message = (_("Werklijst %(name)s is gedeeld met uw team.", name=saved.name) if shared
               else _("Werklijst %(name)s is weer alleen voor u.", name=saved.name))
    return _button(form, lambda: saved_lists.set_shared(current_user, saved, shared, seen_version=form.version.data),
                   message)


@bp.route("/werklijsten/<int:worklist_id>/vastzetten", methods=["POST"])
@role_required(*saved_lists.ROLES)
def pin(worklist_id: int):
    saved = saved_lists.get(current_user, worklist_id)
    return _button(PinListForm(), lambda: saved_lists.pin(current_user, saved),
                   _("Werklijst %(name)s staat op uw startpagina.", name=saved.name))


@bp.route("/werklijsten/<int:worklist_id>/losmaken", methods=["POST"])
@role_required(*saved_lists.ROLES)
def unpin(worklist_id: int):
    saved = saved_lists.get(current_user, worklist_id)
    return _button(PinListForm(), lambda: saved_lists.unpin(current_user, saved),
                   _("Werklijst %(name)s staat niet meer op uw startpagina.", name=saved.name))


def _button(form, perform, success: str):
    """A button in the overview: done or refused, the overview says which (nothing changed when refused)."""
    if not form.validate_on_submit():
        flash(_("Het formulier was verlopen. Probeer het opnieuw."), "error")
    else:
        try:
            perform()
            flash(success, "success")
        except ServiceError as refused:
            flash(str(refused.message), "error")
    return redirect(url_for("worklists.index"))
