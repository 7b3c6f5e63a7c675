from flask import Blueprint

bp = Blueprint("worklists", __name__)

from gdt.web.worklists import views  # noqa: E402,F401
