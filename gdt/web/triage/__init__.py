from flask import Blueprint

bp = Blueprint("triage", __name__)

from gdt.web.triage import views  # noqa: E402,F401
