"""Referral delivery: the attempts themselves are outbox messages; this is the sweep that queues retries."""
from celery import shared_task

from gdt.services.referrals import routing


@shared_task(name="gdt.delivery.retry_due")
def retry_due() -> int:
    return routing.queue_due_retries()
