from flask import Blueprint

bp = Blueprint("statistics", __name__)

from gdt.web.statistics import views  # noqa: E402,F401
