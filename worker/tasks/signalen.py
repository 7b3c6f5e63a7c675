"""Signalen: the periodic pull of the team's signals (it does nothing while Signalen is not configured)."""
from celery import shared_task

from gdt.services.signalen import sync


@shared_task(name="gdt.signalen.sync_if_due")
def sync_if_due() -> int:
    result = sync.sync_if_due()
    return result.imported if result else 0
