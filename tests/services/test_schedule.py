"""Every periodic job is scheduled in one place, under the name of a registered task."""
from datetime import UTC, datetime

import sqlalchemy as sa

from worker import embedded
from worker.schedule import beat_schedule


def test_every_scheduled_task_is_registered(app):
    celery = app.extensions["celery"]
    schedule = beat_schedule(app.config)
    assert {entry["task"] for entry in schedule.values()} <= set(celery.tasks)
    assert celery.conf.beat_schedule.keys() == schedule.keys()
    assert schedule["reminders-daily"]["schedule"].hour == {app.config["REMINDER_HOUR"]}


def test_the_in_process_scheduler_retries_due_deliveries(app, db, make, inbox):
    """One round of what `make run` does every half minute: a due retry is delivered in-process."""
    police = make.partner("politie", email="meldingen@politie.example")
    referral = make.referral(partner=police, delivery_status="pending", delivered_at=None,
                             acknowledge_due_at=None, next_attempt_at=datetime(2026, 3, 2, 10, tzinfo=UTC))
    embedded.run_once(app)
    db.session.refresh(referral)
    assert referral.delivery_status == "sent"
    assert [mail["Subject"].split()[0] for _, mail in inbox.received] == ["Doorverwijzing"]


def test_the_in_process_scheduler_merges_the_report_tallies(app, db, make):
    from gdt.models import ReportTally
    from gdt.services.reporting import report_tallies

    make.report(channel="app")
    db.session.commit()
    embedded.run_once(app)
    pending = db.session.scalar(sa.select(sa.func.count()).where(ReportTally.compacted.is_(False)))
    assert pending == 0
    assert report_tallies.check() == []
