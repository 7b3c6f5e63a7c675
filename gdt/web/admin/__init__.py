from flask import Blueprint

bp = Blueprint("admin", __name__)

from gdt.web.admin import (  # noqa: E402,F401
    areas,
    categories,
    closing_days,
    local_mail,
    partners,
    second_factor,
    teams,
    views,
)
