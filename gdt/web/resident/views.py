"""The resident's page: their report's kenmerk, category, date and status in words, and the questions and survey
for them (gdt.web.resident_contact). Nothing about the address, the person complained about, partners, the case
or decisions: the link may be forwarded, and the report may be about a neighbour."""
from flask import render_template

from gdt.services.core import audit, resident_links
from gdt.services.intake.app_intake import public_status_of
from gdt.web.access import public
from gdt.web.resident import bp
from gdt.web.responses import private


@bp.route("/mijn-melding/<token>")
@public
def page(token: str):
    try:
        report = resident_links.read_link_token(token)
    except resident_links.LinkExpired:
        return private(render_template("resident/link_refused.html", expired=True)), 410
    if report is None:
        return private(render_template("resident/link_refused.html", expired=False)), 404
    audit.record_now(None, "view_resident_page", "report", report.reference)
    return private(render_template("resident/page.html", report=report, token=token,
                                   status=public_status_of(report)))
