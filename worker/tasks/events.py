"""Events for other systems: the periodic sweep that hands due deliveries (retries, waiting ones) back to the outbox."""
from celery import shared_task

from gdt.services.events import deliver


@shared_task(name="gdt.events.queue_due")
def queue_due() -> int:
    return deliver.queue_due()
