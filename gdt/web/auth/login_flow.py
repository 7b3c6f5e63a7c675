"""The steps of a login on the pages: the first step (a password, or the identity provider) hands over to
`finish_login`, or to the second factor first.

A password account with a second factor, or any password account while MFA_REQUIRED is on, is not logged in by
its password alone: `begin_second_factor` keeps the user as *pending* in the signed session cookie (for
PENDING_MINUTES, no session token yet), and the second-factor pages (`auth.second_factor` to verify one,
`auth.mfa_setup` to enrol the first) call `finish_login` once it is proved.
"""
import time

from flask import redirect, request, session, url_for
from flask_login import login_user

from gdt.db import db
from gdt.models import User
from gdt.services.core import auth
from gdt.services.identity import second_factor

PENDING_KEY = "pending_login"
PENDING_MINUTES = 10


def finish_login(user: User, *, login_method: str, second_factor: str | None = None, next_url: str | None = None,
                 oidc_sid: str | None = None, oidc_id_token: str | None = None):
    """Start the server-side session and go where the user was heading."""
    session.clear()  # no session fixation: nothing from before the login survives
    user.login_token = auth.start_session(
        user, login_method=login_method, second_factor=second_factor, user_agent=request.user_agent.string,
        ip_address=request.remote_addr, oidc_sid=oidc_sid, oidc_id_token=oidc_id_token,
    )
    login_user(user)
    return redirect(safe_next(next_url))


def begin_second_factor(user: User, next_url: str | None):
    """The password was right: remember the user as pending and ask for (or enrol) the second factor."""
    session.clear()
    session[PENDING_KEY] = {"user_id": user.id, "at": int(time.time()), "next": safe_next(next_url)}
    return redirect(url_for("auth.second_factor" if second_factor.has_second_factor(user) else "auth.mfa_setup"))


def pending_user() -> User | None:
    """The user whose password was right within PENDING_MINUTES and who may still sign in, else None."""
    pending = session.get(PENDING_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_MINUTES * 60:
        return None
    user = db.session.get(User, pending.get("user_id"))
    return user if user is not None and user.may_sign_in else None


def pending_next() -> str:
    return (session.get(PENDING_KEY) or {}).get("next") or url_for("home.index")


def safe_next(target: str | None) -> str:
    """Only same-site paths: '//evil.example', backslashes and schemes fall back to the start page."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and all(ord(char) > 31 for char in target):
        return target
    return url_for("home.index")
