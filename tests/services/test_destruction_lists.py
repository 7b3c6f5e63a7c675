"""Destruction lists: what is proposed, taking items off, approval, execution (once, resumable), the commands."""
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, Case
from gdt.models.retention import DestructionItem, DestructionList, LegalHold
from gdt.services.core.errors import Forbidden, NotFound, ServiceError
from gdt.services.retention import destruction

AS_OF = date(2026, 6, 1)
DUE = date(2026, 5, 1)


@pytest.fixture
def archivist(make):
    return make.user(role="archivist")


def closed_case(make, due=DUE, nomination="destroy", **overrides):
    case = make.case("closed", destruction_due_on=due, archive_nomination=nomination, **overrides)
    make.report("escalated", case=case, wijk_code="WK077201", buurt_code="BU07720101")
    return case


def referred_report(make, due=DUE, **overrides):
    return make.report("referred", destruction_due_on=due, **overrides)


def items(lst):
    return {item.reference: item for item in lst.items}


def test_nothing_due_proposes_no_list(db, make):
    closed_case(make, due=date(2026, 7, 1))
    assert destruction.propose(AS_OF) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DestructionList)) == 0


def test_propose_lists_due_cases_and_reports_with_their_content_free_record(db, make):
    case = closed_case(make)
    report = referred_report(make, wijk_code="WK077202")
    lst = destruction.propose(AS_OF)
    assert lst.status == "proposed" and lst.kind == "records" and lst.as_of == AS_OF
    listed = items(lst)
    assert set(listed) == {case.reference, report.reference}
    on_case = listed[case.reference]
    assert (on_case.object_type, on_case.object_id, on_case.due_on, on_case.result, on_case.report_count) == (
        "case", case.id, DUE, "de-escalated", 1)
    assert (on_case.channel, on_case.wijk_code, on_case.buurt_code) == ("phone", "WK077201", "BU07720101")
    assert on_case.received_on == date(2026, 3, 1) and on_case.closed_on == date(2026, 3, 1)
    on_report = listed[report.reference]
    assert (on_report.object_type, on_report.outcome, on_report.category_id, on_report.wijk_code) == (
        "report", "referred", report.category_id, "WK077202")


def test_not_due_kept_destroyed_held_or_escalated_are_left_out(db, make, archivist):
    closed_case(make, due=date(2026, 6, 2))
    closed_case(make, due=None, nomination="keep")
    closed_case(make, destroyed_at=datetime(2026, 5, 2, tzinfo=UTC))
    held = closed_case(make)
    db.session.add(LegalHold(case_id=held.id, reason="Klacht", placed_by_id=archivist.id))
    make.report("escalated")  # goes with its case, which is open
    lifted = closed_case(make)
    db.session.add(LegalHold(case_id=lifted.id, reason="Oud", placed_by_id=archivist.id, until=date(2026, 5, 31)))
    db.session.commit()
    lst = destruction.propose(AS_OF)
    assert set(items(lst)) == {lifted.reference}


def test_a_second_proposal_adds_only_what_is_new_to_the_open_list(db, make):
    first = closed_case(make)
    lst = destruction.propose(AS_OF)
    assert destruction.propose(AS_OF) is None
    later = referred_report(make, due=date(2026, 6, 5))
    again = destruction.propose(date(2026, 6, 10))
    assert again.id == lst.id and again.as_of == date(2026, 6, 10)
    assert set(items(again)) == {first.reference, later.reference}


def test_taking_off_needs_a_reason_and_can_be_undone(db, make, archivist):
    case = closed_case(make)
    lst = destruction.propose(AS_OF)
    item = items(lst)[case.reference]
    with pytest.raises(ServiceError) as refused:
        destruction.exclude(item, reason="  ", actor=archivist)
    assert refused.value.field == "reason" and item.excluded_at is None
    destruction.exclude(item, reason="Lopende klachtprocedure", actor=archivist)
    assert item.exclusion_reason == "Lopende klachtprocedure" and item.excluded_by_id == archivist.id
    with pytest.raises(ServiceError):
        destruction.approve(lst, actor=archivist)  # nothing left to destroy
    destruction.restore(item, actor=archivist)
    assert item.excluded_at is None and item.exclusion_reason is None


def test_only_an_active_archivist_approves(db, make):
    closed_case(make)
    lst = destruction.propose(AS_OF)
    for user in (make.user(role="admin"), make.user(role="archivist", is_active=False), None):
        with pytest.raises(Forbidden):
            destruction.approve(lst, actor=user)
    assert lst.status == "proposed"


def test_approval_executes_the_list_and_keeps_the_rows(db, make, archivist):
    case = closed_case(make)
    report = referred_report(make)
    kept = referred_report(make)
    lst = destruction.propose(AS_OF)
    destruction.exclude(items(lst)[kept.reference], reason="Nog nodig voor bezwaar", actor=archivist)
    destruction.approve(lst, actor=archivist)  # the outbox message runs at once (eager in the tests)
    db.session.expire_all()
    assert lst.status == "executed" and lst.executed_at is not None and lst.approved_by_id == archivist.id
    assert case.destroyed_at is not None and report.destroyed_at is not None and kept.destroyed_at is None
    assert report.description is None and kept.description is not None
    assert all(item.destroyed_at is not None for item in lst.items if item.excluded_at is None)
    assert db.session.get(Case, case.id).reference == case.reference  # the row stays


def test_executing_again_changes_nothing(db, make, archivist):
    closed_case(make)
    lst = destruction.propose(AS_OF)
    destruction.approve(lst, actor=archivist)
    before = [(item.id, item.destroyed_at) for item in db.session.scalars(destruction.items_of(lst))]
    result = destruction.execute(lst)
    assert result.finished and result.destroyed == 0
    db.session.expire_all()
    assert [(item.id, item.destroyed_at) for item in db.session.scalars(destruction.items_of(lst))] == before


def test_only_an_approved_list_is_executed(db, make):
    closed_case(make)
    lst = destruction.propose(AS_OF)
    with pytest.raises(ServiceError):
        destruction.execute(lst)


def test_a_hold_placed_after_approval_takes_the_case_off_and_the_list_still_finishes(
        db, make, archivist, monkeypatch):
    monkeypatch.setattr(destruction, "IN_PROCESS_SECONDS", 0.0)  # approval starts nothing: the hold comes between
    held, other = closed_case(make), closed_case(make)
    lst = destruction.propose(AS_OF)
    destruction.approve(lst, actor=archivist)
    assert db.session.scalar(sa.select(sa.func.count()).where(
        DestructionItem.list_id == lst.id, DestructionItem.destroyed_at.is_not(None))) == 0
    db.session.add(LegalHold(case_id=held.id, reason="Rechtszaak", placed_by_id=archivist.id))
    db.session.commit()
    result = destruction.execute(lst)
    assert result.finished and result.destroyed == 1 and result.taken_off == [held.reference]
    db.session.expire_all()
    taken_off = items(lst)[held.reference]
    assert taken_off.excluded_at is not None and taken_off.excluded_by_id is None
    assert "blokkade" in taken_off.exclusion_reason
    assert held.destroyed_at is None and other.destroyed_at is not None and lst.status == "executed"


def test_a_case_reopened_after_approval_is_not_destroyed(db, make, archivist, monkeypatch):
    monkeypatch.setattr(destruction, "IN_PROCESS_SECONDS", 0.0)
    case = closed_case(make)
    lst = destruction.propose(AS_OF)
    destruction.approve(lst, actor=archivist)
    case.destruction_due_on = case.archive_nomination = None
    db.session.commit()
    result = destruction.execute(lst)
    assert result.taken_off == [case.reference] and case.destroyed_at is None


def test_a_list_can_be_executed_in_slices(db, make, archivist, monkeypatch):
    monkeypatch.setattr(destruction, "IN_PROCESS_SECONDS", 0.0)
    for _ in range(3):
        closed_case(make)
    lst = destruction.propose(AS_OF)
    destruction.approve(lst, actor=archivist)
    assert destruction.unfinished_lists() == [lst.id]
    assert destruction.resume_unfinished() == 3
    assert destruction.unfinished_lists() == [] and lst.status == "executed"


def test_every_step_is_audited_without_content(db, make, archivist):
    closed_case(make)
    kept = referred_report(make, description="Geheime inhoud")
    lst = destruction.propose(AS_OF, actor=archivist)
    destruction.exclude(items(lst)[kept.reference], reason="Privé reden", actor=archivist)
    destruction.approve(lst, actor=archivist)
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_type == "destruction_list")
                                .order_by(AuditEvent.id)).all()
    assert [event.action for event in events] == [
        "destruction_propose", "destruction_exclude", "destruction_approve", "destruction_execute"]
    assert all(event.object_ref == lst.reference for event in events)
    assert events[2].detail == {"list_id": lst.id, "items": 1, "excluded": 1}
    assert events[3].detail["destroyed"] == 1 and events[3].detail["finished"] is True
    text = repr([event.detail for event in events])
    assert "Geheime" not in text and "Privé" not in text


def test_a_list_is_found_by_id_or_reference(db, make):
    closed_case(make)
    lst = destruction.propose(AS_OF)
    assert destruction.find_list(lst.reference) is lst
    assert destruction.find_list(str(lst.id)) is lst
    assert destruction.find_list(lst.reference.lower()) is lst
    for wrong in (f"VL-2025-{lst.id:04d}", "VL-2026-9999", "abc", "99999999999999"):
        with pytest.raises(NotFound):
            destruction.find_list(wrong)


def test_audit_days_past_their_rule_are_listed_and_destroyed_whole(db, make, archivist):
    old_day = datetime(2019, 3, 4, 10, tzinfo=UTC)
    for _ in range(3):
        db.session.add(AuditEvent(action="view", object_type="report", object_ref="GDT-X", occurred_at=old_day))
    db.session.commit()
    lst = destruction.propose(AS_OF, kind="audit")
    item = items(lst)["Audit 2019-03-04"]
    assert (item.object_type, item.object_id, item.report_count) == ("audit_day", 20190304, 3)
    destruction.approve(lst, actor=archivist)
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.occurred_at == old_day)) == 0
    assert lst.status == "executed"


def test_the_statement_holds_the_records_and_the_reasons(app, db, make, archivist):
    from gdt.services.retention import statement_pdf
    case = closed_case(make)
    kept = referred_report(make)
    lst = destruction.propose(AS_OF)
    destruction.exclude(items(lst)[kept.reference], reason="Bezwaarprocedure", actor=archivist)
    destruction.approve(lst, actor=archivist)
    with app.test_request_context():
        from flask_babel import force_locale
        with force_locale("nl"):
            statement = statement_pdf.summarise(lst)
    assert [row.reference for row in statement.rows] == [case.reference]
    assert statement.excluded[0].reference == kept.reference and "Bezwaarprocedure" in statement.excluded[0].excluded
    assert statement.per_type == [("Casussen", 1)] and statement.per_year == [("2026", 1)]
    assert statement.executed is not None and archivist.name in statement.approved


def test_the_statement_is_a_pdf(db, make, archivist, runner, tmp_path):
    closed_case(make)
    lst = destruction.propose(AS_OF)
    output = tmp_path / "verklaring.pdf"
    result = runner.invoke(args=["retention", "statement", lst.reference, "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert output.read_bytes().startswith(b"%PDF")


def test_the_commands_propose_review_approve_and_execute(db, make, archivist, runner, monkeypatch):
    monkeypatch.setattr(destruction, "IN_PROCESS_SECONDS", 0.0)
    case = closed_case(make)
    kept = referred_report(make)
    result = runner.invoke(args=["retention", "propose", "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0 and "2 item(s) proposed" in result.output
    reference = db.session.scalars(destruction.list_lists()).first().reference
    listed = runner.invoke(args=["retention", "list"])
    assert reference in listed.output and "proposed" in listed.output
    refused = runner.invoke(args=["retention", "exclude", reference, kept.reference, "--reason", "x",
                                  "--by", make.user(role="coordinator").email])
    assert refused.exit_code == 1 and "not an active archivist" in refused.output
    excluded = runner.invoke(args=["retention", "exclude", reference, kept.reference, "--reason", "Bezwaar",
                                   "--by", archivist.email])
    assert excluded.exit_code == 0, excluded.output
    approved = runner.invoke(args=["retention", "approve", reference, "--by", archivist.email])
    assert approved.exit_code == 0 and "approved" in approved.output
    executed = runner.invoke(args=["retention", "execute", reference])
    assert executed.exit_code == 0 and "1 destroyed" in executed.output and "executed" in executed.output
    shown = runner.invoke(args=["retention", "show", reference])
    assert f"{case.reference}" in shown.output and "Bezwaar" in shown.output
    again = runner.invoke(args=["retention", "approve", reference, "--by", archivist.email])
    assert again.exit_code == 1 and "goedgekeurd" in again.output


def test_the_commands_refuse_unknown_lists_and_bad_dates(db, runner):
    assert runner.invoke(args=["retention", "show", "VL-2026-0042"]).exit_code == 1
    assert runner.invoke(args=["retention", "propose", "--as-of", "1-6-2026"]).exit_code == 1
    assert "Nothing new" in runner.invoke(args=["retention", "propose"]).output


# --- the whole scenario: nothing of the content is left anywhere, except in what was taken off ----------------------

DESTROYED_MARK = "Zebrapad"  # in every text of what is destroyed
KEPT_MARK = "Giraffenhals"  # in every text of the item taken off the list
DESTROYED_CONTACT = ("quirijn.zebrapad@example.net", "0687650001")


def build_scenario(make, mark: str = DESTROYED_MARK, *, email: str = DESTROYED_CONTACT[0],
                   phone: str = DESTROYED_CONTACT[1], audio_seconds: float = 0.1) -> dict:
    """A closed case with everything a case can hold (reports, attachment, registration, referral with feedback,
    parties, journal, meeting, actions, kept mail, an idempotency record) and a referred report with a partner's
    answer; every text carries `mark`. Returns the case and report."""
    from gdt.models import (
        Action,
        ApiClient,
        CaseNote,
        CasePartner,
        IdempotencyRecord,
        LocalMail,
        Meeting,
        MeetingInvitee,
        PartnerRegistration,
    )
    from gdt.models.casework import CaseParty
    from gdt.services.core.transaction import unit_of_work
    from gdt.services.intake import attachments
    from tests import attachment_files as files

    police = make.partner("politie")
    contact = {"reporter_name": f"Melder {mark}", "reporter_email": email, "reporter_phone": phone,
               "street": f"{mark}straat", "city": f"{mark}stad"}
    case = make.case("closed", destruction_due_on=DUE, archive_nomination="destroy", mode="regie",
                     result_note=f"Resultaat {mark}")
    escalated = make.report("escalated", case=case, description=f"Beschrijving {mark}",
                            description_corrected=f"Correctie {mark}", triage_reason=f"Triage {mark}", **contact)
    registered = make.report("escalated", case=case, channel="partner", description=f"Aanmelding {mark}")
    session = make.session
    session.add_all([
        PartnerRegistration(report_id=registered.id, partner_id=police.id, registrant_name=f"Registrant {mark}",
                            registrant_email=f"registrant.{mark.lower()}@example.org", concerned_name=f"Zorg {mark}",
                            reason=f"Reden {mark}", already_tried=f"Geprobeerd {mark}"),
        CaseNote(case_id=case.id, author_id=make.user().id, body=f"Journaal {mark}"),
        CaseParty(case_id=case.id, name=f"Betrokkene {mark}", role="subject", note=f"Partij {mark}"),
        CasePartner(case_id=case.id, partner_id=police.id, role=f"Rol {mark}", contact_name=f"Contact {mark}",
                    contact_email=f"contact.{mark.lower()}@example.org"),
        LocalMail(recipient=email, subject=f"Uw melding {escalated.reference}",
                  body=f"Mail over {escalated.reference}: {mark}"),
    ])
    meeting = Meeting(case=case, starts_at=datetime(2026, 3, 5, 9, tzinfo=UTC), location=f"Zaal {mark}",
                      status="held", minutes=f"Notulen {mark}", invitees=[MeetingInvitee(name=f"Genodigde {mark}")])
    done = {"status": "done", "finished_at": datetime(2026, 3, 19, tzinfo=UTC)}
    session.add_all([meeting, Action(case=case, meeting=meeting, description=f"Actie {mark}", owner_partner=police,
                                     due_at=datetime(2026, 3, 20, tzinfo=UTC), progress=f"Voortgang {mark}", **done)])
    client = session.scalar(sa.select(ApiClient).limit(1)) or ApiClient(name="app", channel="app",
                                                                       token_hash="0" * 64)
    session.add(client)
    session.flush()
    session.add(IdempotencyRecord(client_id=client.id, key=f"key-{mark}", request_hash="0" * 64, status_code=201,
                                  response_body={"description": f"Beschrijving {mark}"}, report_id=escalated.id))
    session.commit()
    make.referral(report=None, case=case, partner=police, message=f"Advies {mark}",
                  feedback_note=f"Terugkoppeling case {mark}", status="handled", outcome="resolved",
                  finished_at=datetime(2026, 3, 10, tzinfo=UTC))
    referred = make.report("referred", destruction_due_on=DUE, description=f"Doorverwezen {mark}",
                           referred_partner=police, **contact)
    make.referral(report=referred, partner=police, question=f"Vraag {mark}", feedback_note=f"Antwoord {mark}",
                  status="handled", outcome="resolved", finished_at=datetime(2026, 3, 10, tzinfo=UTC))
    with unit_of_work():
        stored = [attachments.store(report, attachments.prepare("opname.wav", files.wav(audio_seconds)))
                  for report in (escalated, referred)]
    return {"case": case, "report": referred, "files": [attachment.storage_name for attachment in stored]}


def text_columns():
    for table in DestructionItem.metadata.sorted_tables:
        for column in table.columns:
            kind = column.type
            if isinstance(kind, (sa.String, sa.Text, sa.JSON)) or isinstance(
                    getattr(kind, "impl", None), (sa.String, sa.Text, sa.JSON)):
                yield table, column


def database_texts(session) -> str:
    """Every text and JSON value of every table, as one string (lower case)."""
    found = []
    for _table, column in text_columns():
        for (value,) in session.execute(sa.select(column).where(column.is_not(None))):
            found.append(repr(value))
    return "\n".join(found).lower()


def stored_files(directory) -> set[str]:
    """The names of the files in the attachment store (shared by the tests: generated names never repeat, the same
    bytes stored by another test would)."""
    from pathlib import Path
    return {path.name for path in Path(directory).rglob("*") if path.is_file()}


def test_a_full_destruction_leaves_no_content_anywhere_but_in_what_was_taken_off(app, db, make, archivist):
    destroyed = build_scenario(make)
    kept = build_scenario(make, KEPT_MARK, email="gerda.giraffenhals@example.net", phone="0687650002",
                          audio_seconds=0.2)
    kept["case"].destruction_due_on = date(2030, 1, 1)  # only its report is due (and taken off)
    db.session.commit()
    texts = database_texts(db.session)
    assert DESTROYED_MARK.lower() in texts and DESTROYED_CONTACT[0] in texts
    assert set(destroyed["files"]) <= stored_files(app.config["ATTACHMENT_DIR"])

    lst = destruction.propose(AS_OF)
    assert set(items(lst)) == {destroyed["case"].reference, destroyed["report"].reference,
                               kept["report"].reference}
    destruction.exclude(items(lst)[kept["report"].reference], reason="Bezwaarprocedure loopt", actor=archivist)
    destruction.approve(lst, actor=archivist)
    destruction.execute(lst)
    db.session.expire_all()

    texts = database_texts(db.session)
    for secret in (DESTROYED_MARK.lower(), *DESTROYED_CONTACT):
        assert secret not in texts, secret
    assert KEPT_MARK.lower() in texts and "gerda.giraffenhals@example.net" in texts
    on_disk = stored_files(app.config["ATTACHMENT_DIR"])
    assert not set(destroyed["files"]) & on_disk and set(kept["files"]) <= on_disk
    # The content-free rows and records stay.
    case, report = db.session.get(Case, destroyed["case"].id), destroyed["report"]
    assert (case.reference, case.status, case.mode, case.result) == (
        destroyed["case"].reference, "closed", "regie", "de-escalated")
    assert case.destroyed_at is not None and case.destruction_list_id == lst.id
    assert (report.channel, report.triage_outcome, report.destruction_list_id) == ("phone", "referred", lst.id)
    assert all(item.destroyed_at is not None and not item.pending_files
               for item in lst.items if item.excluded_at is None)

    before = (database_texts(db.session), stored_files(app.config["ATTACHMENT_DIR"]))
    assert destruction.execute(lst).destroyed == 0
    db.session.expire_all()
    assert (database_texts(db.session), stored_files(app.config["ATTACHMENT_DIR"])) == before


def test_the_nightly_run_proposes_both_kinds_and_resumes_approved_lists(db, make, archivist, monkeypatch):
    monkeypatch.setattr(destruction, "IN_PROCESS_SECONDS", 0.0)
    waiting = closed_case(make)
    earlier = destruction.propose(AS_OF)
    destruction.approve(earlier, actor=archivist)  # approved, not yet run
    due = referred_report(make)
    summary = destruction.run_nightly(AS_OF)
    db.session.expire_all()
    assert earlier.status == "executed" and waiting.destroyed_at is not None and summary["destroyed"] == 1
    proposed = destruction.find_list(summary["proposed_records"])
    assert proposed.status == "proposed" and set(items(proposed)) == {due.reference}
    assert "anonymised" in summary
    assert db.session.scalar(sa.select(sa.func.count()).where(
        AuditEvent.action == destruction.NIGHTLY_ACTION)) == 1


def test_the_nightly_run_is_due_once_a_day_after_its_hour(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "RETENTION_HOUR", 0)
    assert destruction.nightly_due()
    from gdt.services.core import audit
    audit.record_now(None, destruction.NIGHTLY_ACTION, "retention", "vandaag")
    assert not destruction.nightly_due()
    monkeypatch.setitem(app.config, "RETENTION_HOUR", 24)  # never reached today
    db.session.rollback()
    assert not destruction.nightly_due()


def test_the_in_process_scheduler_goes_on_with_an_approved_list(app, db, make, archivist, monkeypatch):
    from worker import embedded
    monkeypatch.setattr(destruction, "IN_PROCESS_SECONDS", 0.0)
    monkeypatch.setitem(app.config, "RETENTION_HOUR", 24)  # only the resumption here, not the nightly run
    case = closed_case(make)
    lst = destruction.propose(AS_OF)
    destruction.approve(lst, actor=archivist)
    monkeypatch.setattr(destruction, "IN_PROCESS_SECONDS", 20.0)
    embedded.run_once(app)
    db.session.expire_all()
    assert lst.status == "executed" and case.destroyed_at is not None


def test_on_a_worker_an_unfinished_list_queues_its_next_slice(app, db, make, archivist, monkeypatch):
    monkeypatch.setattr(destruction, "IN_PROCESS_SECONDS", 0.0)
    closed_case(make)
    lst = destruction.propose(AS_OF)
    destruction.approve(lst, actor=archivist)
    queued = []
    monkeypatch.setitem(app.config, "CELERY", app.config["CELERY"] | {"task_always_eager": False})
    monkeypatch.setattr(destruction, "WORKER_SECONDS", 0.0)
    monkeypatch.setattr(destruction.outbox, "enqueue", lambda topic, payload: queued.append((topic, payload)))
    destruction._execute_message({"list_id": lst.id})
    assert queued == [(destruction.EXECUTE_TOPIC, {"list_id": lst.id})] and lst.status == "approved"
    monkeypatch.setattr(destruction, "WORKER_SECONDS", 60.0)
    destruction._execute_message({"list_id": lst.id})
    assert len(queued) == 1 and db.session.get(DestructionList, lst.id).status == "executed"


def test_a_new_year_starts_a_new_list_so_references_never_change(db, make):
    closed_case(make)
    december = destruction.propose(date(2026, 12, 31))
    referred_report(make, due=date(2027, 1, 1))
    january = destruction.propose(date(2027, 1, 1))
    assert january.id != december.id and december.reference.startswith("VL-2026-")
    assert january.reference.startswith("VL-2027-") and len(january.items) == 1


def test_the_nightly_run_dates_what_was_closed_before_the_rules_and_proposes_it_when_due(db, make):
    long_ago = datetime(AS_OF.year - 6, 3, 1, tzinfo=UTC)  # past every default case rule (at most 20 years: keep)
    undated = make.case("closed", opened_at=long_ago, received_at=long_ago, closed_at=long_ago, result="stopped")
    recent = make.case("closed", result="stopped")
    assert undated.destruction_due_on is None and undated.archive_nomination is None
    summary = destruction.run_nightly(AS_OF)
    db.session.expire_all()
    assert summary["dated"]["cases"] == 2
    assert undated.destruction_due_on < AS_OF and recent.destruction_due_on > AS_OF
    assert set(items(destruction.find_list(summary["proposed_records"]))) == {undated.reference}
    assert destruction.run_nightly(AS_OF)["dated"] == {"cases": 0, "reports": 0}
