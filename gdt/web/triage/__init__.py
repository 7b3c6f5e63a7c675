from flask import Blueprint
from flask_babel import format_datetime

bp = Blueprint("triage", __name__)


@bp.app_template_filter("time")
def local_time(value) -> str:
    """A moment as hh:mm in Amsterdam time ("Opgepakt door … (sinds 10:05)")."""
    return format_datetime(value, "HH:mm") if value else ""


from gdt.web.triage import views  # noqa: E402,F401
