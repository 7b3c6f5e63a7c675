from flask import Blueprint

bp = Blueprint("indicators", __name__)

from gdt.web.indicators import views  # noqa: E402,F401
