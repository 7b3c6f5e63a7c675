"""The embedded default's stand-in for relay and beat: one daemon thread in the web process (`make run`).

Without Redis there is no worker and no beat, yet retries must be retried and reminders sent. Every
interval this thread relays unprocessed outbox messages (which then run in-process), queues due
delivery retries and, once a day after REMINDER_HOUR, the reminders; on PostgreSQL it merges the report
tallies' deltas too. Every interval it scans for notifications to give (actions due, claimed reports near their
triage deadline) and, once NOTIFY_DIGEST_HOUR has passed, queues the notification digest; it also sends the one
reminder of a question to the resident left unanswered, pulls new Signalen signals when they are due, and hands
due event deliveries back to the outbox. Once a day after
RETENTION_HOUR it starts the nightly retention run, and every interval it
goes on with approved destruction lists for a slice of time. Production runs the relay,
the worker and beat as their own processes instead, or, without beat, this scheduler in every web node: on
PostgreSQL only the node holding the advisory lock of worker/leader.py runs a round, so the work runs once.
"""
import logging
import threading

from flask import Flask

from gdt.db import db
from gdt.services.casework import reminders
from gdt.services.core import outbox
from gdt.services.events import deliver as event_deliveries
from gdt.services.notifications import mails as notification_mails
from gdt.services.notifications import scans as notification_scans
from gdt.services.referrals import routing
from gdt.services.reporting import report_tallies
from gdt.services.resident import question_mails
from gdt.services.retention import destruction
from gdt.services.signalen import sync as signalen_sync
from worker.leader import Leadership

log = logging.getLogger(__name__)
_started: set[int] = set()


def start(app: Flask, interval: float | None = None) -> threading.Thread | None:
    if id(app) in _started:
        return None
    _started.add(id(app))
    interval = interval or app.config["SCHEDULER_INTERVAL_SECONDS"]
    leadership = Leadership(app.config["SQLALCHEMY_DATABASE_URI"],
                            connect_args=app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("connect_args"))
    thread = threading.Thread(target=_loop, args=(app, interval, leadership), name="gdt-scheduler", daemon=True)
    thread.start()
    return thread


def run_once(app: Flask) -> None:
    """One round of periodic work; each step in its own try so one failure does not stop the others."""
    with app.app_context():
        for step in (routing.queue_due_retries, lambda: reminders.due_now() and reminders.queue_daily(),
                     outbox.relay_once, report_tallies.compact_now,
                     lambda: destruction.nightly_due() and destruction.run_nightly(), _resume_destruction,
                     notification_scans.scan, _notification_digest, question_mails.remind_due,
                     signalen_sync.sync_if_due, event_deliveries.queue_due):
            try:
                step()
            except Exception:
                log.exception("in-process scheduler: a periodic step failed")
                db.session.rollback()
        db.session.remove()


def _resume_destruction() -> int:
    """An approved list runs here a slice at a time (the approving request did the first), so no web request waits
    for a long list."""
    return destruction.resume_unfinished(seconds=destruction.IN_PROCESS_SECONDS)


def _notification_digest() -> int:
    return notification_mails.digest_due() and notification_mails.queue_digest()


def _loop(app: Flask, interval: float, leadership: Leadership) -> None:
    stop = threading.Event()
    while not stop.wait(interval):
        if leadership.held():
            run_once(app)
