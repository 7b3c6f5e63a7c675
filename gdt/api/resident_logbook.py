"""The staff API for the resident's logbook: GET /reports/{reference}/logbook.

Personal bearer tokens of coordinators, with the pages' rule (gdt.services.resident.logbook.may_read): the report is
loaded through the audited `report_triage.view_report`, and reading entries is audited as on the report page. The
files are linked to the pages' access-checked, audited attachment routes (a logged-in session opens them).
"""
import marshmallow as ma
from flask import url_for
from marshmallow import fields

from gdt.api import blueprint, docs
from gdt.api.auth import api_user, staff
from gdt.api.docs import API_VERSION_HEADER
from gdt.api.staff import COORDINATORS, PRIVATE
from gdt.api.staff_schemas import PROBLEM_DESCRIPTIONS, LocalDateTime
from gdt.services.resident import logbook
from gdt.services.triage import report_triage

blp = blueprint("resident_logbook", "Het logboek dat de melder bijhoudt op ‘Mijn melding’, voor de regisseur "
                                    "(persoonlijk token).")

HEADERS = {"API-Version": API_VERSION_HEADER}
PROBLEMS = PROBLEM_DESCRIPTIONS | {404: "Deze melding bestaat niet."}


class LogFileSchema(ma.Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": ["photo", "audio"]})
    content_type = fields.String()
    size_bytes = fields.Integer()
    url = fields.Function(lambda attachment: url_for("attachments.download", reference=attachment.report.reference,
                                                     attachment_id=attachment.id),
                          metadata={"type": "string", "description": "Download in GDT (ingelogd; in de auditlog)."})
    thumbnail_url = fields.Function(
        lambda attachment: url_for("attachments.thumbnail", reference=attachment.report.reference,
                                   attachment_id=attachment.id) if attachment.kind == "photo" else None,
        metadata={"type": "string", "nullable": True, "description": "Miniatuur van een foto; null bij geluid."})


class LogEntrySchema(ma.Schema):
    id = fields.Integer()
    happened_on = fields.Date(metadata={"description": "De dag waarop het gebeurde."})
    happened_at = fields.Function(lambda entry: entry.happened_at.strftime("%H:%M") if entry.happened_at else None,
                                  metadata={"type": "string", "nullable": True, "example": "21:30",
                                            "description": "Hoe laat het begon (uu:mm), als de melder het gaf."})
    duration_minutes = fields.Integer(allow_none=True, metadata={"description": "Hoe lang het duurde, in minuten."})
    text = fields.String(metadata={"description": "Wat er gebeurde, zoals de melder het schreef."})
    created_at = LocalDateTime()
    files = fields.List(fields.Nested(LogFileSchema), attribute="attachments")


@blp.route("/reports/<reference>/logbook")
@staff(*COORDINATORS)
@blp.response(200, LogEntrySchema(many=True), headers=HEADERS)
@docs.problems(blp, PROBLEMS, 401, 403, 404)
@blp.doc(summary="Logboek van de melder", description="De aantekeningen van de melder, laatste dag eerst, met hun "
         "foto's en geluidsopnamen; elke inzage staat in de auditlog.")
def list_entries(reference: str):
    user = api_user()
    return logbook.read_for_staff(user, report_triage.view_report(reference, actor=user)), PRIVATE
