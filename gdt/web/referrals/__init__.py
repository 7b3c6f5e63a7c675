from flask import Blueprint

bp = Blueprint("referrals", __name__)

from gdt.web.referrals import views  # noqa: E402,F401
