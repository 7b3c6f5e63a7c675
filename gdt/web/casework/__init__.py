from flask import Blueprint

bp = Blueprint("casework", __name__)

from gdt.web.casework import views  # noqa: E402,F401
