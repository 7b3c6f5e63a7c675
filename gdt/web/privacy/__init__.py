"""The privacy officer's pages (/privacy): the audit trail, people, requests, the processing register."""
from flask import Blueprint

bp = Blueprint("privacy", __name__, url_prefix="/privacy")

from gdt.web.privacy import audit_trail, people, processing_register, subject_requests  # noqa: E402,F401
