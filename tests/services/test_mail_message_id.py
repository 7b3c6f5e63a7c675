"""Every outbox mail has a Message-ID derived from its outbox message: a repeat is recognisable, nothing personal."""
import re

import pytest
import sqlalchemy as sa

from gdt.models import OutboxMessage, Report
from gdt.services.core import mail, outbox
from gdt.services.core.transaction import unit_of_work
from gdt.services.intake import receipts

pytestmark = pytest.mark.integration

EMAIL = "Melder.Jansen@example.nl"
OUTBOX_MESSAGE_ID = re.compile(r"<outbox-(?P<id>[0-9a-f-]{36})-[0-9a-f]{16}@(?P<domain>[^>]+)>")


def receipt_sent_twice(db, make, inbox) -> tuple[str, list]:
    """A receipt processed, then (its records lost) processed once more: the at-least-once case."""
    report = make.report(reporter_email=EMAIL, reporter_may_contact=True)
    with unit_of_work():
        message_id = receipts.queue_receipt(report).id  # the commit processes it in-process (eager)
    with unit_of_work():
        db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message_id).values(processed_at=None))
        db.session.execute(sa.update(Report).where(Report.id == report.id).values(reporter_notified_status=None))
    assert outbox.process(message_id) is True
    return message_id, [sent["Message-ID"].strip() for _, sent in inbox.wait_for(2)]


def test_a_repeated_mail_has_the_same_message_id_derived_from_the_outbox_message(app, db, make, inbox):
    message_id, [first, second] = receipt_sent_twice(db, make, inbox)

    assert first == second
    match = OUTBOX_MESSAGE_ID.fullmatch(first)
    assert match, first
    assert match["id"] == message_id and match["domain"] == app.config["MAIL_FROM"].rpartition("@")[2]


def test_the_message_id_holds_nothing_personal(app, db, make, inbox):
    _, [sent, _] = receipt_sent_twice(db, make, inbox)

    for private in (EMAIL, EMAIL.lower(), "melder", "jansen", "example.nl"):
        assert private not in sent.lower()


def test_two_outbox_messages_have_two_message_ids_and_a_mail_outside_the_outbox_a_random_one(app, db, make, inbox):
    for email in (EMAIL, "iemand.anders@example.nl"):
        report = make.report(reporter_email=email, reporter_may_contact=True)
        with unit_of_work():
            receipts.queue_receipt(report)
    ids = {sent["Message-ID"].strip() for _, sent in inbox.wait_for(2)}
    assert len(ids) == 2 and all(OUTBOX_MESSAGE_ID.fullmatch(value) for value in ids)

    outside = {mail.message_id(EMAIL, domain="gemeente.example.nl") for _ in range(2)}
    assert len(outside) == 2 and not any(value.startswith("<outbox-") for value in outside)


def test_a_receipt_whose_outbox_record_was_lost_is_not_sent_again(db, make, inbox):
    """The receipt's own record ("received" told) keeps it from going twice when only processed_at was lost."""
    report = make.report(reporter_email=EMAIL, reporter_may_contact=True)
    with unit_of_work():
        message_id = receipts.queue_receipt(report).id
    with unit_of_work():
        db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message_id).values(processed_at=None))

    assert outbox.process(message_id) is True
    assert len(inbox.wait_for(2, timeout=1)) == 1
