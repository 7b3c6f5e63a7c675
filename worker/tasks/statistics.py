"""Merging the report tallies' deltas (PostgreSQL), so a year's statistics read a few rows per key."""
from celery import shared_task

from gdt.services import report_tallies
from gdt.services.transaction import unit_of_work


@shared_task(name="gdt.statistics.compact_tallies")
def compact_tallies() -> int:
    with unit_of_work():
        return report_tallies.compact()
