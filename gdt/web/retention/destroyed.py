"""The page a destroyed report or case opens on: its content-free record instead of the working page."""
from flask import render_template
from flask_babel import format_datetime
from flask_babel import gettext as _

from gdt import labels
from gdt.models import Case, Report
from gdt.services.casework import cases


def report_page(report: Report):
    facts = [
        (_("Ontvangen"), _day(report.received_at)),
        (_("Kanaal"), labels.CHANNEL_LABELS.get(report.channel)),
        (_("Categorie"), report.category.label),
        (_("Wijk en buurt"), " / ".join(code for code in (report.wijk_code, report.buurt_code) if code)),
        (_("Uitkomst"), labels.OUTCOME_LABELS.get(report.triage_outcome)),
        (_("Doorverwezen naar"), report.referred_partner.name if report.referred_partner else None),
        (_("Casus"), report.case.reference if report.case else None),
    ]
    return render_template("retention/destroyed.html", record=report, facts=facts,
                           heading=_("Melding %(reference)s", reference=report.reference))


def case_page(case: Case):
    facts = [
        (_("Ontvangen"), _day(case.received_at)),
        (_("Geopend"), _day(case.opened_at)),
        (_("Gesloten"), _day(case.closed_at)),
        (_("Werkwijze"), labels.MODE_LABELS.get(case.mode)),
        (_("Resultaat"), cases.result_labels().get(case.result, case.result)),
        (_("Meldingen"), ", ".join(report.reference for report in case.reports)),
    ]
    return render_template("retention/destroyed.html", record=case, facts=facts,
                           heading=_("Casus %(reference)s", reference=case.reference))


def _day(moment) -> str | None:
    return format_datetime(moment, "dd-MM-yyyy") if moment else None  # as the |date filter writes a moment
