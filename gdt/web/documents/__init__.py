from flask import Blueprint

bp = Blueprint("documents", __name__)

from gdt.web.documents import partials, views  # noqa: E402,F401
