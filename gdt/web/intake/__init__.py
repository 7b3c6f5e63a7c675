from flask import Blueprint

bp = Blueprint("intake", __name__)

from gdt.web.intake import corrections, views  # noqa: E402,F401
