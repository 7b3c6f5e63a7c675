from flask import Blueprint

bp = Blueprint("exports", __name__)

from gdt.web.exports import views  # noqa: E402,F401
