"""Events for other systems against a local receiver: CloudEvents signed over timestamp and body, only identifiers
and links, retried with back-off, a dead letter sent again by hand, in order per case, only what was subscribed."""
import hashlib
import hmac
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from gdt.db import utcnow
from gdt.models.events import EventDelivery
from gdt.services.casework import cases
from gdt.services.core.errors import ValidationFailed
from gdt.services.events import deliver, subscriptions
from gdt.services.intake import report_intake
from gdt.services.triage import report_triage
from tests.receiver import Receiver

ALL = ["nl.gdt.report.received", "nl.gdt.report.triaged", "nl.gdt.case.opened", "nl.gdt.case.mode-decided",
       "nl.gdt.case.closed", "nl.gdt.referral.answered"]


@pytest.fixture
def retries(app, make):
    make.defaults()  # categories, partners and case results
    saved = {key: app.config[key] for key in ("DELIVERY_RETRY_SECONDS", "DELIVERY_MAX_ATTEMPTS")}
    app.config.update(DELIVERY_RETRY_SECONDS=60, DELIVERY_MAX_ATTEMPTS=3)
    yield
    app.config.update(saved)


def verified(secret: str, headers: dict, body: bytes) -> dict:
    """What a receiver does: check the signature over "<timestamp>.<body>" and the replay window, then read."""
    timestamp, digest = (part.split("=", 1)[1] for part in headers["GDT-Signature"].split(","))
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, digest)
    assert abs(utcnow().timestamp() - int(timestamp)) < 300
    return json.loads(body)


def test_an_escalation_reaches_the_subscriber_signed_and_without_personal_data(db, make, retries):
    coordinator = make.user("coordinator")
    with Receiver() as receiver:
        subscription, secret = subscriptions.create(name="Zaaksysteem", url=receiver.url, event_types=ALL, actor=None)
        report = make.report(reporter_name="Petra de Vries", reporter_email="petra@voorbeeld.nl",
                             description="Buren schreeuwen elke nacht.")
        case = report_triage.escalate_report(report, "Dreigt te escaleren.", actor=coordinator,
                                             seen_version=report.version)
    types = [json.loads(body)["type"] for _, body in receiver.requests]
    assert types == ["nl.gdt.report.triaged", "nl.gdt.case.opened"]
    headers, body = receiver.requests[1]
    event = verified(secret, headers, body)
    assert headers["Content-Type"] == "application/cloudevents+json"
    assert (event["specversion"], event["subject"], event["datacontenttype"]) == ("1.0", case.reference,
                                                                                 "application/json")
    links = event["data"].pop("links")
    assert event["data"] == {"kind": "case", "reference": case.reference, "report": report.reference}
    assert links["api"].endswith(f"/api/v1/cases/{case.reference}")
    for personal in ("Petra", "petra@voorbeeld.nl", "schreeuwen", "escaleren"):
        assert personal not in body.decode()
    assert db.session.scalar(sa.select(sa.func.count()).where(EventDelivery.status == "sent")) == 2


def test_a_refusing_subscriber_is_tried_again_later_and_then_gets_it(db, make, retries):
    with Receiver(statuses=[503, 500, 200]) as receiver:
        subscriptions.create(name="Zaaksysteem", url=receiver.url, event_types=["nl.gdt.report.received"], actor=None)
        report_intake.register_phone_report(report_intake.ReportInput(
            category="geluidsoverlast", description="Harde muziek.", postcode="5611AB", house_number="1",
            reporter_is_anonymous=True), actor=make.user("intake"))
        delivery = db.session.scalar(sa.select(EventDelivery))
        assert (delivery.status, delivery.attempts, delivery.last_error) == ("pending", 1, "HTTP 503")
        assert deliver.queue_due() == 0  # not due yet: a minute later
        deliver.queue_due(now=utcnow() + timedelta(minutes=1, seconds=1))
        db.session.refresh(delivery)
        assert (delivery.attempts, delivery.last_error) == (2, "HTTP 500")
        assert delivery.next_attempt_at > utcnow() + timedelta(seconds=100)  # 2 × 60 s: the back-off doubles
        deliver.queue_due(now=utcnow() + timedelta(minutes=3))
    db.session.refresh(delivery)
    assert (delivery.status, delivery.attempts, len(receiver.requests)) == ("sent", 3, 3)
    assert len({json.loads(body)["id"] for _, body in receiver.requests}) == 1  # one event, sent three times


def test_after_the_last_attempt_it_is_a_dead_letter_the_admin_sends_again(db, make, retries):
    coordinator = make.user("coordinator")
    with Receiver(statuses=[500, 500, 500, 200]) as receiver:
        subscriptions.create(name="Zaaksysteem", url=receiver.url, event_types=["nl.gdt.case.closed"], actor=None)
        case = make.case(mode="regie")
        cases.close_case(case, "de-escalated", None, actor=coordinator, seen_version=case.version)
        for minutes in (2, 10):
            deliver.queue_due(now=utcnow() + timedelta(minutes=minutes))
        [dead] = deliver.dead_letters()
        assert (dead.status, dead.attempts) == ("failed", 3)
        deliver.resend(dead.id, actor=make.user("admin"))
    db.session.refresh(dead)
    assert dead.status == "sent" and deliver.dead_letters() == []


def test_events_about_one_case_arrive_in_order(db, make, retries):
    coordinator = make.user("coordinator")
    with Receiver(statuses=[503, 200]) as receiver:
        subscriptions.create(name="Zaaksysteem", url=receiver.url,
                             event_types=["nl.gdt.case.mode-decided", "nl.gdt.case.closed"], actor=None)
        case = make.case()
        cases.decide_mode(case, "regie", actor=coordinator, seen_version=case.version, regie_kind="casus")
        cases.close_case(case, "de-escalated", None, actor=coordinator, seen_version=case.version)
        assert len(receiver.requests) == 1  # the mode failed; the closing waits behind it
        deliver.queue_due(now=utcnow() + timedelta(minutes=5))
    assert [json.loads(body)["type"] for _, body in receiver.requests] == [
        "nl.gdt.case.mode-decided", "nl.gdt.case.mode-decided", "nl.gdt.case.closed"]


def test_only_what_was_subscribed_and_only_while_active(db, make, retries):
    coordinator = make.user("coordinator")
    with Receiver() as receiver:
        subscription, _ = subscriptions.create(name="Alleen sluiten", url=receiver.url,
                                               event_types=["nl.gdt.case.closed"], actor=None)
        report = make.report()
        report_triage.escalate_report(report, None, actor=coordinator, seen_version=report.version)
        assert receiver.requests == []
        subscriptions.set_active(subscription, False, actor=None)
        case = make.case(mode="regie")
        cases.close_case(case, "de-escalated", None, actor=coordinator, seen_version=case.version)
    assert receiver.requests == [] and db.session.scalar(sa.select(sa.func.count()).select_from(EventDelivery)) == 0


def test_a_subscription_needs_a_name_a_callable_address_and_events(db):
    with pytest.raises(ValidationFailed) as refused:
        subscriptions.create(name=" ", url="http://10.0.0.8/intern", event_types=["nl.gdt.iets"], actor=None)
    assert set(refused.value.errors) == {"name", "url", "event_types"}
    subscriptions.create(name="Zaaksysteem", url="http://127.0.0.1:9/x", event_types=ALL, actor=None)
    with pytest.raises(ValidationFailed) as taken:
        subscriptions.create(name="zaaksysteem", url="http://127.0.0.1:9/x", event_types=ALL, actor=None)
    assert set(taken.value.errors) == {"name"}
