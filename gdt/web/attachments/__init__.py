from flask import Blueprint

bp = Blueprint("attachments", __name__)

from gdt.web.attachments import views  # noqa: E402,F401
