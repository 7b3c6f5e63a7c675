"""Which standard texts suit a moment and a report, and the values their placeholders get from a report."""
import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from gdt.db import AMSTERDAM, db
from gdt.models import Partner, Report
from gdt.models.standard_texts import StandardText
from gdt.services.core import deadlines
from gdt.services.texts import placeholders
from gdt.services.texts.defaults import DEFAULT_BODIES

MOMENT_LABELS = {
    "receipt": _l("Ontvangst van de melding"),
    "referred": _l("Doorgezet naar een ketenpartner"),
    "taken_on": _l("Opgepakt door het team"),
    "question": _l("Vraag aan de melder"),
    "closed": _l("Afgehandeld"),
    "partner": _l("Vraag of advies aan een ketenpartner"),
}


def choices(moment: str, category_id: int | None) -> list[StandardText]:
    """The active texts for `moment` that suit a report of `category_id`: the category's own first, then the general
    ones (for every category), each group by title."""
    suits = StandardText.category_id.is_(None)
    if category_id is not None:
        suits = sa.or_(suits, StandardText.category_id == category_id)
    return list(db.session.scalars(
        sa.select(StandardText).where(StandardText.moment == moment, StandardText.is_active, suits)
        .order_by(StandardText.category_id.is_(None), StandardText.title, StandardText.id)))


def body_for(moment: str, category_id: int | None) -> str:
    """The text an automatic mail uses: the first of `choices`, else the built-in default."""
    found = choices(moment, category_id)
    return found[0].body if found else DEFAULT_BODIES[moment]


def fields_for(report: Report, *, partner: Partner | None = None, with_category: bool = True) -> dict[str, str]:
    """The placeholder values for `report`. {partner} only when `partner` is given; {categorie} only
    `with_category` (the automatic mails leave it out, see placeholders.PLACEHOLDERS)."""
    fields = {
        "kenmerk": report.reference,
        "datum_ontvangen": report.received_at.astimezone(AMSTERDAM).strftime("%d-%m-%Y"),
        "gemeente": current_app.config["MUNICIPALITY_NAME"],
        "termijn": _working_days(deadlines.triage_working_days(report.category)),
    }
    if with_category and report.category is not None:
        fields["categorie"] = report.category.label
    if partner is not None:
        fields["partner"] = partner.name
    return fields


def filled(text: StandardText, report: Report | None, *, partner: Partner | None = None) -> str:
    """`text` filled for `report` (staff writing: every value they may see); without a report, as written."""
    return placeholders.fill(text.body, fields_for(report, partner=partner) if report is not None else {})


def _working_days(days: int) -> str:
    return f"{days} werkdag" if days == 1 else f"{days} werkdagen"
