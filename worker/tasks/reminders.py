"""The daily reminder mails (queued once per day, whatever runs this)."""
from celery import shared_task

from gdt.services.casework import reminders


@shared_task(name="gdt.reminders.queue_daily")
def queue_daily() -> bool:
    return reminders.queue_daily()
