"""Every periodic job in one place: beat runs it with Redis, the in-process scheduler without (worker/embedded.py)."""
from celery.schedules import crontab

RETRY_SWEEP_SECONDS = 60
COMPACT_TALLIES_SECONDS = 300  # deltas of five minutes of work: a few hundred rows to merge
SIGNALEN_CHECK_SECONDS = 60  # the sync itself runs every SIGNALEN_SYNC_MINUTES, and only when configured
NOTIFICATION_SCAN_SECONDS = 300  # a claim lasts CLAIM_MINUTES: warn its holder while it still holds


def beat_schedule(config) -> dict:
    return {
        "delivery-retry-due": {"task": "gdt.delivery.retry_due", "schedule": float(RETRY_SWEEP_SECONDS)},
        "statistics-compact-tallies": {"task": "gdt.statistics.compact_tallies",
                                       "schedule": float(COMPACT_TALLIES_SECONDS)},
        "reminders-daily": {"task": "gdt.reminders.queue_daily",
                            "schedule": crontab(hour=config["REMINDER_HOUR"], minute=0)},
        "retention-nightly": {"task": "gdt.retention.run_nightly",
                              "schedule": crontab(hour=config["RETENTION_HOUR"], minute=0)},
        "notifications-scan": {"task": "gdt.notifications.scan", "schedule": float(NOTIFICATION_SCAN_SECONDS)},
        "resident-questions-remind": {"task": "gdt.resident_questions.remind_due",
                                      "schedule": float(NOTIFICATION_SCAN_SECONDS)},
        "events-retry-due": {"task": "gdt.events.queue_due", "schedule": float(RETRY_SWEEP_SECONDS)},
        "signalen-sync": {"task": "gdt.signalen.sync_if_due", "schedule": float(SIGNALEN_CHECK_SECONDS)},
        "notifications-digest": {"task": "gdt.notifications.queue_digest",
                                 "schedule": crontab(hour=config["NOTIFY_DIGEST_HOUR"], minute=0)},
    }
