"""Signalen as a front door: which signal became which report, and where the last sync stopped.

A signal is imported once: `signal_id` is unique, and a report has at most one signal. The row also keeps what GDT
last told Signalen about it (the state it sent and a refusal, if Signalen gave one) and, for a signal that could not
become a report (no address), why — so nothing that came in is silently dropped.
"""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, utcnow
from gdt.models.reports import Report


class SignalenSignal(db.Model):
    __tablename__ = "signalen_signals"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    signal_id: so.Mapped[int] = so.mapped_column(sa.BigInteger, unique=True)  # Signalen's `id`
    id_display: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)  # "SIG-123", as staff search it
    report_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("reports.id"), unique=True)
    source: so.Mapped[str | None] = so.mapped_column(sa.String(120))  # Signalen's `source`, as it came
    sub_slug: so.Mapped[str | None] = so.mapped_column(sa.String(120))  # its sub category, as it came
    signal_created_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    incident_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())  # incident_date_start
    imported_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    not_imported: so.Mapped[str | None] = so.mapped_column(sa.String(40))  # why no report: "no_address"
    state_sent: so.Mapped[str | None] = so.mapped_column(sa.String(40))  # the last state Signalen accepted
    refusal: so.Mapped[str | None] = so.mapped_column(sa.String(500))  # Signalen's message on a refused update
    refused_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    report: so.Mapped[Report | None] = so.relationship()


class SignalenSync(db.Model):
    """One row: the moment up to which signals were read (`updated_after` of the next run), the last run, and the
    lease of the run going on now (`running_until`: another run waits until it has passed)."""

    __tablename__ = "signalen_sync"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    cursor: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    last_run_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    last_outcome: so.Mapped[str | None] = so.mapped_column(sa.String(300))  # counts and errors, never content
    running_until: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
