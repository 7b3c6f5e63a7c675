"""Questions to the resident and the satisfaction survey: the coordinator's side (asking, withdrawing, the sections
on the report and case pages) and the resident's side under their own link (answering, the survey)."""
from flask import Blueprint

bp = Blueprint("resident_contact", __name__)

from gdt.web.resident_contact import partials, resident, staff  # noqa: E402,F401
