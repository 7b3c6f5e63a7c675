"""Case tallies: the grouped counts equal a count of the cases themselves, through the whole case lifecycle.

On PostgreSQL the figures come from the tallies the triggers on `cases` keep; each test compares them with the same
GROUP BY over `cases` (`_from_cases`, which is also SQLite's way) and with `check()`, so both paths are held to one
answer. The property test runs random histories through the services: opening, deciding the mode, closing,
reopening, merging, a report moving the year of receipt, destruction, deletes and set-based updates.
"""
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from gdt.db import AMSTERDAM, db, utcnow
from gdt.models import Case, CaseTally
from gdt.services.casework import bundling, cases
from gdt.services.reporting import bulk_load, case_tallies, funnel, outcome_counts, report_tallies, statistics

GROUPINGS = [("cases", ("source", "mode")), ("cases", ()), ("to_close", ("minutes",)), ("result", ("result",)),
             ("open_to_close", ("mode", "minutes")), ("open_to_close", ("minutes",)), ("to_close_h", ("minutes",)),
             ("to_close_d", ("minutes",)), ("open_to_close_h", ("mode", "minutes")), ("open_to_close_d", ("minutes",))]


def local(*parts):
    return datetime(*parts, tzinfo=AMSTERDAM).astimezone(UTC)


def in_order(rows):
    return sorted((tuple(row) for row in rows), key=repr)


def years_seen():
    return list(range(2024, utcnow().astimezone(AMSTERDAM).year + 2))


def assert_tallies_match_the_cases(years=None):
    years = years or years_seen()
    for facet, by in GROUPINGS:
        tallied = in_order(case_tallies.grouped(facet, years, by))
        counted = in_order(db.session.execute(case_tallies._from_cases(facet, min(years), max(years), by)))
        assert tallied == counted, (facet, by)
    assert case_tallies.check() == []


@pytest.fixture
def postgresql_only(db):
    if not case_tallies.uses_tallies():
        pytest.skip("the tallies are PostgreSQL's; SQLite counts the cases themselves")


def test_cases_count_in_their_amsterdam_year_and_merged_cases_not_at_all(make):
    make.case(received_at=local(2026, 1, 1, 0, 30), mode="advice")  # 31 December 23:30 UTC
    make.case(received_at=local(2025, 12, 31, 23, 30), source="partner")
    target = make.case(received_at=local(2026, 6, 1, 9))
    make.case("merged", received_at=local(2026, 6, 2, 9), merged_into_id=target.id)
    make.case("closed", received_at=local(2025, 3, 1, 9), opened_at=local(2025, 3, 2, 9),
              closed_at=local(2026, 1, 1, 0, 10), result="de-escalated", mode="regie")
    assert in_order(case_tallies.grouped("cases", [2025, 2026], ("source", "mode"))) == [
        (2025, "partner", None, 1), (2025, "report", "regie", 1), (2026, "report", "advice", 1),
        (2026, "report", None, 1)]
    assert in_order(case_tallies.grouped("result", [2025, 2026], ("result",))) == [(2026, "de-escalated", 1)]
    # Receipt → closing counts in the year received, opening → closing in the year closed.
    assert in_order(case_tallies.grouped("to_close", [2025, 2026], ("minutes",))) == [
        (2025, (local(2026, 1, 1, 0, 10) - local(2025, 3, 1, 9)).total_seconds() // 60, 1)]
    assert in_order(case_tallies.grouped("open_to_close", [2025, 2026], ("mode", "minutes"))) == [
        (2026, "regie", (local(2026, 1, 1, 0, 10) - local(2025, 3, 2, 9)).total_seconds() // 60, 1)]
    assert_tallies_match_the_cases([2025, 2026])


def test_the_figures_the_page_shows_come_out_the_same_from_the_tallies(make):
    for day, mode in enumerate(("advice", "regie", "advice", None), start=1):
        make.case("closed", received_at=local(2026, 2, day, 9), opened_at=local(2026, 2, day, 10),
                  closed_at=local(2026, 3, day * 2, 9), result="de-escalated", mode=mode)
    document = statistics.yearly_statistics(2026)
    assert document["gdt"]["all_cases"]["total"] == 4
    assert funnel.yearly_funnel(2026)["time_to_close"].count == 4
    assert outcome_counts.durations_per_mode([2026])[2026]["advice"].count == 2
    assert ("de-escalated", 4) in [(key, count) for key, _, count in outcome_counts.closed_per_result(2026)]


moments = st.one_of(
    st.builds(lambda year, day, minute: local(year, 1, 1) + (local(year, 12, 31) - local(year, 1, 1)) * day
              + (local(year, 1, 1, 0, minute) - local(year, 1, 1)), st.sampled_from((2024, 2025)),
              st.floats(0, 1), st.integers(0, 59)),
    st.builds(lambda year: local(year, 1, 1, 0, 30), st.sampled_from((2025, 2026))),
    st.builds(lambda year: local(year, 12, 31, 23, 30), st.sampled_from((2024, 2025))),
)
steps = st.lists(st.tuples(
    st.sampled_from(("decide", "close", "close_back", "reopen", "merge", "move", "destroy", "delete", "bulk_mode")),
    st.integers(0, 5), st.integers(0, 5), st.sampled_from(("advice", "regie")), moments), max_size=14)


@settings(max_examples=30, deadline=None, derandomize=True, phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(opened=st.lists(st.tuples(moments, st.sampled_from(("report", "partner"))), min_size=1, max_size=6),
       history=steps)
def test_every_step_of_a_case_keeps_the_tallies_exact(make, opened, history):
    """The examples share the test's transaction (rolled back at its end): earlier cases stay in the counts."""
    make.defaults()
    coordinator = make.user("coordinator")
    pool = [make.case(received_at=moment, source=source, coordinator=coordinator) for moment, source in opened]
    db.session.commit()
    for action, first, second, mode, moment in history:
        _apply(action, pool, pool[first % len(pool)], pool[second % len(pool)], mode, moment, coordinator)
        db.session.commit()
        pool = [case for case in pool if sa.inspect(case).persistent]
        if not pool:
            break
    assert_tallies_match_the_cases()
    report_tallies.compact_now()  # what the worker runs: it merges the case tallies too
    assert db.session.scalar(sa.select(sa.func.count()).where(CaseTally.compacted.is_(False))) == 0
    assert_tallies_match_the_cases()


def _apply(action, pool, case, other, mode, moment, coordinator) -> None:
    """One step of a case's life, through the service where the lifecycle has one; steps the lifecycle does not
    allow in the case's state are skipped (nothing changes a destroyed case but a delete or a set-based update)."""
    if case.destroyed_at is not None and action not in ("delete", "bulk_mode"):
        return
    if action == "decide" and case.status == "open":
        cases.decide_mode(case, mode, actor=coordinator, seen_version=case.version)
    elif action == "close" and case.status == "open":
        cases.close_case(case, "de-escalated", None, actor=coordinator, seen_version=case.version)
    elif action == "close_back" and case.status == "open":  # an import or a correction: closed in another year
        db.session.execute(sa.update(Case).where(Case.id == case.id).values(
            status="closed", result="resolved", opened_at=case.received_at, closed_at=max(moment, case.received_at)))
        db.session.expire(case)
    elif action == "reopen" and case.status == "closed":
        cases.reopen_case(case, "Opnieuw overlast.", actor=coordinator, seen_version=case.version)
    elif action == "merge" and case.status == other.status == "open" and case is not other:
        bundling.merge(case, other.reference, actor=coordinator, seen_version=case.version)
    elif action == "move" and case.status != "merged" and moment <= case.opened_at:
        case.received_at = moment  # a report received earlier joined it (gdt.services.casework.bundling)
    elif action == "destroy" and case.status != "open":  # content goes, the row and its keys stay (decision 0023)
        case.result_note, case.destroyed_at = None, utcnow()
    elif action == "delete" and case.status != "merged" and not db.session.scalar(
            sa.select(sa.func.count()).where(Case.merged_into_id == case.id)):
        db.session.delete(case)
    elif action == "bulk_mode":  # a set-based update over several rows in one statement
        db.session.execute(sa.update(Case).where(Case.status == "open", Case.mode.is_(None)).values(mode=mode))
        db.session.expire_all()


def test_check_finds_a_tampered_case_tally_and_rebuild_repairs_it(postgresql_only, make):
    make.case(received_at=local(2026, 2, 1, 9))
    db.session.add(CaseTally(year=2026, facet="cases", source="report", count=4))
    [difference] = case_tallies.check()
    assert (difference.year, difference.facet, difference.tallied, difference.counted) == (2026, "cases", 5, 1)
    case_tallies.rebuild()
    assert_tallies_match_the_cases()


def test_a_bulk_load_with_the_triggers_paused_ends_with_exact_tallies(make):
    make.defaults()
    make.case(received_at=local(2025, 5, 1, 9))
    make.report(channel="app", received_at=local(2025, 5, 1, 9))
    db.session.commit()
    with bulk_load.tallies_paused() as load:
        db.session.execute(sa.insert(Case), [
            {"reference": f"GDT-H-{number}", "source": "partner", "status": "open",
             "received_at": local(2024, 4, 1 + number, 9), "opened_at": local(2024, 4, 1 + number, 9)}
            for number in range(3)])
    assert load.load_seconds >= 0 and load.rebuild_seconds >= 0
    assert in_order(case_tallies.grouped("cases", [2024, 2025], ())) == [(2024, 3), (2025, 1)]
    assert_tallies_match_the_cases()
    assert report_tallies.check() == []
    # The triggers are on again: what comes next is counted as it happens.
    make.case(received_at=local(2024, 7, 1, 9))
    db.session.commit()
    assert in_order(case_tallies.grouped("cases", [2024], ())) == [(2024, 4)]
    assert_tallies_match_the_cases()


def test_flask_tallies_load_runs_a_script_with_the_triggers_paused(postgresql_only, make, runner, tmp_path):
    make.defaults()
    db.session.commit()
    script = tmp_path / "history.sql"
    script.write_text("""
        CREATE TEMPORARY TABLE old_cases AS SELECT n FROM generate_series(1, 5) AS n;
        INSERT INTO cases (reference, source, status, mode, received_at, opened_at, closed_at, result, version,
                           created_at, updated_at)
        SELECT 'GDT-OUD-' || n, 'report', 'closed', 'advice', timestamp '2019-03-01 08:00' + n * interval '1 day',
               timestamp '2019-03-01 09:00' + n * interval '1 day', timestamp '2019-06-01 09:00', 'resolved', 1,
               now(), now()
        FROM old_cases;
        UPDATE cases SET mode = 'regie' WHERE reference LIKE 'GDT-OUD-%' AND received_at >= '2019-03-05';
    """, encoding="utf-8")
    loaded = runner.invoke(args=["tallies", "load", str(script)])
    assert loaded.exit_code == 0, loaded.output
    assert "tallies counted again" in loaded.output
    assert in_order(case_tallies.grouped("result", [2019], ("result",))) == [(2019, "resolved", 5)]
    assert in_order(case_tallies.grouped("cases", [2019], ("mode",))) == [(2019, "advice", 3), (2019, "regie", 2)]
    assert_tallies_match_the_cases([2019])
    assert runner.invoke(args=["tallies", "check"]).exit_code == 0


def test_a_grouping_outside_the_facet_is_refused(db):
    with pytest.raises(ValueError):
        case_tallies.grouped("result", [2026], ("mode",))
    with pytest.raises(ValueError):
        case_tallies.grouped("unknown", [2026], ())
