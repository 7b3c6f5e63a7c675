"""Mijn melding: the resident's own page behind their signed link (gdt/services/core/resident_links.py)."""
from flask import Blueprint

bp = Blueprint("resident", __name__)

from gdt.web.resident import partials, views  # noqa: E402,F401
