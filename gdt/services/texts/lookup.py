"""Which standard texts suit a moment and a report, and the values their placeholders get from a report."""
import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from gdt.db import AMSTERDAM, db
from gdt.models import Case, Partner, Report
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


def offered(moment: str, *, report: Report | None = None, case: Case | None = None) -> list[tuple[StandardText, str]]:
    """The texts a member of staff may pick when writing about `report` (or `case`), each with its body filled as
    far as the values are known: a case gives its own kenmerk and its first report's other values. Staff see the
    report or case they write about, so every placeholder is filled, {partner} with the partner it was referred to.
    """
    if report is None and case is not None and case.reports:
        report = case.reports[0]
    fields = fields_for(report, partner=report.referred_partner) if report is not None else {}
    if case is not None:
        fields["kenmerk"] = case.reference
    return [(text, placeholders.fill(text.body, fields))
            for text in choices(moment, report.category_id if report is not None else None)]


def _working_days(days: int) -> str:
    return f"{days} werkdag" if days == 1 else f"{days} werkdagen"
