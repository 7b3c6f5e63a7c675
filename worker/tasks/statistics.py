"""Merging the report tallies' deltas (PostgreSQL), so a year's statistics read a few rows per key."""
from celery import shared_task

from gdt.services.reporting import report_tallies


@shared_task(name="gdt.statistics.compact_tallies")
def compact_tallies() -> int:
    return report_tallies.compact_now()
