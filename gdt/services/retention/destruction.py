"""Destruction lists (docs/domain.md, "Retention and destruction"): propose, review, approve, execute.

A list is drafted of what is past its date (nightly, `flask retention propose`, or the archivist's button); the
archivist takes items off with a reason and approves; execution then removes the content of each item in a
transaction of its own and keeps the content-free rows, so every statistic stays the same
(docs/decisions/0023-destruction-keeps-content-free-rows.md).

Execution is resumable and idempotent: an item is destroyed and marked so in one commit, the files on disk are
deleted after that commit (`pending_files` remembers them meanwhile), and a destroyed item is never touched again.
A run killed halfway leaves every case either wholly removed or untouched; running again finishes the list.
An item that is no longer due when its turn comes (a legal hold placed after approval, a case reopened, content
already erased on a request) is taken off the list by the run itself, with that reason and no actor, and the list
still finishes: it comes back on a later list once it is due again.
"""
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from gdt.db import AMSTERDAM, db, utcnow
from gdt.models import AuditEvent, Case, Category, Report, User
from gdt.models.casework import CaseResult
from gdt.models.referrals import Referral
from gdt.models.retention import ITEM_TYPES, LIST_KINDS, DestructionItem, DestructionList
from gdt.services.core import audit, audit_chain, outbox, working_days
from gdt.services.core.errors import Forbidden, NotFound, ServiceError
from gdt.services.core.transaction import unit_of_work
from gdt.services.retention import anonymisation, content_removal, holds, rules
from gdt.validation import InvalidValue, clean_text

log = logging.getLogger(__name__)

OPEN_STATUSES = ("proposed", "approved")
EXECUTE_TOPIC = "destruction.execute"
NIGHTLY_ACTION = "retention_nightly"
BATCH = 1000  # rows per query and per insert while proposing
REASON_MAX = 500
IN_PROCESS_SECONDS = 20.0  # without a worker, execution runs in the web process: a slice at a time
WORKER_SECONDS = 240.0  # a worker's slice: well within OUTBOX_CLAIM_SECONDS, so no second worker starts meanwhile
_REFERENCE = "VL-"

# Why the run itself took an item off (stored as the item's exclusion reason, so it is data, in Dutch).
NOT_DUE_REASONS = {
    "held": "Juridische blokkade geplaatst na goedkeuring; komt op een latere lijst als die is opgeheven.",
    "changed": "Niet meer te vernietigen: heropend, termijn gewijzigd of te bewaren.",
    "gone": "De inhoud was al verwijderd (bijvoorbeeld op een verzoek van de betrokkene).",
}


@dataclass
class ExecutionResult:
    destroyed: int = 0
    taken_off: list[str] = field(default_factory=list)  # references the run took off (not due any more)
    files: int = 0
    finished: bool = False  # the list is executed


# --- reading -----------------------------------------------------------------------------------------------------

def list_lists() -> sa.Select:
    """Every list, newest first."""
    return sa.select(DestructionList).order_by(DestructionList.proposed_at.desc(), DestructionList.id.desc())


def find_list(key: str | int) -> DestructionList:
    """A list by its id or its reference (VL-2026-0001); NotFound otherwise."""
    text = str(key).strip().upper()
    number = text.rpartition("-")[2] if text.startswith(_REFERENCE) else text
    found = db.session.get(DestructionList, int(number)) if number.isdigit() and len(number) < 10 else None
    if found is None or (text.startswith(_REFERENCE) and found.reference != text):
        raise NotFound(_l("Deze vernietigingslijst bestaat niet."))
    return found


def counts(lists: Iterable[DestructionList]) -> dict[int, dict[str, int]]:
    """Per list id: items, excluded, destroyed and still to do; one GROUP BY for all lists given."""
    ids = [lst.id for lst in lists]
    found = {list_id: {"items": 0, "excluded": 0, "destroyed": 0, "open": 0} for list_id in ids}
    rows = db.session.execute(
        sa.select(DestructionItem.list_id, sa.func.count(), sa.func.count(DestructionItem.excluded_at),
                  sa.func.count(DestructionItem.destroyed_at))
        .where(DestructionItem.list_id.in_(ids)).group_by(DestructionItem.list_id))
    for list_id, total, excluded, destroyed in rows:
        found[list_id] = {"items": total, "excluded": excluded, "destroyed": destroyed,
                          "open": total - excluded - destroyed}
    return found


def items_of(lst: DestructionList, *, object_type: str | None = None, excluded: bool | None = None) -> sa.Select:
    query = sa.select(DestructionItem).where(DestructionItem.list_id == lst.id).order_by(DestructionItem.id)
    if object_type:
        query = query.where(DestructionItem.object_type == object_type)
    if excluded is not None:
        query = query.where(DestructionItem.excluded_at.is_not(None) if excluded
                            else DestructionItem.excluded_at.is_(None))
    return query


def find_item(lst: DestructionList, key: str | int) -> DestructionItem:
    """An item of `lst` by its id or the reference of what it names; NotFound otherwise."""
    query = sa.select(DestructionItem).where(DestructionItem.list_id == lst.id)
    text = str(key).strip()
    condition = DestructionItem.reference == text
    if text.isdigit() and len(text) < 10:
        condition = condition | (DestructionItem.id == int(text))
    item = db.session.scalars(query.where(condition).order_by(DestructionItem.id)).first()
    if item is None:
        raise NotFound(_l("Dit onderdeel staat niet op deze lijst."))
    return item


def display_labels() -> tuple[dict[int, str], dict[str, str]]:
    """Category labels by id and case result labels by key, for showing items (inactive ones too)."""
    categories = dict(db.session.execute(sa.select(Category.id, Category.label)).all())
    results = dict(db.session.execute(sa.select(CaseResult.key, CaseResult.label)).all())
    return categories, results


def view_list(lst: DestructionList, *, actor: User) -> None:
    """Record that `actor` looked at the list (references and dates only: still audited)."""
    audit.record_now(actor, "view", "destruction_list", lst.reference)


# --- proposing ---------------------------------------------------------------------------------------------------

def propose(as_of: date, *, kind: str = "records", actor: User | None = None) -> DestructionList | None:
    """Put what is past its date on `as_of` on a list of `kind`; None when nothing new is due.

    A proposed list of that kind and year still open gets the new items; otherwise a new list is made. What is on
    an open list already, held, kept for the archive or destroyed is left out.
    """
    if kind not in LIST_KINDS:
        raise ServiceError(_l("Onbekende soort lijst."), field="kind")
    with unit_of_work() as session:
        rows = _due_audit_days(as_of) if kind == "audit" else _due_records(as_of)
        first = next(rows, None)
        if first is None:
            return None
        # Only a list of the same year grows: its reference (VL-<year>-<id>) must never change.
        lst = session.scalars(sa.select(DestructionList).where(
            DestructionList.kind == kind, DestructionList.status == "proposed",
            DestructionList.as_of.between(date(as_of.year, 1, 1), date(as_of.year, 12, 31)))
            .order_by(DestructionList.id).limit(1).with_for_update()).first()
        if lst is None:
            lst = DestructionList(kind=kind, as_of=as_of, proposed_by_id=actor.id if actor else None)
            session.add(lst)
            session.flush()
        else:
            lst.as_of = max(lst.as_of, as_of)
        added = _insert_items(lst.id, _chain([first], rows))
        audit.record(actor, "destruction_propose", "destruction_list", lst.reference,
                     detail={"list_id": lst.id, "kind": kind, "added": added, "as_of": as_of.isoformat()})
    return lst


def _chain(head: list, rest: Iterator) -> Iterator:
    yield from head
    yield from rest


def _insert_items(list_id: int, rows: Iterator[dict]) -> int:
    added, batch = 0, []
    for row in rows:
        batch.append(row | {"list_id": list_id})
        if len(batch) == BATCH:
            added += _insert(batch)
            batch = []
    return added + (_insert(batch) if batch else 0)


def _insert(batch: list[dict]) -> int:
    db.session.execute(sa.insert(DestructionItem), batch)
    return len(batch)


def _on_open_list(object_type: str) -> sa.Select:
    return (sa.select(DestructionItem.object_id).join(DestructionList)
            .where(DestructionItem.object_type == object_type, DestructionList.status.in_(OPEN_STATUSES)))


def _held(as_of: date) -> sa.Select:
    return holds.held_case_ids(as_of)


def due_cases(as_of: date) -> sa.Select:
    """Ids of the cases due for destruction on `as_of` and not on an open list."""
    return sa.select(Case.id).where(
        Case.destruction_due_on <= as_of, Case.destroyed_at.is_(None), Case.archive_nomination == "destroy",
        Case.id.not_in(_held(as_of)), Case.id.not_in(_on_open_list("case"))).order_by(Case.id)


def due_reports(as_of: date) -> sa.Select:
    """Ids of the reports due on `as_of` on their own (not taken on: a case's reports go with it)."""
    return sa.select(Report.id).where(
        Report.destruction_due_on <= as_of, Report.destroyed_at.is_(None),
        sa.or_(Report.case_id.is_(None), Report.case_id.not_in(_held(as_of))),
        Report.id.not_in(_on_open_list("report"))).order_by(Report.id)


def _due_records(as_of: date) -> Iterator[dict]:
    case_ids = db.session.scalars(due_cases(as_of)).all()
    for chunk in _chunks(case_ids):
        yield from _case_records(chunk)
    report_ids = db.session.scalars(due_reports(as_of)).all()
    for chunk in _chunks(report_ids):
        yield from _report_records(chunk)


def _chunks(ids: list[int], size: int = BATCH) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _case_records(ids: list[int]) -> Iterator[dict]:
    """The content-free record of each case; category, channel and area are those of its first report."""
    firsts: dict[int, tuple] = {}
    report_counts: dict[int, int] = {}
    for row in db.session.execute(
            sa.select(Report.case_id, Report.category_id, Report.channel, Report.wijk_code, Report.buurt_code)
            .where(Report.case_id.in_(ids)).order_by(Report.case_id, Report.received_at, Report.id)):
        firsts.setdefault(row.case_id, tuple(row)[1:])
        report_counts[row.case_id] = report_counts.get(row.case_id, 0) + 1
    cases = db.session.execute(
        sa.select(Case.id, Case.reference, Case.received_at, Case.closed_at, Case.destruction_due_on, Case.mode,
                  Case.result, Case.status).where(Case.id.in_(ids)).order_by(Case.id))
    for case in cases:
        category_id, channel, wijk, buurt = firsts.get(case.id, (None, None, None, None))
        yield {"object_type": "case", "object_id": case.id, "reference": case.reference,
               "received_on": _day(case.received_at), "closed_on": _day(case.closed_at),
               "due_on": case.destruction_due_on, "category_id": category_id, "channel": channel,
               "wijk_code": wijk, "buurt_code": buurt, "outcome": "merged" if case.status == "merged" else None,
               "mode": case.mode, "result": case.result, "report_count": report_counts.get(case.id, 0)}


def _report_records(ids: list[int]) -> Iterator[dict]:
    """The content-free record of each report; retention started at the partner's last answer or the referral."""
    answered = (sa.select(sa.func.max(Referral.finished_at)).where(Referral.report_id == Report.id)
                .correlate(Report).scalar_subquery())
    reports = db.session.execute(
        sa.select(Report.id, Report.reference, Report.received_at, Report.triaged_at, answered.label("answered"),
                  Report.destruction_due_on, Report.category_id, Report.channel, Report.wijk_code, Report.buurt_code,
                  Report.triage_outcome).where(Report.id.in_(ids)).order_by(Report.id))
    for report in reports:
        yield {"object_type": "report", "object_id": report.id, "reference": report.reference,
               "received_on": _day(report.received_at), "closed_on": _day(report.answered or report.triaged_at),
               "due_on": report.destruction_due_on, "category_id": report.category_id, "channel": report.channel,
               "wijk_code": report.wijk_code, "buurt_code": report.buurt_code, "outcome": report.triage_outcome,
               "mode": None, "result": None, "report_count": 1}


def _due_audit_days(as_of: date) -> Iterator[dict]:
    months = audit_chain.retention_months()
    listed = set(db.session.scalars(_on_open_list("audit_day")))
    for day, events in audit_chain.expired_days(as_of):
        number = day.year * 10000 + day.month * 100 + day.day
        if number in listed:
            continue
        yield {"object_type": "audit_day", "object_id": number, "reference": f"Audit {day.isoformat()}",
               "received_on": day, "closed_on": day, "due_on": rules.months_after(day, months), "report_count": events}


def _day(moment: datetime | None) -> date | None:
    return moment.astimezone(AMSTERDAM).date() if moment is not None else None


# --- reviewing and approving -------------------------------------------------------------------------------------

def exclude(item: DestructionItem, *, reason: str | None, actor: User) -> DestructionItem:
    """Take an item off a proposed list, with a reason (kept on the list and in the statement)."""
    try:
        reason = clean_text(reason, max_length=REASON_MAX)
    except InvalidValue as invalid:
        raise ServiceError(str(invalid), field="reason") from invalid
    if not reason:
        raise ServiceError(_l("Geef een reden waarom dit niet vernietigd wordt."), field="reason")
    with unit_of_work():
        lst = _locked_proposed(item.list_id)
        db.session.refresh(item)
        if item.excluded_at is not None:
            raise ServiceError(_l("Dit onderdeel is al van de lijst gehaald."))
        item.excluded_at, item.excluded_by_id, item.exclusion_reason = utcnow(), actor.id, reason
        audit.record(actor, "destruction_exclude", "destruction_list", lst.reference,
                     detail={"list_id": lst.id, "item_id": item.id, "object_type": item.object_type})
    return item


def restore(item: DestructionItem, *, actor: User) -> DestructionItem:
    """Put an item taken off back on its proposed list."""
    with unit_of_work():
        lst = _locked_proposed(item.list_id)
        db.session.refresh(item)
        if item.excluded_at is None:
            raise ServiceError(_l("Dit onderdeel staat al op de lijst."))
        item.excluded_at = item.excluded_by_id = item.exclusion_reason = None
        audit.record(actor, "destruction_restore", "destruction_list", lst.reference,
                     detail={"list_id": lst.id, "item_id": item.id, "object_type": item.object_type})
    return item


def approve(lst: DestructionList, *, actor: User) -> DestructionList:
    """The archivist's approval: from now on the list cannot change, and its execution starts (an outbox message)."""
    if actor is None or actor.role != "archivist" or not actor.is_active:
        raise Forbidden(_l("Alleen een actieve archivaris kan een vernietigingslijst goedkeuren."))
    with unit_of_work():
        lst = _locked_proposed(lst.id)
        remaining = counts([lst])[lst.id]
        if remaining["items"] - remaining["excluded"] == 0:
            raise ServiceError(_l("Er staat niets op deze lijst om te vernietigen."))
        lst.status, lst.approved_at, lst.approved_by_id = "approved", utcnow(), actor.id
        audit.record(actor, "destruction_approve", "destruction_list", lst.reference,
                     detail={"list_id": lst.id, "items": remaining["items"] - remaining["excluded"],
                             "excluded": remaining["excluded"]})
        outbox.enqueue(EXECUTE_TOPIC, {"list_id": lst.id})
    return lst


def _locked_proposed(list_id: int) -> DestructionList:
    lst = db.session.get(DestructionList, list_id, with_for_update=True, populate_existing=True)
    if lst is None:
        raise NotFound(_l("Deze vernietigingslijst bestaat niet."))
    if lst.status != "proposed":
        raise ServiceError(_l("Deze lijst is al goedgekeurd en kan niet meer veranderen."), code="approved")
    return lst


# --- executing ---------------------------------------------------------------------------------------------------

def execute(lst: DestructionList, *, actor: User | None = None, seconds: float | None = None,
            progress=None) -> ExecutionResult:
    """Destroy what is on an approved list, RETENTION_EXECUTE_BATCH items per transaction; resumes where a stopped
    run left off.

    A transaction holds whole items (a case with all its reports), so a run killed at any moment leaves no case half
    removed. With `seconds`, stops after about that long and leaves the rest (the list stays approved) for the next
    call. `progress(done)` is called after each batch. An executed list is left alone.
    """
    list_id = lst.id
    with unit_of_work() as session:
        lst = session.get(DestructionList, list_id, populate_existing=True)
        if lst.status == "executed":
            return ExecutionResult(finished=True)
        if lst.status != "approved":
            raise ServiceError(_l("Alleen een goedgekeurde lijst kan worden uitgevoerd."), code="not_approved")
        approved = _ApprovedList(list_id, lst.reference, lst.as_of)  # fixed once approved: read once
        todo = session.scalars(sa.select(DestructionItem.id).where(
            DestructionItem.list_id == list_id, DestructionItem.destroyed_at.is_(None),
            DestructionItem.excluded_at.is_(None)).order_by(DestructionItem.id)).all()
    result = ExecutionResult(files=_delete_pending(list_id))
    deadline = None if seconds is None else time.monotonic() + seconds
    for batch in _chunks(list(todo), current_app.config.get("RETENTION_EXECUTE_BATCH", 100)):
        if deadline is not None and time.monotonic() > deadline:
            break
        destroyed, taken_off = _execute_items(batch, approved)
        result.destroyed += destroyed
        result.taken_off += taken_off
        if progress is not None:
            progress(result.destroyed + len(result.taken_off))
    result.files += _delete_pending(list_id)
    result.finished = _finish(list_id, actor, result)
    return result


def _execute_items(item_ids: list[int], lst: "_ApprovedList") -> tuple[int, list[str]]:
    """Whole items in one transaction: how many were destroyed, and the references taken off (not due any more).
    Items already done (a resumed run) are skipped."""
    with unit_of_work() as session:
        items = session.scalars(sa.select(DestructionItem).where(
            DestructionItem.id.in_(item_ids), DestructionItem.destroyed_at.is_(None),
            DestructionItem.excluded_at.is_(None)).order_by(DestructionItem.id)
            .with_for_update().execution_options(populate_existing=True)).all()
        targets = _targets(items)
        held = set(session.scalars(_held(working_days.today())))
        doomed: list[DestructionItem] = []
        taken_off: list[str] = []
        for item in items:
            reason = _not_due(item, targets.get((item.object_type, item.object_id)), lst.as_of, held)
            if reason is None:
                doomed.append(item)
                continue
            item.excluded_at, item.exclusion_reason = utcnow(), NOT_DUE_REASONS[reason]
            audit.record(None, "destruction_take_off", "destruction_list", lst.reference,
                         detail={"list_id": lst.id, "item_id": item.id, "object_type": item.object_type,
                                 "why": reason})
            taken_off.append(item.reference)
        now = utcnow()
        for item in doomed:
            item.destroyed_at = now
        names = _remove(doomed, lst.id)  # flushes the marks first: item and content in one commit
        if doomed:
            # The batch's files, deleted after this commit; sa.null(): a None would be stored as JSON null
            doomed[0].pending_files = names or sa.null()
    return len(doomed), taken_off


@dataclass(frozen=True)
class _ApprovedList:
    id: int
    reference: str
    as_of: date


def _targets(items: list[DestructionItem]) -> dict[tuple[str, int], Case | Report]:
    """The batch's cases and reports, locked, by (object type, id)."""
    found: dict[tuple[str, int], Case | Report] = {}
    for object_type, model in (("case", Case), ("report", Report)):
        ids = [item.object_id for item in items if item.object_type == object_type]
        if ids:
            rows = db.session.scalars(sa.select(model).where(model.id.in_(ids)).with_for_update()
                                      .execution_options(populate_existing=True))
            found.update(((object_type, row.id), row) for row in rows)
    return found


def _not_due(item: DestructionItem, target, as_of: date, held: set[int]) -> str | None:
    """Why the item may not be destroyed any more, or None (audit days are always still due)."""
    if item.object_type == "audit_day":
        return None
    if target is None or target.destroyed_at is not None:
        return "gone"
    if target.destruction_due_on is None or target.destruction_due_on > as_of or (
            item.object_type == "case" and target.archive_nomination != "destroy"):
        return "changed"
    case_id = target.id if item.object_type == "case" else target.case_id
    return "held" if case_id in held else None


def _remove(items: list[DestructionItem], list_id: int) -> list[str]:
    ids = {kind: [item.object_id for item in items if item.object_type == kind] for kind in ITEM_TYPES}
    names = content_removal.remove_cases(ids["case"], list_id=list_id) if ids["case"] else []
    if ids["report"]:
        names += content_removal.remove_reports(ids["report"], list_id=list_id)
    for day in ids["audit_day"]:
        audit_chain.destroy_day(date(day // 10000, day // 100 % 100, day % 100), list_id)
    db.session.expire_all()  # the Core statements changed rows this session holds
    return names


def _delete_pending(list_id: int) -> int:
    """Delete the files of destroyed items (after their commit) and forget them; what a stopped run left too."""
    deleted = 0
    with unit_of_work() as session:  # a short read: no transaction stays open while files are deleted
        pending = session.execute(sa.select(DestructionItem.id, DestructionItem.pending_files).where(
            DestructionItem.list_id == list_id, DestructionItem.pending_files.is_not(None))).all()
    for item_id, names in pending:
        if names:
            content_removal.delete_files(names)
            deleted += len(names)
        with unit_of_work() as session:
            session.execute(sa.update(DestructionItem).where(DestructionItem.id == item_id)
                            .values(pending_files=sa.null()))
    return deleted


def _finish(list_id: int, actor: User | None, result: ExecutionResult) -> bool:
    with unit_of_work() as session:
        lst = session.get(DestructionList, list_id, with_for_update=True, populate_existing=True)
        left = session.scalar(sa.select(sa.func.count()).where(
            DestructionItem.list_id == list_id, DestructionItem.destroyed_at.is_(None),
            DestructionItem.excluded_at.is_(None)))
        finished = lst.status == "approved" and left == 0
        if finished:
            lst.status, lst.executed_at = "executed", utcnow()
        if finished or result.destroyed or result.taken_off:
            audit.record(actor, "destruction_execute", "destruction_list", lst.reference,
                         detail={"list_id": list_id, "destroyed": result.destroyed,
                                 "taken_off": len(result.taken_off), "files": result.files, "left": left,
                                 "finished": finished})
    return finished or lst.status == "executed"


def unfinished_lists() -> list[int]:
    """Approved lists not yet executed (their run stopped, or has not started)."""
    return list(db.session.scalars(sa.select(DestructionList.id).where(DestructionList.status == "approved")
                                   .order_by(DestructionList.id)))


def resume_unfinished(*, seconds: float | None = None) -> int:
    """Continue every approved list that is not finished; the number of items destroyed."""
    destroyed = 0
    for list_id in unfinished_lists():
        destroyed += execute(db.session.get(DestructionList, list_id), seconds=seconds).destroyed
    return destroyed


@outbox.handler(EXECUTE_TOPIC)
def _execute_message(payload: dict) -> None:
    """Right after approval, a slice at a time. On a worker a slice stays within the outbox claim and an unfinished
    list queues its next slice. Without a worker (embedded default) this runs in the approving request: a slice of
    IN_PROCESS_SECONDS, and the in-process scheduler goes on with the rest (queueing here would run it at once)."""
    lst = db.session.get(DestructionList, payload["list_id"])
    if lst is None or lst.status != "approved":
        return
    eager = current_app.config["CELERY"].get("task_always_eager")
    result = execute(lst, seconds=IN_PROCESS_SECONDS if eager else WORKER_SECONDS)
    if not result.finished and not eager:
        with unit_of_work():
            outbox.enqueue(EXECUTE_TOPIC, {"list_id": payload["list_id"]})


# --- the nightly run ---------------------------------------------------------------------------------------------

def run_nightly(today: date | None = None) -> dict:
    """Date what has none yet, anonymise, propose both kinds of list, checkpoint yesterday's audit chains, resume
    approved lists."""
    today = today or working_days.today()
    audit.record_now(None, NIGHTLY_ACTION, "retention", today.isoformat())  # also: today's run has started
    # Cases closed and reports handled before the rules existed, or loaded in bulk (the historic import), get the
    # dates the services would have fixed; afterwards this finds nothing.
    with unit_of_work():
        summary: dict = {"dated": rules.fill_missing_dates()}
    summary["anonymised"] = anonymisation.run(today=today)
    for kind in LIST_KINDS:
        lst = propose(today, kind=kind)
        summary[f"proposed_{kind}"] = lst.reference if lst is not None else None
    audit_chain.checkpoint(today - timedelta(days=1))
    summary["destroyed"] = resume_unfinished()
    return summary


def nightly_due() -> bool:
    """Whether today's run should start (the in-process scheduler asks every 30 seconds)."""
    now = utcnow().astimezone(AMSTERDAM)
    if now.hour < current_app.config["RETENTION_HOUR"]:
        return False
    midnight = datetime(now.year, now.month, now.day, tzinfo=AMSTERDAM)
    return db.session.scalar(sa.select(sa.func.count()).where(
        AuditEvent.action == NIGHTLY_ACTION, AuditEvent.occurred_at >= midnight)) == 0
