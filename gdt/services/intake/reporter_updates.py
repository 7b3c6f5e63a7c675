"""Status notices to the reporter (received → in progress → handled), only with their consent.

Like the receipt, a notice names the reference and the public status and nothing else: never the
partner, the case, or what was decided. For a GDT case the reporter may be a party to the conflict,
so no notice goes out on escalation or case closure unless the coordinator chooses to send one.

The notice's text is the admin's standard text (gdt/services/texts) for its moment: "referred" for in progress
after a referral, "taken_on" for in progress after an escalation, "closed" for handled. The one exception to "never
the partner": a "referred" text in which the admin put {partner} names the partner the report went to, a choice
the admin makes knowingly (the placeholder list says so); no other text can hold {partner} or {categorie}.
"""
from flask import current_app

from gdt.db import db
from gdt.models import OutboxMessage, Report
from gdt.services.core import outbox, resident_links
from gdt.services.core.transaction import joins_unit_of_work, unit_of_work
from gdt.services.intake.app_intake import public_status_of
from gdt.services.intake.receipts import mail_reporter, may_receive_receipt
from gdt.services.texts import lookup, placeholders

TOPIC = "report.status_notice"
SUBJECT = "Uw melding {reference}: {status}"
STATUS_LABELS = {"in_progress": "in behandeling", "handled": "afgehandeld"}
BODY = """\
Geachte heer/mevrouw,

{text}

Kenmerk: {reference}
Status: {status}

Op uw eigen pagina ziet u hoe het met uw melding staat (de link werkt {days} dagen):
{page_url}

Heeft u een vraag over uw melding? Bel 14 040 en noem uw kenmerk.
Is er direct gevaar? Bel 112.

Dit bericht is automatisch verstuurd. U kunt er niet op antwoorden.

Met vriendelijke groet,

De-escalatieteam van de gemeente
"""


@joins_unit_of_work
def queue_status_notice(report: Report) -> OutboxMessage | None:
    """Queue a notice of the report's current public status in the caller's unit of work (if it may get one)."""
    status = public_status_of(report)
    if status not in STATUS_LABELS or not may_receive_receipt(report):
        return None
    return outbox.enqueue(TOPIC, {"report_id": report.id, "status": status})


@outbox.handler(TOPIC)
def send_status_notice(payload: dict) -> None:
    status = payload["status"]
    with unit_of_work():
        report = db.session.get(Report, payload["report_id"])
        if report is None or not may_receive_receipt(report) or report.reporter_notified_status == status:
            return  # consent withdrawn, data removed, or this status was already told
        address, reference = report.reporter_email, report.reference
        text, page_url = notice_text(report, status), resident_links.page_url(report)
    label = STATUS_LABELS[status]
    if mail_reporter(address, SUBJECT.format(reference=reference, status=label),  # outside any transaction
                     BODY.format(text=text, reference=reference, status=label, page_url=page_url,
                                 days=current_app.config["RESIDENT_LINK_DAYS"]),
                     what="status notice", report_id=payload["report_id"]):
        outbox.record(lambda: setattr(db.session.get(Report, payload["report_id"]), "reporter_notified_status",
                                      status))


def notice_text(report: Report, status: str) -> str:
    """The standard text for this notice, filled for `report` without its category (and its partner only for
    a "referred" text that asks for it); Signalen's status texts are the same (gdt.services.signalen.status)."""
    if status == "handled":
        moment = "closed"
    else:
        moment = "taken_on" if report.status == "escalated" else "referred"
    partner = report.referred_partner if moment == "referred" else None
    return placeholders.fill(lookup.body_for(moment, report.category_id),
                             lookup.fields_for(report, partner=partner, with_category=False))
