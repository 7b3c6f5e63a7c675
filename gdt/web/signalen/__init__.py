"""Signalen on the report page: the signal a report came from (templates/signalen/_report_signal.html). No pages
of its own: the connector is run by `flask signalen` and the scheduler (README, "Signalen")."""
import sqlalchemy as sa
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models.signalen import SignalenSignal

bp = Blueprint("signalen", __name__)


@bp.app_template_global()
def report_signal(report) -> SignalenSignal | None:
    """The Signalen signal `report` came from, or None."""
    return db.session.scalar(sa.select(SignalenSignal).where(SignalenSignal.report_id == report.id))


# Signalen's state names, as its own screens show them (only the ones GDT sends).
STATE_LABELS = {"b": _l("In behandeling"), "o": _l("Afgehandeld"), "forward to external": _l("Doorgezet naar extern")}


@bp.app_template_global()
def signalen_state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))
