"""The database's figures (gdt.services.operations.figures) as Prometheus metric families, read at each scrape.

When the database cannot be read, `gdt_database_up` is 0 and the other families are left out: the scrape itself
still answers, so Prometheus sees the app and knows why the figures are missing.
"""
import logging

from flask import current_app
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from gdt.db import db
from gdt.services.operations import figures as operations_figures
from gdt.services.operations import heartbeats

log = logging.getLogger(__name__)


class DatabaseCollector:
    def collect(self):
        up = GaugeMetricFamily("gdt_database_up", "1 when this scrape could read the figures from the database.")
        try:
            figures = operations_figures.read(heartbeats.max_silence(current_app.config))
        except Exception as error:
            db.session.remove()
            log.warning("metrics: the database figures could not be read (%s)", type(error).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families(figures)


def families(figures: operations_figures.Figures):
    yield _labelled(CounterMetricFamily, "gdt_reports_received",
                    "Reports received, per channel (app, webform, phone, partner registrations).", "channel",
                    figures.reports_received)
    yield _labelled(CounterMetricFamily, "gdt_triage_decisions", "Reports triaged, per outcome.", "outcome",
                    figures.triage_decisions)
    yield GaugeMetricFamily("gdt_outbox_waiting_messages", "Outbox messages not processed yet.",
                            value=figures.backlog.waiting)
    yield GaugeMetricFamily("gdt_outbox_oldest_waiting_seconds",
                            "Seconds the oldest unprocessed outbox message has waited (0: none waits).",
                            value=figures.backlog.oldest_seconds or 0)
    yield _labelled(GaugeMetricFamily, "gdt_referral_deliveries",
                    "Referrals per delivery result: pending (being tried), sent, failed (after the last attempt).",
                    "result", figures.deliveries)
    yield _labelled(CounterMetricFamily, "gdt_reminders_processed",
                    "Daily reminder messages processed, per kind (a mail leaves when something is overdue).", "kind",
                    figures.reminders)
    yield CounterMetricFamily("gdt_login_failures", "Refused logins (wrong password, unknown address, throttled).",
                              value=figures.login_failures)
    yield GaugeMetricFamily("gdt_report_tally_deltas_waiting",
                            "Report tally delta rows waiting to be compacted (PostgreSQL).",
                            value=figures.tally_deltas_waiting)
    yield GaugeMetricFamily("gdt_case_tally_deltas_waiting",
                            "Case tally delta rows waiting to be compacted (PostgreSQL).",
                            value=figures.case_tally_deltas_waiting)
    yield GaugeMetricFamily("gdt_recurrence_marks_waiting",
                            "Changes that recurrence after closing computes live until the next compaction "
                            "(PostgreSQL).", value=figures.recurrence_marks_waiting)
    ages = GaugeMetricFamily("gdt_heartbeat_age_seconds",
                             "Seconds since a process of this kind (worker, beat, relay) was last seen.",
                             labels=["kind"])
    alive = GaugeMetricFamily("gdt_heartbeat_processes_alive",
                              "Processes of this kind seen within HEALTH_<KIND>_MAX_SILENCE_SECONDS.", labels=["kind"])
    for kind, seen in figures.heartbeats.items():
        if seen.last_seen_seconds is not None:
            ages.add_metric([kind], seen.last_seen_seconds)
        alive.add_metric([kind], seen.alive)
    yield ages
    yield alive


def _labelled(family, name: str, documentation: str, label: str, values: dict[str, int]):
    metric = family(name, documentation, labels=[label])
    for key, value in sorted(values.items()):
        metric.add_metric([key], value)
    return metric
