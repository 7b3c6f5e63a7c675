"""The archivist's pages (/archief): retention rules, legal holds and destruction lists."""
from flask import Blueprint

bp = Blueprint("retention", __name__, url_prefix="/archief")

from gdt.web.retention import destruction_lists, rules  # noqa: E402,F401
