"""The audit trail's chains: every event linked as it is written, and whatever is changed, removed or added behind
the application's back (raw SQL) found and located by verify; the retention hooks destroy whole days."""
import json
import logging
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from gdt.models import AuditChainHead, AuditEvent, DestructionList, RetentionRule
from gdt.services.core import audit, audit_chain, audit_verify

DAYS = (date(2026, 3, 9), date(2026, 3, 10), date(2026, 3, 12))


@pytest.fixture
def clock(monkeypatch):
    """`clock.at(day, hour)` sets the time events are written at (Amsterdam day, 10:00 UTC by default)."""

    class Clock:
        def at(self, day: date, hour: int = 10, microsecond: int = 123456) -> datetime:
            moment = datetime(day.year, day.month, day.day, hour, 0, 0, microsecond, tzinfo=UTC)
            monkeypatch.setattr(audit_chain, "_clock", lambda: moment)
            return moment

    return Clock()


def write(db, actor, count: int, *, per_transaction: int = 1, action: str = "view") -> None:
    for start in range(0, count, per_transaction):
        for n in range(start, min(count, start + per_transaction)):
            audit.record(actor, action, "report", f"GDT-2026-{n:06d}", detail={"fields": ["description"], "n": n})
        db.session.commit()


@pytest.fixture
def trail(db, make, clock):
    """Events over three days, some transactions writing one, some several; returns them in id order."""
    actor = make.user("coordinator")
    for hour, day in enumerate(DAYS):
        clock.at(day, 8 + hour)
        write(db, actor, 7)
        write(db, None, 9, per_transaction=3, action="login")
    return events(db)


def events(db) -> list[AuditEvent]:
    db.session.expire_all()
    return db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()


def raw(db, statement: str, **values) -> None:
    db.session.execute(sa.text(statement), values)


def longest_chain(trail) -> list[AuditEvent]:
    """The events of the chain with the most of them (on PostgreSQL transactions take one of eight at random)."""
    chains = {}
    for event in trail:
        chains.setdefault(event.chain_key, []).append(event)
    return sorted(max(chains.values(), key=len), key=lambda event: event.chain_seq)


def only(problems, kind: str):
    assert [problem.kind for problem in problems] == [kind], problems
    return problems[0]


# --- linking ----------------------------------------------------------------------------------------------------------

def test_verify_passes_after_normal_use(db, trail):
    result = audit_verify.check()
    assert result.problems == []
    assert result.events == len(trail) == 48
    assert result.chains == len({event.chain_key for event in trail}) >= len(DAYS)
    assert audit_chain.verify() == []


def test_each_event_is_the_next_link_of_a_chain_of_its_amsterdam_day(db, trail, app):
    by_chain = {}
    for event in trail:
        by_chain.setdefault(event.chain_key, []).append(event)
    for key, links in by_chain.items():
        assert key.split("-")[0] in {f"{day:%Y%m%d}" for day in DAYS}
        links.sort(key=lambda event: event.chain_seq)
        assert [event.chain_seq for event in links] == list(range(1, len(links) + 1))
        previous = None
        for event in links:
            fields = {name: getattr(event, name) for name in audit_chain.HASHED_FIELDS}
            assert event.chain_hash == audit_chain.link_hash(audit_chain.signing_key(), key, event.chain_seq,
                                                             previous, fields)
            previous = event.chain_hash
        head = db.session.get(AuditChainHead, key)
        assert (head.last_seq, head.last_hash) == (links[-1].chain_seq, links[-1].chain_hash)


def test_a_day_is_the_amsterdam_day(db, make, clock):
    clock.at(date(2026, 3, 9), hour=23)  # 00:00 on 10 March in Amsterdam
    write(db, None, 1)
    assert events(db)[0].chain_key.startswith("20260310-")


def test_the_time_is_set_before_hashing_and_read_back_to_the_microsecond(db, clock):
    written = clock.at(DAYS[0], microsecond=987654)
    write(db, None, 1)
    assert events(db)[0].occurred_at == written
    assert audit_verify.verify() == []


def test_a_transaction_keeps_the_chain_it_took(db, clock):
    clock.at(DAYS[0])
    write(db, None, 5, per_transaction=5)
    trail = events(db)
    assert len({event.chain_key for event in trail}) == 1
    assert [event.chain_seq for event in trail] == [1, 2, 3, 4, 5]


def test_a_rolled_back_event_leaves_no_gap(db, clock):
    clock.at(DAYS[0])
    write(db, None, 2)
    audit.record(None, "view", "report", "GDT-X")
    db.session.rollback()
    write(db, None, 2)
    assert audit_verify.verify() == []


def test_each_day_gets_its_heads_and_the_next_days(db, clock, app):
    clock.at(DAYS[0])
    write(db, None, 1)
    heads = db.session.execute(sa.select(AuditChainHead.day, sa.func.count()).group_by(AuditChainHead.day)).all()
    shards = app.config["AUDIT_CHAIN_SHARDS"] if db.engine.dialect.name == "postgresql" else 1
    assert sorted(heads) == [(DAYS[0], shards), (DAYS[0] + timedelta(days=1), shards)]


# --- what verify finds ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("column", "value"), [
    ("action", "'export'"), ("actor_role", "'admin'"), ("object_ref", "'GDT-2026-999999'"), ("outcome", "'denied'"),
    ("origin", "'10.0.0.1'"), ("detail", "NULL"), ("occurred_at", "occurred_at"), ("actor_id", "NULL"),
    ("chain_hash", "'0000'"),
])
def test_an_update_of_one_column_is_found_at_its_event(db, trail, column, value):
    victim = trail[20]
    if column == "occurred_at":  # a second earlier, the value SQLite and PostgreSQL store alike
        raw(db, "UPDATE audit_events SET occurred_at = :moment WHERE id = :id", id=victim.id,
            moment=(victim.occurred_at - timedelta(seconds=1)).replace(tzinfo=None))
    else:
        raw(db, f"UPDATE audit_events SET {column} = {value} WHERE id = :id", id=victim.id)
    problem = only(audit_verify.verify(), "changed")
    assert (problem.chain_key, problem.seq, problem.event_id) == (victim.chain_key, victim.chain_seq, victim.id)
    assert problem.day == audit_chain.event_day(victim.occurred_at)
    assert f"chain {victim.chain_key}, seq {victim.chain_seq}, event id {victim.id}" in problem.location


def test_a_deleted_event_in_the_middle_is_found(db, trail):
    chain = longest_chain(trail)
    victim = chain[len(chain) // 2]
    raw(db, "DELETE FROM audit_events WHERE id = :id", id=victim.id)
    problem = only(audit_verify.verify(), "removed")
    assert (problem.chain_key, problem.seq) == (victim.chain_key, victim.chain_seq)
    assert problem.message == f"event {victim.chain_seq} is missing from the chain"


def test_a_deleted_last_event_is_found_by_its_head(db, trail):
    chain = [event for event in trail if event.chain_key == trail[-1].chain_key]
    raw(db, "DELETE FROM audit_events WHERE id = :id", id=chain[-1].id)
    problem = only(audit_verify.verify(), "removed")
    assert (problem.chain_key, problem.seq) == (chain[-1].chain_key, chain[-1].chain_seq)


def test_several_deleted_events_are_one_problem(db, trail):
    chain = longest_chain(trail)
    assert len(chain) > 3
    for victim in chain[1:3]:
        raw(db, "DELETE FROM audit_events WHERE id = :id", id=victim.id)
    problem = only(audit_verify.verify(), "removed")
    assert problem.message == f"events {chain[1].chain_seq} to {chain[2].chain_seq} are missing from the chain"


def test_a_fabricated_event_without_a_chain_is_found(db, trail):
    raw(db, "INSERT INTO audit_events (occurred_at, action, object_type, object_ref, outcome) "
            "VALUES (:moment, 'view', 'report', 'GDT-2026-000001', 'ok')",
        moment=(trail[-1].occurred_at + timedelta(minutes=5)).replace(tzinfo=None))
    problem = only(audit_verify.verify(), "inserted")
    assert problem.chain_key is None and problem.event_id > trail[-1].id and problem.day == DAYS[-1]


def test_a_fabricated_event_beyond_a_chains_head_is_found(db, trail):
    last = max((event for event in trail if event.chain_key == trail[0].chain_key), key=lambda e: e.chain_seq)
    raw(db, "INSERT INTO audit_events (occurred_at, action, object_type, outcome, chain_key, chain_seq, chain_hash) "
            "VALUES (:moment, 'view', 'report', 'ok', :key, :seq, :hash)",
        moment=last.occurred_at.replace(tzinfo=None), key=last.chain_key, seq=last.chain_seq + 1, hash="ab" * 32)
    problem = only(audit_verify.verify(), "inserted")
    assert (problem.chain_key, problem.seq) == (last.chain_key, last.chain_seq + 1)


def test_a_fabricated_event_in_a_made_up_chain_is_found(db, trail):
    raw(db, "INSERT INTO audit_events (occurred_at, action, object_type, outcome, chain_key, chain_seq, chain_hash) "
            "VALUES (:moment, 'view', 'report', 'ok', '20260310-77', 1, NULL)",
        moment=trail[-1].occurred_at.replace(tzinfo=None))
    problem = only(audit_verify.verify(), "inserted")
    assert (problem.chain_key, problem.seq, problem.day) == ("20260310-77", 1, date(2026, 3, 10))


def test_a_fabricated_event_with_a_chain_but_no_place_is_found(db, trail):
    raw(db, "INSERT INTO audit_events (occurred_at, action, object_type, outcome, chain_key) "
            "VALUES (:moment, 'view', 'report', 'ok', :key)", moment=trail[0].occurred_at.replace(tzinfo=None),
        key=trail[0].chain_key)
    assert only(audit_verify.verify(), "inserted").chain_key == trail[0].chain_key


def test_a_head_moved_is_a_head_mismatch(db, trail):
    raw(db, "UPDATE audit_chain_heads SET last_hash = :hash WHERE chain_key = :key", hash="cd" * 32,
        key=trail[0].chain_key)
    assert only(audit_verify.verify(), "head_mismatch").chain_key == trail[0].chain_key


def test_events_older_than_the_chain_are_counted_not_reported(db, trail):
    raw(db, "INSERT INTO audit_events (occurred_at, action, object_type, outcome) VALUES (:moment, 'view', 'case', "
            "'ok')", moment=datetime(2025, 1, 1, 12))
    result = audit_verify.check()
    assert result.problems == [] and result.unchained == 1


def test_verify_reads_in_batches_and_finds_the_same(db, trail):
    victims = trail[5], trail[30]
    for victim in victims:
        raw(db, "UPDATE audit_events SET action = 'export' WHERE id = :id", id=victim.id)
    problems = audit_verify.check(batch_size=4).problems
    assert sorted(problem.event_id for problem in problems) == sorted(victim.id for victim in victims)
    assert audit_verify.check(batch_size=4).events == len(trail)


def test_verify_of_some_days_looks_only_at_them(db, trail):
    victim = next(event for event in trail if event.chain_key.startswith("20260309"))
    raw(db, "UPDATE audit_events SET action = 'export' WHERE id = :id", id=victim.id)
    assert audit_verify.verify(DAYS[1], DAYS[2]) == []
    assert audit_verify.check(DAYS[1], DAYS[2]).events == 32
    assert only(audit_verify.verify(DAYS[0], DAYS[0]), "changed").event_id == victim.id


# --- the key ----------------------------------------------------------------------------------------------------------

def test_links_made_with_a_former_key_still_verify(db, app, trail, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_CHAIN_KEY", "a new audit chain key of more than 32 characters")
    assert audit_verify.verify() == []  # SECRET_KEY, the key before AUDIT_CHAIN_KEY was set, still verifies
    monkeypatch.setitem(app.config, "SECRET_KEY", "another key")
    assert {problem.kind for problem in audit_verify.verify()} == {"changed"}
    monkeypatch.setitem(app.config, "AUDIT_CHAIN_KEY_FALLBACKS", ["test-only-not-secret"])
    assert audit_verify.verify() == []


# --- retention --------------------------------------------------------------------------------------------------------

@pytest.fixture
def audit_list(make, db):
    destruction_list = DestructionList(kind="audit", as_of=date(2031, 4, 1))
    db.session.add(destruction_list)
    db.session.flush()
    return destruction_list


def test_expired_days_are_the_days_past_the_rule_with_their_counts(db, trail):
    assert audit_chain.expired_days(date(2031, 3, 9)) == [(DAYS[0], 16)]  # five years by default
    assert audit_chain.expired_days(date(2031, 3, 20)) == [(DAYS[0], 16), (DAYS[1], 16), (DAYS[2], 16)]
    assert audit_chain.expired_days(date(2031, 3, 8)) == []
    db.session.add(RetentionRule(kind="audit", key="", months=12))
    assert audit_chain.expired_days(date(2027, 3, 10)) == [(DAYS[0], 16), (DAYS[1], 16)]


def test_a_destroyed_day_is_gone_and_verify_accepts_its_chains(db, trail, audit_list, clock):
    older = datetime(2025, 5, 1, 12)
    raw(db, "INSERT INTO audit_events (occurred_at, action, object_type, outcome) VALUES (:m, 'view', 'case', 'ok')",
        m=older)
    clock.at(date(2031, 4, 1))
    assert audit_chain.destroy_day(DAYS[1], audit_list.id) == 16
    assert audit_chain.destroy_day(date(2025, 5, 1), audit_list.id) == 1
    result = audit_verify.check()
    assert result.problems == [] and result.events == 32 and result.unchained == 0
    assert result.destroyed_chains == db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditChainHead).where(AuditChainHead.day == DAYS[1]))
    assert [day for day, _ in audit_chain.expired_days(date(2031, 4, 1))] == [DAYS[0], DAYS[2]]
    assert not [event for event in events(db) if event.chain_key.startswith("20260310")]


def test_an_event_added_to_a_destroyed_day_is_found(db, trail, audit_list, clock):
    clock.at(date(2031, 4, 1))
    audit_chain.destroy_day(DAYS[0], audit_list.id)
    key = trail[0].chain_key
    raw(db, "INSERT INTO audit_events (occurred_at, action, object_type, outcome, chain_key, chain_seq, chain_hash) "
            "VALUES (:moment, 'view', 'report', 'ok', :key, 1, :hash)", moment=datetime(2026, 3, 9, 9), key=key,
        hash=trail[0].chain_hash)
    problem = only(audit_verify.verify(), "inserted")
    assert problem.chain_key == key and str(audit_list.id) in problem.message


def test_yesterday_and_today_cannot_be_destroyed(db, trail, audit_list, clock):
    clock.at(DAYS[2] + timedelta(days=1))
    with pytest.raises(ValueError):
        audit_chain.destroy_day(DAYS[2], audit_list.id)
    assert audit_verify.check().events == len(trail)


def test_a_checkpoint_logs_the_heads_and_shows_a_cut_off_tail(db, trail, caplog):
    with caplog.at_level(logging.INFO, logger="gdt.audit"):
        document = audit_chain.checkpoint(DAYS[0])
    [line] = [record.getMessage() for record in caplog.records if record.name == "gdt.audit"]
    assert json.loads(line.removeprefix("audit chain checkpoint ")) == document
    chain = longest_chain([event for event in trail if event.chain_key.startswith(f"{DAYS[0]:%Y%m%d}-")])
    assert len(chain) > 1
    logged = next(head for head in document["chains"] if head["key"] == chain[0].chain_key)
    assert (logged["last_seq"], logged["last_hash"]) == (chain[-1].chain_seq, chain[-1].chain_hash)
    assert audit_verify.compare_checkpoint(document) == []
    # Cut off the last event and move the head back: the chain looks whole, the checkpoint does not match.
    raw(db, "DELETE FROM audit_events WHERE id = :id", id=chain[-1].id)
    raw(db, "UPDATE audit_chain_heads SET last_seq = :seq, last_hash = :hash WHERE chain_key = :key",
        seq=chain[-2].chain_seq, hash=chain[-2].chain_hash, key=chain[0].chain_key)
    assert audit_verify.verify() == []
    problem = only(audit_verify.compare_checkpoint(document), "removed")
    assert (problem.chain_key, problem.seq) == (chain[-1].chain_key, chain[-1].chain_seq)
