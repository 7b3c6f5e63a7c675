"""The receipt mail (ontvangstbevestiging) a reporter gets once the report is safely stored.

It says only what the reporter needs: that we have the report, its reference, its public status
and what happens next. Never the description, the address, a partner or a case: mail leaves our
control, and an inbox someone else reads must not reveal what was reported or about whom. No
name either: the e-mail address is enough to reach the reporter.

"Wat gebeurt er nu?" is the admin's standard text for the moment "receipt" (the category's own, else the general
one, else the built-in default; gdt/services/texts). Its placeholders never include the category or a partner
(gdt/services/texts/placeholders.py), so the same rule holds for whatever the admin writes.
"""
import logging
import smtplib

import sqlalchemy as sa
from flask import current_app

from gdt.db import db
from gdt.models import OutboxMessage, Report
from gdt.models.signalen import SignalenSignal
from gdt.services.core import mail, outbox, resident_links
from gdt.services.core.transaction import joins_unit_of_work, unit_of_work
from gdt.services.texts import lookup, placeholders

log = logging.getLogger(__name__)

TOPIC = "report.received"
SUBJECT = "Ontvangstbevestiging van uw melding {reference}"
BODY = """\
Geachte heer/mevrouw,

Wij hebben uw melding ontvangen.

Kenmerk: {reference}
Status: ontvangen

Wat gebeurt er nu?
{next_steps}

Op uw eigen pagina ziet u hoe het met uw melding staat (de link werkt {days} dagen):
{page_url}

Heeft u een vraag over uw melding? Bel 14 040 en noem uw kenmerk.
Is er direct gevaar? Bel 112.

Dit bericht is automatisch verstuurd. U kunt er niet op antwoorden.

Met vriendelijke groet,

De-escalatieteam van de gemeente
"""


@joins_unit_of_work
def queue_receipt(report: Report) -> OutboxMessage | None:
    """Queue the receipt inside the intake's unit of work; it is sent only if that unit of work commits.

    Queued only for a reporter who can receive one now (consent may be withdrawn later, never given to a receipt
    after the fact): no outbox row and no work for the worker otherwise. The handler decides again at sending
    time, against the data as it is then.
    """
    if not (report.reporter_email and report.reporter_may_contact and not report.reporter_is_anonymous):
        return None
    if report.id is None:
        db.session.flush()  # the payload carries the id
    return outbox.enqueue(TOPIC, {"report_id": report.id})


def may_receive_receipt(report: Report) -> bool:
    """Only a reporter who left an e-mail address and agreed to be contacted, and not one who reported through
    Signalen: Signalen mails them itself, with the texts GDT sends it (gdt.services.signalen.status)."""
    return (bool(report.reporter_email) and report.reporter_may_contact and not report.reporter_is_anonymous
            and not from_signalen(report))


def from_signalen(report: Report) -> bool:
    return db.session.scalar(sa.select(SignalenSignal.id).where(SignalenSignal.report_id == report.id)) is not None


@outbox.handler(TOPIC)
def send_receipt(payload: dict) -> None:
    with unit_of_work():
        report = db.session.get(Report, payload["report_id"])
        if report is None or not may_receive_receipt(report) or report.reporter_notified_status == "received":
            return  # consent withdrawn, data removed, or the receipt went (its message's own record did not)
        address, reference, page_url = report.reporter_email, report.reference, resident_links.page_url(report)
        next_steps = placeholders.fill(lookup.body_for("receipt", report.category_id),
                                       lookup.fields_for(report, with_category=False))
    # outside any transaction: no database lock waits for the mail server
    if mail_reporter(address, SUBJECT.format(reference=reference),
                     BODY.format(reference=reference, next_steps=next_steps, page_url=page_url,
                                 days=current_app.config["RESIDENT_LINK_DAYS"]),
                     what="receipt", report_id=payload["report_id"]):
        outbox.record(lambda: _mark_told(payload["report_id"]))  # kept trying while the database restarts


def mail_reporter(address: str, subject: str, body: str, *, what: str, report_id: int) -> bool:
    """Mail the reporter; False when the address is refused for good, so the message counts as done.

    A permanent refusal (5xx from the server, or an address that is not exactly one, refused before sending)
    will not change on a retry; a temporary one (4xx) raises, and the message is tried again later.
    """
    try:
        mail.send_mail(address, subject, body)
    except smtplib.SMTPRecipientsRefused as refused:
        if any(code < 500 for code, _ in refused.recipients.values()):
            raise
        log.warning("%s for report %s: the address was refused permanently", what, report_id)
        return False
    return True


def _mark_told(report_id: int) -> None:
    report = db.session.get(Report, report_id)
    if report is not None and report.reporter_notified_status is None:  # a later notice may have gone first
        report.reporter_notified_status = "received"
