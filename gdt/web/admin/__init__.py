from flask import Blueprint

bp = Blueprint("admin", __name__)

from gdt.web.admin import (  # noqa: E402,F401
    api_access,
    areas,
    categories,
    closing_days,
    interventions,
    invitations,
    letters,
    local_mail,
    partners,
    second_factor,
    sessions,
    subscriptions,
    teams,
    texts,
    views,
)
