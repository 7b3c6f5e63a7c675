"""`flask audit verify` and `flask audit checkpoint`: what the privacy officer or an auditor runs."""
import json
from datetime import date

import sqlalchemy as sa

from gdt.models import AuditEvent
from gdt.services.core import audit, audit_chain


def write(db, count: int) -> list[AuditEvent]:
    for n in range(count):
        audit.record(None, "view", "report", f"GDT-2026-{n:06d}")
        db.session.commit()
    db.session.expire_all()
    return db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()


def test_an_intact_trail_is_reported_in_one_line(db, runner):
    events = write(db, 4)
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    chains = len({event.chain_key for event in events})
    assert result.stdout.strip() == f"Audit trail intact: 4 events in {chains} chains checked."


def test_each_problem_is_printed_with_its_place_and_the_command_fails(db, runner):
    events = write(db, 3)
    db.session.execute(sa.text("UPDATE audit_events SET object_ref = 'GDT-2026-999999' WHERE id = :id"),
                       {"id": events[1].id})
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    day = audit_chain.event_day(events[1].occurred_at)
    assert (f"changed: chain {events[1].chain_key}, seq {events[1].chain_seq}, event id {events[1].id}, "
            f"day {day.isoformat()}: its link does not verify") in result.stdout
    assert "Audit trail NOT intact: 1 problems in 3 events" in result.stderr


def test_older_unchained_events_are_mentioned_not_failed(db, runner):
    db.session.execute(sa.text("INSERT INTO audit_events (occurred_at, action, object_type, outcome) "
                               "VALUES ('2025-01-01 10:00:00', 'view', 'case', 'ok')"))
    write(db, 1)
    result = runner.invoke(args=["audit", "verify", "--from", "2024-12-31"])
    assert result.exit_code == 0, result.output
    assert "1 events are not chained (older than the chain)" in result.stdout


def test_days_are_checked_from_and_to(db, runner):
    write(db, 2)
    result = runner.invoke(args=["audit", "verify", "--from", "2020-01-01", "--to", "2020-01-31"])
    assert result.exit_code == 0 and "Audit trail intact: 0 events in 0 chains checked." in result.stdout
    wrong = runner.invoke(args=["audit", "verify", "--from", "1 januari"])
    assert wrong.exit_code == 2 and "is not a date as YYYY-MM-DD" in wrong.output
    reversed_ = runner.invoke(args=["audit", "verify", "--from", "2020-02-01", "--to", "2020-01-01"])
    assert reversed_.exit_code == 2 and "--from is after --to" in reversed_.output


def test_a_logged_checkpoint_shows_a_cut_off_tail(db, runner, tmp_path):
    events = write(db, 3)
    day = audit_chain.event_day(events[0].occurred_at)
    printed = runner.invoke(args=["audit", "checkpoint", "--day", day.isoformat()])
    assert printed.exit_code == 0
    line = printed.stdout.strip()
    assert line.startswith("audit chain checkpoint ")
    log = tmp_path / "gdt.log"  # as a JSON log store keeps it
    log.write_text(json.dumps({"level": "INFO", "logger": "gdt.audit", "message": line}) + "\n")
    assert runner.invoke(args=["audit", "verify", "--checkpoints", str(log)]).exit_code == 0
    chain = sorted((event for event in events if event.chain_key == events[-1].chain_key), key=lambda e: e.chain_seq)
    last, before = chain[-1], (chain[-2].chain_hash if len(chain) > 1 else None)
    db.session.execute(sa.text("DELETE FROM audit_events WHERE id = :id"), {"id": last.id})
    db.session.execute(sa.text("UPDATE audit_chain_heads SET last_seq = last_seq - 1, last_hash = :hash "
                               "WHERE chain_key = :key"), {"key": last.chain_key, "hash": before})
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0  # the chain alone looks whole
    result = runner.invoke(args=["audit", "verify", "--checkpoints", str(log)])
    assert result.exit_code == 1
    assert f"removed: chain {last.chain_key}, seq {last.chain_seq}" in result.stdout
    assert date.fromisoformat(json.loads(line.split(" ", 3)[3])["day"]) == day
