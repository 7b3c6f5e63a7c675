from flask import Blueprint

bp = Blueprint("admin", __name__)

from gdt.web.admin import views  # noqa: E402,F401
