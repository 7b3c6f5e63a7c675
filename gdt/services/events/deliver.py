"""Delivering events: a signed POST of the CloudEvent (`application/cloudevents+json`, header GDT-Signature
`t=…,v1=…` over "<timestamp>.<body>"), retried with back-off, in order per subscriber and subject.

The outbox hands each delivery to `send` once its transaction committed. A delivery waits while an earlier one to
the same subscriber about the same report or case is still pending, so a subscriber sees "opened" before "closed".
A refusal or an unreachable subscriber is tried again after DELIVERY_RETRY_SECONDS × 2ⁿ (the periodic
`queue_due` hands due ones back to the outbox); after DELIVERY_MAX_ATTEMPTS the delivery is failed: the dead letter,
listed for the administrator, who may send it again. A failed delivery does not hold up later ones.
"""
import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from gdt.db import db, utcnow
from gdt.models.events import EventDelivery, EventSubscription
from gdt.services.core import audit, outbound, outbox, signing
from gdt.services.core.errors import NotFound
from gdt.services.core.transaction import unit_of_work
from gdt.services.events.publish import TOPIC

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "GDT-Signature"
SECRET_PURPOSE = "gdt.events"
WAIT_FOR_EARLIER = timedelta(seconds=5)


def secret(subscription: EventSubscription) -> str:
    return signing.derived_secret(SECRET_PURPOSE, subscription.secret_salt)


@outbox.handler(TOPIC)
def send(payload: dict) -> None:
    with unit_of_work():
        delivery = db.session.get(EventDelivery, payload["delivery_id"])
        if delivery is None or delivery.status != "pending":
            return
        if _earlier_pending(delivery):
            delivery.next_attempt_at = utcnow() + WAIT_FOR_EARLIER  # the sweep hands it back after the earlier one
            return
        subscription = delivery.subscription
        if not subscription.active:
            delivery.status, delivery.last_error = "failed", str(_l("Het abonnement is uitgezet."))
            return
        url, body, key = subscription.url, delivery.body.encode(), secret(subscription)
    headers = {"Content-Type": "application/cloudevents+json", "User-Agent": "GDT-events/1",
               SIGNATURE_HEADER: signing.signature(key, int(utcnow().timestamp()), body)}
    try:  # outside any transaction: a slow subscriber holds no lock
        answer = outbound.request("POST", url, body=body, headers=headers,
                                  timeout=current_app.config["WEBHOOK_TIMEOUT"], max_bytes=64_000)
        error = None if 200 <= answer.status < 300 else f"HTTP {answer.status}"
    except outbound.OutboundError as failure:
        log.warning("event %s not delivered: %s", payload["delivery_id"], failure.detail)
        error = "Niet bereikbaar."
    outbox.record(lambda: _settle(payload["delivery_id"], error))


def queue_due(now=None) -> int:
    """Hand the pending deliveries whose time has come back to the outbox (beat, the in-process scheduler)."""
    now = now or utcnow()
    with unit_of_work():
        due = db.session.scalars(sa.select(EventDelivery.id).where(EventDelivery.status == "pending",
                                                                   EventDelivery.next_attempt_at <= now)
                                 .order_by(EventDelivery.id).limit(500)).all()
        for delivery_id in due:
            outbox.enqueue(TOPIC, {"delivery_id": delivery_id})
    return len(due)


def dead_letters() -> list[EventDelivery]:
    return list(db.session.scalars(sa.select(EventDelivery).where(EventDelivery.status == "failed")
                                   .order_by(EventDelivery.id.desc()).limit(200)))


def resend(delivery_id: int, *, actor) -> EventDelivery:
    """A dead letter tried again from the start (the administrator fixed the subscriber)."""
    with unit_of_work():
        delivery = db.session.get(EventDelivery, delivery_id)
        if delivery is None or delivery.status != "failed":
            raise NotFound(_l("Deze mislukte bezorging bestaat niet (meer)."))
        delivery.status, delivery.attempts, delivery.next_attempt_at = "pending", 0, utcnow()
        outbox.enqueue(TOPIC, {"delivery_id": delivery.id})
        audit.record(actor, "event_resend", "event_subscription", str(delivery.subscription_id),
                     detail={"delivery": delivery.id})
    return delivery


def _earlier_pending(delivery: EventDelivery) -> bool:
    return db.session.scalar(sa.select(EventDelivery.id).where(
        EventDelivery.subscription_id == delivery.subscription_id, EventDelivery.subject == delivery.subject,
        EventDelivery.id < delivery.id, EventDelivery.status == "pending").limit(1)) is not None


def _settle(delivery_id: int, error: str | None) -> None:
    delivery = db.session.get(EventDelivery, delivery_id)
    delivery.attempts += 1
    if error is None:
        delivery.status, delivery.sent_at, delivery.next_attempt_at, delivery.last_error = "sent", utcnow(), None, None
        return
    config = current_app.config
    delivery.last_error = error
    if delivery.attempts >= config["DELIVERY_MAX_ATTEMPTS"]:
        delivery.status, delivery.next_attempt_at = "failed", None
    else:
        delivery.next_attempt_at = utcnow() + timedelta(seconds=config["DELIVERY_RETRY_SECONDS"]
                                                        * 2 ** (delivery.attempts - 1))
