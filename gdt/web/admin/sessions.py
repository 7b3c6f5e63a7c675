"""Admin: a user's live sessions on the user's page, and "Alle sessies beëindigen" after a confirmation page
(gdt.services.identity.sessions.end_all_sessions_of, audited)."""
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from gdt.services.admin import users as user_service
from gdt.services.identity import sessions as session_service
from gdt.web.access import role_required
from gdt.web.admin import bp
from gdt.web.auth.sessions import login_words
from gdt.web.forms import form_page, submit


class EndAllSessionsForm(FlaskForm):
    """The confirmation button: only the CSRF token (the user is in the address)."""


@bp.app_context_processor
def _sessions_for_templates() -> dict:
    return {"user_sessions": session_service.live_sessions, "session_login_words": login_words}


@bp.route("/admin/users/<int:user_id>/sessions/end", methods=["GET", "POST"])
@role_required("admin")
def end_user_sessions(user_id: int):
    user = user_service.get_user(user_id)
    form = EndAllSessionsForm()
    done = submit(form, lambda: session_service.end_all_sessions_of(user, actor=current_user),
                  success=lambda ended: _("Alle sessies van %(name)s zijn beëindigd (%(count)d).", name=user.name,
                                          count=ended),
                  next_url=url_for("admin.edit_user", user_id=user.id))
    if done:
        return done
    return form_page("admin/end_user_sessions.html", form=form, user=user,
                     sessions=session_service.live_sessions(user), login_words=login_words)
