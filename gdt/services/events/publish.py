"""Publishing an event: a CloudEvents 1.0 document per active subscriber of its type, written as a delivery row with
an outbox message in the caller's unit of work, so the event leaves if and only if the change it tells of is
committed.

The data holds identifiers and links, never personal data: the subject is a report's or case's reference, `data`
names the kind of record, its API link and the keys of what happened (an outcome, a mode, a partner key). A
subscriber that needs more fetches it with a staff API token, which shows what that token may see.
"""
import json
import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from gdt.db import db, utcnow
from gdt.models.events import EventDelivery, EventSubscription
from gdt.services.core import outbox
from gdt.services.core.transaction import joins_unit_of_work
from gdt.services.events.catalogue import EVENT_TYPES

TOPIC = "event.deliver"
# The outbox message goes at once; the sweep (deliver.queue_due) picks the delivery up only if that message got lost.
FIRST_TRY = timedelta(minutes=1)
API_PATHS = {"report": "/api/v1/reports/{reference}", "case": "/api/v1/cases/{reference}"}


@joins_unit_of_work
def publish(event_type: str, *, kind: str, reference: str, **facts) -> int:
    """Queue `event_type` about the report or case `reference` for every active subscriber of it; how many."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    subscribers = [subscription for subscription in db.session.scalars(
        sa.select(EventSubscription).where(EventSubscription.active.is_(True)).order_by(EventSubscription.id))
        if event_type in subscription.event_types]
    for subscription in subscribers:
        event_id = str(uuid.uuid4())
        body = cloud_event(event_id, event_type, kind=kind, reference=reference, facts=facts)
        delivery = EventDelivery(subscription_id=subscription.id, event_id=event_id, event_type=event_type,
                                 subject=reference, body=json.dumps(body, separators=(",", ":")),
                                 next_attempt_at=utcnow() + FIRST_TRY)
        db.session.add(delivery)
        db.session.flush()
        outbox.enqueue(TOPIC, {"delivery_id": delivery.id})
    return len(subscribers)


def cloud_event(event_id: str, event_type: str, *, kind: str, reference: str, facts: dict) -> dict:
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    return {
        "specversion": "1.0", "id": event_id, "source": f"{base}/" if base else "urn:gdt", "type": event_type,
        "subject": reference, "time": utcnow().isoformat(), "datacontenttype": "application/json",
        "data": {"kind": kind, "reference": reference, **facts,
                 "links": {"api": f"{base}{API_PATHS[kind].format(reference=reference)}"}},
    }
