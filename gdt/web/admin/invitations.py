"""Admin: "Uitnodiging opnieuw versturen" for an account that has no password yet (README, "Accounts and passwords").

The new invitation replaces the older one (its link stops working) and leaves through the outbox.
"""
from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from gdt.services.admin import users as user_service
from gdt.services.core.errors import ServiceError
from gdt.services.identity import account_links
from gdt.web.access import role_required
from gdt.web.admin import bp


class ResendInvitationForm(FlaskForm):
    """Only the CSRF token: the button on the user's page."""


@bp.route("/admin/users/<int:user_id>/invitation", methods=["POST"])
@role_required("admin")
def resend_invitation(user_id: int):
    user = user_service.get_user(user_id)
    if ResendInvitationForm(prefix="invitation").validate_on_submit():
        try:
            account_links.resend_invitation(user, actor=current_user)
        except ServiceError as refused:
            flash(str(refused.message), "error")
        else:
            flash(_("Uitnodiging verstuurd naar %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.app_template_global()
def invitation_status(user) -> dict | None:
    """The admin's user page: None when the account needs no invitation (it has a password, or logs in through
    single sign-on), else the newest invitation that still works (or None) and the button's form."""
    if not account_links.awaits_invitation(user):
        return None
    return {"pending": account_links.pending_invitation(user),
            "form": ResendInvitationForm(prefix="invitation", formdata=None)}
