"""People across cases (/personen): the person page, changing a person, linking parties and reports, duplicates,
and "eerder in beeld" for the phone intake and the triage page."""
from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/personen")

from gdt.web.people import partials, views  # noqa: E402,F401
