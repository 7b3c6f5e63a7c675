""""Mijn sessies" (/account/sessions): the user's live sessions, ending one or all others; and the idle warning's
two endpoints: /session/status (how long the session has left, read without counting as activity) and
/session/keep-alive ("Ingelogd blijven"). The warning itself is templates/_layout/_session_warning.html with
gdt/static/session.js; the login page says when a session ended because of inactivity or its maximum length.
"""
from flask import abort, current_app, flash, jsonify, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm

from gdt.db import utcnow
from gdt.models.users import ROLES
from gdt.services.core import auth
from gdt.services.core.errors import NotFound
from gdt.services.identity import sessions as session_service
from gdt.web.access import public, role_required
from gdt.web.auth import bp
from gdt.web.forms import submit


class EndSessionForm(FlaskForm):
    """A "Beëindigen" button: only the CSRF token (the session is in the address)."""


@bp.route("/account/sessions")
@role_required(*ROLES)
def sessions():
    return _page()


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@role_required(*ROLES)
def end_session(session_id: int):
    form = EndSessionForm()
    done = submit(form, lambda: _or_404(session_service.end_own_session, current_user, session_id,
                                        current_token=current_user.login_token),
                  success=_("De sessie is beëindigd: wie die gebruikte, is uitgelogd."),
                  next_url=url_for("auth.sessions"))
    return done or _page(form)


@bp.route("/account/sessions/end-others", methods=["POST"])
@role_required(*ROLES)
def end_other_sessions():
    form = EndSessionForm()
    done = submit(form, lambda: session_service.end_other_sessions(current_user,
                                                                   current_token=current_user.login_token),
                  success=lambda ended: ngettext("%(num)d andere sessie is beëindigd.",
                                                 "%(num)d andere sessies zijn beëindigd.", ended)
                  if ended else _("Er waren geen andere sessies."),
                  next_url=url_for("auth.sessions"))
    return done or _page(form)


def _or_404(perform, *args, **kwargs):
    """Another user's session, or one already ended, is a 404 page (audited by the service), not a form error."""
    try:
        return perform(*args, **kwargs)
    except NotFound as missing:
        abort(404, description=str(missing.message))


def _page(form: EndSessionForm | None = None):
    listed = session_service.live_sessions(current_user, current_token=current_user.login_token)
    config = current_app.config
    return render_template("auth/sessions.html", sessions=listed, form=form or EndSessionForm(formdata=None),
                           login_words=login_words, end_url=lambda row: url_for("auth.end_session", session_id=row.id),
                           idle_words=minutes_words(config["SESSION_IDLE_MINUTES"]),
                           absolute_words=hours_words(config["SESSION_ABSOLUTE_HOURS"])), \
        422 if form is not None and form.errors else 200


def login_words(row) -> str:
    """How a session logged in, in words: "Wachtwoord en authenticator-app", "Organisatie-account"."""
    method = {"password": _("Wachtwoord"), "sso": _("Organisatie-account")}.get(row.login_method, _("Onbekend"))
    factor = {"totp": _("authenticator-app"), "passkey": _("passkey"), "recovery_code": _("herstelcode"),
              "provider": _("tweede factor bij de organisatie")}.get(row.second_factor)
    return _("%(method)s en %(factor)s", method=method, factor=factor) if factor else method


@bp.route("/session/status")
@public
def session_status():
    """How long this session has left; reading it does not count as activity (see gdt.web._load_user)."""
    return _timing_answer()


@bp.route("/session/keep-alive", methods=["POST"])
@public  # answers {"live": false} once the session has ended, instead of the login page
def session_keep_alive():
    if current_user.is_authenticated:
        current_user.login_session = auth.keep_alive(current_user.login_token)
    return _timing_answer()


def _timing_answer():
    timing = session_timing()
    response = jsonify({"live": timing is not None, **(timing or {})})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_context_processor
def _session_timing_for_templates() -> dict:
    return {"session_timing": session_timing,
            "session_hours_words": lambda: hours_words(current_app.config["SESSION_ABSOLUTE_HOURS"])}


def session_timing() -> dict | None:
    """Seconds until the idle end and the absolute end of the current session, and the warning's lead time; None
    without a live session. The idle end is the stored last_seen_at's, which the pages' warning keeps to."""
    live = current_user.login_session if current_user.is_authenticated else None
    if live is None:
        return None
    now = utcnow()
    idle_end, absolute_end = auth.deadlines(live, **auth.limits())
    return {"idleSeconds": max(0, round((idle_end - now).total_seconds())),
            "absoluteSeconds": max(0, round((absolute_end - now).total_seconds())),
            "warningSeconds": round(current_app.config["SESSION_IDLE_WARNING_MINUTES"] * 60)}


def explain_ended_session() -> None:
    """On the login page: when the browser's last session ended by inactivity or its maximum length, say so once."""
    token = session.get("_user_id")
    if not token or current_user.is_authenticated:
        return
    reason = auth.ended_reason(token)
    session.pop("_user_id", None)
    if reason == "idle":
        flash(_("U bent automatisch uitgelogd omdat u %(minutes)s niets hebt gedaan. Log opnieuw in om verder te "
                "gaan.", minutes=minutes_words(current_app.config["SESSION_IDLE_MINUTES"])), "info")
    elif reason == "expired":
        flash(_("U bent automatisch uitgelogd omdat u %(hours)s achter elkaar was ingelogd. Log opnieuw in om "
                "verder te gaan.", hours=hours_words(current_app.config["SESSION_ABSOLUTE_HOURS"])), "info")
    elif reason is not None and reason != "logout":
        flash(_("Uw sessie is beëindigd. Log opnieuw in om verder te gaan."), "info")


def minutes_words(minutes: float) -> str:
    if minutes < 1:
        return ngettext("%(num)d seconde", "%(num)d seconden", round(minutes * 60))
    return ngettext("%(num)d minuut", "%(num)d minuten", round(minutes))


def hours_words(hours: float) -> str:
    if hours < 1:
        return minutes_words(hours * 60)
    return ngettext("%(num)d uur", "%(num)d uur", round(hours))
