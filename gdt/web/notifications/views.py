"""Meldingen voor mij (/voor-mij): what a coordinator was told, newest first; reading them; how to be told."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from gdt.models import Case
from gdt.services.core import pagination
from gdt.services.notifications import choices, inbox
from gdt.services.notifications.notify import RECEIVING_ROLES
from gdt.web.access import role_required
from gdt.web.forms import form_page, submit
from gdt.web.notifications import bp
from gdt.web.notifications.forms import ChoicesForm, ReadForm


@bp.app_context_processor
def _for_every_page():
    """For the header's count (notifications/_header.html) and the start page (notifications/_start.html)."""
    def notifications_unread() -> int | None:
        receives = current_user.is_authenticated and current_user.role in RECEIVING_ROLES
        return inbox.unread_count(current_user) if receives else None

    def notifications_newest() -> list:
        return [_row(item) for item in inbox.newest_unread(current_user)] if current_user.is_authenticated else []
    return {"notifications_unread": notifications_unread, "notifications_newest": notifications_newest}


@bp.route("/voor-mij")
@role_required(*RECEIVING_ROLES)
def index():
    page = pagination.page_of(inbox.list_for(current_user), request.args, per_page=current_app.config["PER_PAGE"])
    return render_template("notifications/index.html", page=page, rows=[_row(item) for item in page.items],
                           unread=inbox.unread_count(current_user), form=ReadForm())


@bp.route("/voor-mij/<int:notification_id>")
@role_required(*RECEIVING_ROLES)
def open_one(notification_id: int):
    """The mail's link: marked read, then on to the case or report if the user may still open it."""
    notification = inbox.open_notification(notification_id, actor=current_user)
    target = inbox.target(notification, current_user)
    if target is None:
        flash(_("U kunt dit niet (meer) openen: %(what)s", what=inbox.sentence(notification)), "error")
        return redirect(url_for(".index"))
    return redirect(_url(target))


@bp.route("/voor-mij/<int:notification_id>/gelezen", methods=["POST"])
@role_required(*RECEIVING_ROLES)
def mark_read(notification_id: int):
    return _read(lambda: inbox.mark_read(notification_id, actor=current_user), success=None)


@bp.route("/voor-mij/alles-gelezen", methods=["POST"])
@role_required(*RECEIVING_ROLES)
def mark_all_read():
    return _read(lambda: inbox.mark_all_read(actor=current_user), success=_("Alles is als gelezen gemarkeerd."))


@bp.route("/voor-mij/instellingen", methods=["GET", "POST"])
@role_required(*RECEIVING_ROLES)
def settings():
    form = ChoicesForm(data=choices.preferences(current_user))
    done = submit(form, lambda: choices.save_preferences({kind: form[kind].data for kind in choices.DEFAULTS},
                                                         actor=current_user),
                  success=_("Uw keuzes zijn bewaard."), next_url=url_for(".settings"))
    return done or form_page("notifications/settings.html", form=form)


def _read(perform, *, success):
    """A "gelezen" button: back to the same page of the list; a refusal or an expired form is said there."""
    form = ReadForm()
    back = url_for(".index", page=request.args.get("page"))
    done = submit(form, perform, success=success, next_url=back)
    if done is None:
        flash(str(form.form_errors[0]) if form.form_errors else _("Het formulier was verlopen. Probeer het opnieuw."),
              "error")
        return redirect(back)
    return done


def _row(notification) -> dict:
    target = inbox.target(notification, current_user)
    return {"id": notification.id, "sentence": inbox.sentence(notification), "created_at": notification.created_at,
            "unread": notification.read_at is None, "url": _url(target) if target is not None else None}


def _url(target) -> str:
    if isinstance(target, Case):
        return url_for("cases.show", reference=target.reference)
    return url_for("triage.show", reference=target.reference)
