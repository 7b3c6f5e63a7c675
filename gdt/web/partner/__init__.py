from flask import Blueprint

bp = Blueprint("partner", __name__)

from gdt.web.partner import cases, views  # noqa: E402,F401
