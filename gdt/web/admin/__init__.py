from flask import Blueprint

bp = Blueprint("admin", __name__)

from gdt.web.admin import areas, categories, closing_days, local_mail, partners, teams, views  # noqa: E402,F401
