"""The one search box (/zoeken): a POST with a CSRF token, so the terms are never in a URL or a request log."""
from flask import Blueprint

bp = Blueprint("search", __name__)

from gdt.web.search import views  # noqa: E402,F401
