"""The municipality's look, from configuration: its name, its logo and an NL Design System theme (README, "Look and
feel"). The theme's files and the logo are served from their configured place at /theme/."""
from flask import Blueprint

bp = Blueprint("theme", __name__)

from gdt.web.theme import views  # noqa: E402,F401
