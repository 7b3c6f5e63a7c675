from flask import Blueprint

bp = Blueprint("letters", __name__)

from gdt.web.letters import partials, views  # noqa: E402,F401
