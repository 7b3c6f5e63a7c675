"""Who may use which route: every view declares its roles, or that it is deliberately public."""
from functools import wraps

from flask import abort
from flask_login import current_user


def role_required(*roles: str):
    def decorate(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if not current_user.is_authenticated:
                abort(401)
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        checked.required_roles = roles
        return checked

    return decorate


def public(view):
    """Mark a view as deliberately open to everyone (login, health)."""
    view.required_roles = ()
    return view
