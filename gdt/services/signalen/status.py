"""Telling Signalen what the team did, within Signalen's workflow matrix: taken on ("b"), referred by the team
("o" with a text naming the partner that will act, or "forward to external": SIGNALEN_REFERRED_STATE), handled ("o"
once the case is closed or the partner reports it handled).

The update leaves through the outbox (written with the triage or the closing, so never lost): the handler sends the
state and the resident-facing text — the admin's standard text for the moment, as GDT's own status mails use it,
never anything about other people or the case — and records what Signalen accepted. Signalen down or slow: the
handler raises and the outbox tries again later. Signalen refusing (a 400: the signal moved on in Signalen) is
recorded on the signal with Signalen's message, for the admin (`flask signalen status`, the report page), and not
retried: the same request would be refused again.
"""
import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from gdt.db import db, utcnow
from gdt.models import OutboxMessage, Report, User
from gdt.models.signalen import SignalenSignal
from gdt.services.core import audit, outbox
from gdt.services.core.errors import NotFound
from gdt.services.core.transaction import joins_unit_of_work, unit_of_work
from gdt.services.intake.app_intake import public_status_of
from gdt.services.intake.reporter_updates import notice_text
from gdt.services.signalen.client import Client, SignalenRefused

TOPIC = "signalen.status"
CLOSED = "o"
TAKEN_ON = "b"


@joins_unit_of_work
def queue_update(report: Report, *, send_email: bool) -> OutboxMessage | None:
    """In the caller's unit of work: tell Signalen the report's public status now, if the report came from there.

    `send_email`: whether Signalen mails the resident the text. Always after a referral; after taking a report on
    and after closing a case only when the coordinator chose to tell the reporter (they may be a party to it), as
    with GDT's own status mails — Signalen's state follows either way."""
    status = public_status_of(report)
    if status == "received" or not _signal_of(report.id):
        return None
    return outbox.enqueue(TOPIC, {"report_id": report.id, "status": status, "send_email": bool(send_email)})


def refused_updates() -> list[SignalenSignal]:
    """The signals whose last update Signalen refused, newest refusal first (the deliveries page)."""
    return list(db.session.scalars(sa.select(SignalenSignal).where(SignalenSignal.refusal.is_not(None))
                                   .order_by(SignalenSignal.refused_at.desc(), SignalenSignal.id)))


def waiting_updates() -> int:
    """Updates not yet accepted by Signalen or refused: Signalen was down or slow, the outbox keeps trying."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.topic == TOPIC, OutboxMessage.processed_at.is_(None)))


def resend(signal_row_id: int, *, actor: User) -> SignalenSignal:
    """Send the report's current status again after a refusal (the admin put things right in Signalen). Signalen
    mails the resident only where it would have the first time: after a referral or a partner's answer."""
    with unit_of_work():
        signal = db.session.get(SignalenSignal, signal_row_id)
        if signal is None or signal.report is None:
            raise NotFound(_l("Deze melding uit Signalen bestaat niet."))
        signal.refusal, signal.refused_at = None, None
        queue_update(signal.report, send_email=signal.report.status != "escalated")
        audit.record(actor, "signalen_resend", "report", signal.report.reference)
    return signal


def state_for(report: Report, status: str) -> str:
    if status == "handled":
        return CLOSED
    return TAKEN_ON if report.status == "escalated" else current_app.config["SIGNALEN_REFERRED_STATE"]


def text_for(report: Report, status: str) -> str:
    """The standard text of the moment; after a referral it names the partner that will act."""
    text = notice_text(report, status)
    partner = report.referred_partner
    if status == "in_progress" and report.status != "escalated" and partner and partner.name not in text:
        text = f"{text}\n\nUw melding is doorgezet naar {partner.name}, die haar verder oppakt."
    return text


@outbox.handler(TOPIC)
def send_update(payload: dict) -> None:
    with unit_of_work():
        report = db.session.get(Report, payload["report_id"])
        signal = _signal_of(payload["report_id"])
        if report is None or signal is None or report.destroyed_at is not None:
            return
        state = state_for(report, payload["status"])
        if signal.state_sent in (state, CLOSED):
            return  # told already, or closed in Signalen: a closed signal is closed
        signal_id, text = signal.signal_id, text_for(report, payload["status"])
    try:
        Client().change_state(signal_id, state, text, send_email=payload.get("send_email", True))  # no transaction
    except SignalenRefused as refused:
        detail = refused.detail
        outbox.record(lambda: _refused(payload["report_id"], detail))
        return
    outbox.record(lambda: _accepted(payload["report_id"], state))


def _accepted(report_id: int, state: str) -> None:
    signal = _signal_of(report_id)
    signal.state_sent, signal.refusal, signal.refused_at = state, None, None
    audit.record(None, "signalen_update", "report", signal.report.reference, detail={"state": state})


def _refused(report_id: int, detail: str) -> None:
    signal = _signal_of(report_id)
    signal.refusal, signal.refused_at = detail[:500], utcnow()
    audit.record(None, "signalen_update", "report", signal.report.reference, outcome="error",
                 detail={"refused": True})


def _signal_of(report_id: int) -> SignalenSignal | None:
    return db.session.scalar(sa.select(SignalenSignal).where(SignalenSignal.report_id == report_id))
