from flask import Blueprint

bp = Blueprint("cases", __name__)

from gdt.web.cases import views, workspace  # noqa: E402,F401
