"""Anonymisation (docs/domain.md, "Retention and destruction"): the reporter's contact details and a report's photos
and sound go on their own schedule, well before the report itself.

A report is due when it was handled (triaged; a referred report: the partner's final answer, else the triage) at
least the `contact` (or `attachments`) rule's months before today. Left alone: anonymous reports, what was removed
or destroyed already, and the reports in a case with a legal hold in force. The report stays with every key the
statistics count. Runs nightly (destruction.run_nightly) and as `flask retention anonymise`; in batches of its own
transaction, the files deleted after each batch's commit. One audit event per run, with counts only.
"""
import logging
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from gdt.db import AMSTERDAM
from gdt.models import Attachment, Report
from gdt.services.core import audit
from gdt.services.core.transaction import unit_of_work
from gdt.services.retention import content_removal, holds, rules

log = logging.getLogger(__name__)

BATCH = 1000


def run(today: date | None = None) -> dict[str, int]:
    """Anonymise what is due on `today` (default: today in Amsterdam); the counts of reports and files."""
    today = today or holds.today()
    done = {"contact": 0, "attachments": 0, "files": 0}
    contact = _cutoff(today, rules.rule_for("contact").months)
    done["contact"] = _in_batches(_due(contact, today, Report.contact_removed_at, anonymous_too=False),
                                  _remove_contact)
    attachments = _cutoff(today, rules.rule_for("attachments").months)
    with_files = sa.select(Attachment.id).where(Attachment.report_id == Report.id).exists()
    files: list[int] = [0]

    def remove_files(ids: list[int]) -> list[str]:
        names = _remove_attachments(ids)
        files[0] += len(names)
        return names

    done["attachments"] = _in_batches(_due(attachments, today, Report.attachments_removed_at, anonymous_too=True)
                                      .where(with_files), remove_files)
    done["files"] = files[0]
    audit.record_now(None, "anonymise", "retention", today.isoformat(), detail=dict(done))
    log.info("anonymisation %s: %d contact details, %d reports' files (%d files)", today.isoformat(),
             done["contact"], done["attachments"], done["files"])
    return done


def _cutoff(today: date, months: int) -> datetime:
    """Handled before this moment: handled on or before the day `months` months before today (Amsterdam)."""
    after = rules.months_before(today, months) + timedelta(days=1)
    return datetime(after.year, after.month, after.day, tzinfo=AMSTERDAM)


def _due(cutoff: datetime, today: date, removed_at, *, anonymous_too: bool) -> sa.Select:
    """Ids of the reports due, in id order. `triaged_at < cutoff` first: a report triaged since cannot have been
    handled before (the partial index on triaged_at serves it), then the partner's answer where there is one."""
    query = sa.select(Report.id).where(
        removed_at.is_(None), Report.destroyed_at.is_(None), Report.triaged_at.is_not(None),
        Report.triaged_at < cutoff, rules.handled_at_column() < cutoff,
        sa.or_(Report.case_id.is_(None), Report.case_id.not_in(holds.held_case_ids(today))))
    if not anonymous_too:
        query = query.where(Report.reporter_is_anonymous.is_(False))
    return query.order_by(Report.id)


def _in_batches(query: sa.Select, remove) -> int:
    """Walk the due ids in keyset order, BATCH at a time, each batch in a transaction of its own."""
    done, last = 0, 0
    while True:
        with unit_of_work() as session:
            ids = list(session.scalars(query.where(Report.id > last).limit(BATCH)))
            if not ids:
                return done
            names = remove(ids)
        if names:
            _delete_files(names)  # after the commit: a rollback never leaves a row pointing at a deleted file
        done += len(ids)
        last = ids[-1]


def _remove_contact(ids: list[int]) -> list[str]:
    content_removal.remove_contact_details_of(ids)
    return []


def _remove_attachments(ids: list[int]) -> list[str]:
    return content_removal.remove_attachments_of(ids)


def _delete_files(names: list[str]) -> None:
    content_removal.delete_files(names)

