"""Referrals (doorverwijzingen): a report or case handed to a partner and delivered through the outbox.

The referral row is the truth about delivery. An attempt runs as an outbox message; a failure is
recorded on the row with the next attempt time (1, 2, 4 … minutes), and the retry sweep queues due
rows again, so backoff survives a Redis outage, a worker restart and the in-process default alike.
After DELIVERY_MAX_ATTEMPTS the referral shows as failed until someone retries it by hand.
"""
import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from gdt.db import db, utcnow
from gdt.models import Case, Partner, Referral, Report, User
from gdt.models.referrals import QUESTION_MAX
from gdt.services.core import access, audit, deadlines, outbox, reference_data
from gdt.services.core.errors import Conflict, Forbidden, ServiceError
from gdt.services.core.lifecycle import record_case_event, record_report_event, transition_case
from gdt.services.core.transaction import check_version, joins_unit_of_work, unit_of_work
from gdt.services.referrals import delivery
from gdt.validation import InvalidValue, clean_text
from workflows import ReferralLifecycle

log = logging.getLogger(__name__)

TOPIC = "referral.deliver"
MESSAGE_MAX = 4000


@joins_unit_of_work
def create(partner: Partner, *, actor: User | None, report: Report | None = None, case: Case | None = None,
           message: str | None = None, question: str | None = None) -> Referral:
    """A referral for `report` or `case`, queued for delivery inside the caller's unit of work.

    `question` is what the team asks of the partner, already cleaned (`clean_question`).
    """
    referral = Referral(partner=partner, report=report, case=case, message=message, question=question,
                        created_by_id=actor.id if actor else None, delivery_method=partner.delivery_method,
                        delivery_status="pending", delivery_attempts=0,
                        shared_reports=[report] if report is not None else list(case.reports))  # fixed from now on
    ReferralLifecycle(referral, state_field="status")  # sets the initial state
    db.session.add(referral)
    db.session.flush()
    outbox.enqueue(TOPIC, {"referral_id": referral.id})
    return referral


def clean_question(question: str | None) -> str | None:
    """The team's question for the partner: plain text, at most QUESTION_MAX characters; empty is no question."""
    try:
        return clean_text(question, max_length=QUESTION_MAX)
    except InvalidValue as invalid:
        raise ServiceError(invalid.message, field="question") from invalid


def refer_case(case: Case, partner_key: str | None, message: str | None, *, actor: User,
               seen_version: int | None, question: str | None = None) -> Referral:
    """Hand advice on a case to a partner (mode advice): it gets the case reference and a link to the advice and
    the team's question."""
    try:
        clean_message = clean_text(message, max_length=MESSAGE_MAX)
    except InvalidValue as invalid:
        raise ServiceError(invalid.message, field="message") from invalid
    clean_ask = clean_question(question)
    with unit_of_work():
        if not access.can_view_case(actor, case) or not access.can_triage(actor):
            raise Forbidden(_l("U heeft geen toegang tot deze casus."))
        check_version(case, seen_version)
        partner = reference_data.partner_by_key(partner_key)
        transition_case(case, "refer", actor, partner=partner, detail={"partner": partner_key})
        referral = create(partner, actor=actor, case=case, message=clean_message, question=clean_ask)
        case.updated_at = utcnow()
        audit.record(actor, "refer", "case", case.reference, detail={"partner": partner_key})
    return referral


@outbox.handler(TOPIC)
def deliver(payload: dict) -> None:
    """One delivery attempt. Never raises for a partner that is down: the row records it and the sweep retries.

    The mail or POST goes out between two short transactions, so no database lock waits for the network.
    """
    referral_id = payload["referral_id"]
    with unit_of_work():
        referral = db.session.get(Referral, referral_id)
        if referral is None or referral.delivery_status != "pending":
            return  # delivered (a duplicate message), failed for good, or gone
        due = referral.acknowledge_due_at or deadlines.acknowledge_due(utcnow())  # the clock starts at delivery
        try:
            parcel, failure = delivery.prepare(referral, due), None
        except delivery.DeliveryFailed as unreachable:
            parcel, failure = None, unreachable
    if parcel is not None:
        try:
            delivery.send(parcel)
        except delivery.DeliveryFailed as failed:
            failure = failed
    outbox.record(lambda: _record_attempt(referral_id, failure, due))  # kept trying while the database restarts


@joins_unit_of_work
def _record_attempt(referral_id: int, failure: delivery.DeliveryFailed | None, due: datetime) -> None:
    referral = db.session.get(Referral, referral_id, with_for_update=True, populate_existing=True)
    if referral.delivery_status != "pending":
        return
    now = utcnow()
    referral.delivery_attempts += 1
    if failure is not None:
        _record_failure(referral, failure, now)
        return
    referral.delivery_status, referral.delivered_at, referral.acknowledge_due_at = "sent", now, due
    referral.next_attempt_at, referral.last_delivery_error = None, None
    _history(referral, "referral_sent", None, {"partner": referral.partner.key,
                                               "method": referral.delivery_method})


@joins_unit_of_work
def _record_failure(referral: Referral, failure: delivery.DeliveryFailed, now: datetime) -> None:
    referral.last_delivery_error = failure.reason
    attempts, limit = referral.delivery_attempts, current_app.config["DELIVERY_MAX_ATTEMPTS"]
    log.warning("referral %s: delivery attempt %d of %d failed", referral.id, attempts, limit)
    if attempts >= limit or failure.permanent:
        referral.delivery_status, referral.next_attempt_at = "failed", None
        _history(referral, "referral_failed", None, {"partner": referral.partner.key, "attempts": attempts})
    else:
        referral.next_attempt_at = now + retry_delay(attempts)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff: 1, 2, 4, 8 … times the base delay, at most six hours."""
    return min(timedelta(seconds=current_app.config["DELIVERY_RETRY_SECONDS"] * 2 ** (attempts - 1)),
               timedelta(hours=6))


def queue_due_retries(now: datetime | None = None, limit: int = 500) -> int:
    """The retry sweep (every minute): queue an attempt for each pending referral whose next attempt is due."""
    with unit_of_work() as session:
        due = session.scalars(
            sa.select(Referral).where(Referral.delivery_status == "pending",
                                      Referral.next_attempt_at <= (now or utcnow()))
            .order_by(Referral.next_attempt_at).limit(limit).with_for_update(skip_locked=True)).all()
        for referral in due:
            referral.next_attempt_at = None  # queued: the next failure sets it again
            outbox.enqueue(TOPIC, {"referral_id": referral.id})
    return len(due)


def retry(referral: Referral, *, actor: User) -> Referral:
    """Try a failed delivery again by hand, with a fresh series of attempts."""
    with unit_of_work():
        if not access.can_retry_delivery(actor):
            raise Forbidden(_l("U mag bezorgingen niet opnieuw versturen."))
        if referral.delivery_status != "failed":
            raise Conflict(_l("Deze doorverwijzing wacht niet op een nieuwe poging."), code="not_failed")
        if not referral.partner.is_active:
            raise Conflict(_l("De ketenpartner is gedeactiveerd: activeer hem eerst."), code="partner_inactive")
        referral.delivery_status, referral.delivery_attempts, referral.next_attempt_at = "pending", 0, None
        _history(referral, "referral_retry", actor, {"partner": referral.partner.key})
        outbox.enqueue(TOPIC, {"referral_id": referral.id})
        audit.record(actor, "retry_delivery", "referral", str(referral.id), detail={"partner": referral.partner.key})
    return referral


def failed_deliveries() -> sa.Select:
    """For the admin overview: failed first, then those still being retried, oldest first."""
    return (sa.select(Referral).where(Referral.delivery_status.in_(("failed", "pending")),
                                      Referral.delivery_attempts > 0)
            .options(selectinload(Referral.partner), selectinload(Referral.report), selectinload(Referral.case))
            .order_by(Referral.delivery_status, Referral.created_at, Referral.id))


def referral_by_id(referral_id: int) -> Referral | None:
    return db.session.get(Referral, referral_id)


@joins_unit_of_work
def _history(referral: Referral, event: str, actor: User | None, detail: dict) -> None:
    detail = {"referral": referral.id} | detail
    if referral.report is not None:
        record_report_event(referral.report, event, actor, detail)
    else:
        record_case_event(referral.case, event, actor, detail)

