"""Notifications: the periodic scan (actions due, triage deadlines, clean-up) and the daily digest."""
from celery import shared_task

from gdt.services.notifications import mails, scans


@shared_task(name="gdt.notifications.scan")
def scan() -> dict:
    return scans.scan().__dict__


@shared_task(name="gdt.notifications.queue_digest")
def queue_digest() -> int:
    return mails.queue_digest()
