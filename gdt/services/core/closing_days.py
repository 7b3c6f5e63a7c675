"""The municipality's closing days as the working calendar reads them: the `closing_days` table, cached briefly.

Deadlines are computed by the thousand (a demo load, an import), so the calendar must not ask the database each
time. Each process keeps the stored days for CACHE_SECONDS; the process that changes them (the admin's pages,
gdt/services/admin/closing_days.py) forgets its copy right after the commit, and every other process (the other
web workers, the Celery worker, beat) follows within CACHE_SECONDS. A change only matters for deadlines whose clock
starts afterwards anyway (gdt/services/core/deadlines.py).
"""
import threading
import time
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app

from gdt.db import db
from gdt.models import ClosingDay

CACHE_SECONDS = 60.0
_EXTENSION = "gdt.closing_days"  # per app: each app (the tests run several) has its own database


@dataclass(frozen=True)
class _Loaded:
    days: frozenset[date]
    loaded_at: float
    generation: int


class _Cache:
    """One app's copy. `generation` counts the changes: a load that started before a change must not be kept,
    or a reader racing the admin's commit would put the old days back for a whole minute."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.generation = 0
        self.loaded: _Loaded | None = None


def stored_days() -> frozenset[date]:
    """Every day in the `closing_days` table, from this process's copy when it is younger than CACHE_SECONDS."""
    cache = _cache()
    loaded, now = cache.loaded, time.monotonic()
    if loaded is not None and loaded.generation == cache.generation and now - loaded.loaded_at < CACHE_SECONDS:
        return loaded.days
    generation = cache.generation
    days = _load()
    with cache.lock:
        if cache.generation == generation:
            cache.loaded = _Loaded(days, now, generation)
    return days


def forget() -> None:
    """Drop this process's copy, so the next deadline reads the table again: call it after committing a change."""
    cache = _cache()
    with cache.lock:
        cache.generation += 1
        cache.loaded = None


def _load() -> frozenset[date]:
    # Deadlines are often computed while a unit of work builds a record that is not complete yet: never flush it.
    with db.session.no_autoflush:
        return frozenset(db.session.scalars(sa.select(ClosingDay.day)))


def _cache() -> _Cache:
    app = current_app._get_current_object()
    cache = app.extensions.get(_EXTENSION)
    if cache is None:
        cache = app.extensions.setdefault(_EXTENSION, _Cache())
    return cache
