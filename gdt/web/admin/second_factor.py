"""Admin: resetting a user's second factor when the phone and the recovery codes are gone (README, "Second factor").

A confirmation page first; the reset removes the app, the recovery codes and the passkeys, ends every session of
the user and mails them (through the outbox, so a mail server that is down loses nothing).
"""
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from gdt.services.admin import users as user_service
from gdt.services.identity import second_factor
from gdt.web.access import role_required
from gdt.web.admin import bp
from gdt.web.forms import form_page, submit


class ResetSecondFactorForm(FlaskForm):
    """Only the CSRF token: the page itself is the confirmation."""


@bp.route("/admin/users/<int:user_id>/second-factor/reset", methods=["GET", "POST"])
@role_required("admin")
def reset_second_factor(user_id: int):
    user = user_service.get_user(user_id)
    form = ResetSecondFactorForm()
    done = submit(form, lambda: second_factor.reset_second_factor(user, actor=current_user),
                  success=_("De tweede factor van %(name)s is teruggezet; de medewerker is uitgelogd en krijgt een "
                            "e-mail.", name=user.name),
                  next_url=url_for("admin.edit_user", user_id=user.id))
    return done or form_page("admin/reset_second_factor.html", form=form, user=user,
                             status=second_factor.status(user))


@bp.app_template_global()
def second_factor_status(user) -> second_factor.Status:
    """The admin's user page: what the user has as second factor (never the secrets themselves)."""
    return second_factor.status(user)
