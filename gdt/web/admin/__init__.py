from flask import Blueprint

bp = Blueprint("admin", __name__)

from gdt.web.admin import categories, local_mail, teams, views  # noqa: E402,F401
