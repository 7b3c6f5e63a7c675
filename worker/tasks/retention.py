"""The nightly retention run, and the execution of approved destruction lists that did not finish."""
from celery import shared_task

from gdt.services.retention import destruction


@shared_task(name="gdt.retention.run_nightly")
def run_nightly() -> dict:
    return destruction.run_nightly()
