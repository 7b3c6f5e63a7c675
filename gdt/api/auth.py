"""Who is calling the API: a staff member (personal bearer token, or the pages' session with CSRF on
writes) or an API client (the app, a partner's system). Every view declares which, like the pages."""
from functools import wraps

from flask import abort, g, request
from flask_login import current_user

from gdt.extensions import csrf
from gdt.models import ApiClient, User
from gdt.services.core import tokens

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
NOT_AUTHENTICATED = "Stuur een geldig bearer-token mee (Authorization: Bearer …) of log in."
NOT_ALLOWED = "Uw rol of kanaal geeft geen toegang tot deze bewerking."


def bearer_principal() -> User | ApiClient | None:
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    return tokens.authenticate(raw.strip()) if scheme.lower() == "bearer" else None


def staff(*roles: str):
    """A staff member whose role is in `roles`; available as `api_user()` in the view."""
    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            user = bearer_principal()
            by_session = user is None and current_user.is_authenticated
            if by_session:
                user = current_user._get_current_object()
            if not isinstance(user, User):
                abort(401, description=NOT_AUTHENTICATED)
            if user.role not in roles:
                abort(403, description=NOT_ALLOWED)
            if by_session and request.method not in SAFE_METHODS:
                csrf.protect()  # a cookie alone must never authorise a write
            g.api_user = user
            return view(*args, **kwargs)

        checked.required_roles = roles
        return checked

    return decorate


def client(*channels: str):
    """An active API client of one of `channels`; available as `api_client()` in the view."""
    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            caller = bearer_principal()
            if not isinstance(caller, ApiClient):
                abort(401, description=NOT_AUTHENTICATED)
            if caller.channel not in channels:
                abort(403, description=NOT_ALLOWED)
            g.api_client = caller
            return view(*args, **kwargs)

        checked.required_roles = tuple(f"client:{channel}" for channel in channels)
        return checked

    return decorate


def api_user() -> User:
    return g.api_user


def api_client() -> ApiClient:
    return g.api_client
