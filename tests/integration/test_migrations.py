"""`flask db upgrade` builds the schema from nothing, `flask db check` finds no drift, downgrade undoes it."""
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

import config

pytestmark = pytest.mark.integration


def _flask(*args, url, tmp_path):
    env = os.environ | {"DATABASE_URL": url, "GDT_INSTANCE_DIR": str(tmp_path / "instance"), "GDT_ENV": "development"}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=config.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


def test_upgrade_check_and_downgrade_on_an_empty_database(fresh_database_url, tmp_path):
    upgrade = _flask("db", "upgrade", url=fresh_database_url, tmp_path=tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    engine = sa.create_engine(fresh_database_url)
    tables = set(sa.inspect(engine).get_table_names())
    assert {"reports", "cases", "users", "partners", "audit_events", "alembic_version"} <= tables

    check = _flask("db", "check", url=fresh_database_url, tmp_path=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr

    downgrade = _flask("db", "downgrade", "base", url=fresh_database_url, tmp_path=tmp_path)
    assert downgrade.returncode == 0, downgrade.stderr
    assert set(sa.inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()


def test_check_constraints_are_named_in_the_database(fresh_database_url, tmp_path):
    assert _flask("db", "upgrade", url=fresh_database_url, tmp_path=tmp_path).returncode == 0
    engine = sa.create_engine(fresh_database_url)
    names = {check["name"] for check in sa.inspect(engine).get_check_constraints("reports")}
    engine.dispose()
    assert {"ck_reports_referred_has_partner", "ck_reports_triaged_unless_received",
            "ck_reports_anonymous_has_no_details"} <= names


def test_the_tallies_migration_counts_existing_reports_and_then_keeps_counting(fresh_database_url, tmp_path):
    """Reports from before the tallies are counted by the migration; the triggers count every change after it."""
    assert _flask("db", "upgrade", "eec93557b781", url=fresh_database_url, tmp_path=tmp_path).returncode == 0
    engine = sa.create_engine(fresh_database_url)
    report = ("INSERT INTO reports (reference, channel, received_at, status, category_id, postcode, house_number, "
              "reporter_is_anonymous, reporter_may_contact, version, created_at, updated_at) VALUES "
              "(:reference, 'app', :at, 'received', 1, '5611AB', 1, true, false, 1, :at, :at)")
    at = "2025-12-31 23:30:00"  # UTC: 1 January 2026, 00:30 in Amsterdam
    with engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO categories (id, key, label, position, is_active) "
                                   "VALUES (1, 'geluid', 'Geluid', 0, true)"))
        connection.execute(sa.text(report), {"reference": "GDT-2026-000001", "at": at})
    assert _flask("db", "upgrade", url=fresh_database_url, tmp_path=tmp_path).returncode == 0
    with engine.begin() as connection:
        connection.execute(sa.text(report), {"reference": "GDT-2026-000002", "at": at})
        tallied = connection.execute(sa.text(
            "SELECT period, sum(count) FROM report_tallies WHERE facet = 'funnel' GROUP BY period")).all()
    engine.dispose()
    if engine.dialect.name == "postgresql":
        assert tallied == [(202601, 2)]
    else:  # SQLite counts from the reports themselves
        assert tallied == []


def test_the_link_session_migration_keeps_what_each_referral_shared_and_never_more(fresh_database_url, tmp_path):
    """Referrals from before the snapshot: a report's referral shared its report; a case's referral the reports in
    the case when it was made (not one bundled in or merged in later); one that came along in a merge, nothing."""
    assert _flask("db", "upgrade", "bdd98ecda339", url=fresh_database_url, tmp_path=tmp_path).returncode == 0
    engine = sa.create_engine(fresh_database_url)
    case_events = sa.table("case_events", sa.column("case_id"), sa.column("occurred_at"), sa.column("event"),
                           sa.column("to_status"), sa.column("detail", sa.JSON))
    at = {hour: f"2026-03-02 {hour:02d}:00:00" for hour in (9, 10, 11, 12, 13)}
    with engine.begin() as connection:
        run = connection.execute
        run(sa.text("INSERT INTO categories (id, key, label, position, is_active) VALUES (1, 'geluid', 'Geluid', 0, "
                    "true)"))
        run(sa.text("INSERT INTO partners (id, key, name, kind, is_active, delivery_method, created_at, updated_at) "
                    "VALUES (1, 'politie', 'Politie', 'police', true, 'email', :at, :at), "
                    "(2, 'ggz', 'GGZ', 'care', true, 'email', :at, :at)"), {"at": at[9]})
        run(sa.text("INSERT INTO cases (id, reference, source, status, received_at, opened_at, created_at, "
                    "updated_at, version) VALUES (1, 'GDT-2026-000100', 'report', 'open', :at, :at, :at, :at, 1)"),
            {"at": at[9]})
        report = ("INSERT INTO reports (id, reference, channel, received_at, status, category_id, postcode, "
                  "house_number, reporter_is_anonymous, reporter_may_contact, version, created_at, updated_at, "
                  "triage_outcome, triaged_at, case_id, referred_partner_id) VALUES (:id, :reference, 'phone', :at, "
                  ":status, 1, '5611AB', 12, true, false, 1, :at, :at, :outcome, :triaged, :case, :partner)")
        for number, triaged, outcome, case, partner in ((1, 10, "escalated", 1, None),  # in the case from the start
                                                        (2, 12, "escalated", 1, None),  # bundled in after the advice
                                                        (3, 10, "escalated", 1, None),  # merged in after the advice
                                                        (4, 10, "referred", None, 1)):  # a report's own referral
            run(sa.text(report), {"id": number, "reference": f"GDT-2026-00000{number}", "at": at[9],
                                  "status": outcome, "outcome": outcome, "triaged": at[triaged], "case": case,
                                  "partner": partner})
        run(sa.text("INSERT INTO report_events (report_id, occurred_at, event, to_status) "
                    "VALUES (3, :at, 'merge', 'escalated')"), {"at": at[13]})
        run(sa.insert(case_events), [{"case_id": 1, "occurred_at": at[11], "event": "refer", "to_status": "open",
                                      "detail": {"partner": "ggz"}}])
        referral = ("INSERT INTO referrals (id, report_id, case_id, partner_id, delivery_method, delivery_status, "
                    "delivery_attempts, status, created_at, updated_at, version) VALUES (:id, :report, :case, "
                    ":partner, 'email', 'pending', 0, 'awaiting', :at, :at, 1)")
        for number, report_id, case, partner in ((1, None, 1, 2),  # advice to GGZ on the case, at 11:00
                                                 (2, 4, None, 1),  # the report's referral to the police
                                                 (3, None, 1, 1)):  # advice to the police that came with a merge
            run(sa.text(referral), {"id": number, "report": report_id, "case": case, "partner": partner,
                                    "at": at[11]})
    upgrade = _flask("db", "upgrade", url=fresh_database_url, tmp_path=tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    with engine.begin() as connection:
        shared = connection.execute(sa.text("SELECT referral_id, report_id FROM referral_reports")).all()
    engine.dispose()
    assert sorted(shared) == [(1, 1), (2, 4)]


def test_the_recurrence_migration_marks_every_closed_case_and_its_triggers_are_the_models(fresh_database_url, tmp_path):
    """Closed cases from before are marked, so the first compaction stores them; the trigger function the migration
    installs is the one gdt.models.case_recurrence creates on a new database."""
    assert _flask("db", "upgrade", "fb1e2f3a4b5c", url=fresh_database_url, tmp_path=tmp_path).returncode == 0
    engine = sa.create_engine(fresh_database_url)
    case = ("INSERT INTO cases (reference, source, status, received_at, opened_at, closed_at, result, version, "
            "created_at, updated_at) VALUES (:reference, 'report', :status, :at, :at, :closed, :result, 1, :at, :at)")
    at = "2025-03-01 09:00:00"
    with engine.begin() as connection:
        connection.execute(sa.text(case), {"reference": "GDT-2025-000001", "status": "closed", "at": at,
                                           "closed": "2025-04-01 09:00:00", "result": "de-escalated"})
        connection.execute(sa.text(case), {"reference": "GDT-2025-000002", "status": "open", "at": at,
                                           "closed": None, "result": None})
    assert _flask("db", "upgrade", url=fresh_database_url, tmp_path=tmp_path).returncode == 0
    with engine.begin() as connection:
        marks = connection.execute(sa.text("SELECT kind, count(*) FROM recurrence_marks GROUP BY kind")).all()
        sources = connection.execute(sa.text(
            "SELECT proname, prosrc FROM pg_proc WHERE proname LIKE 'gdt_recurrence_%' ORDER BY proname")
            if engine.dialect.name == "postgresql" else sa.text("SELECT NULL WHERE false")).all()
    engine.dispose()
    if engine.dialect.name != "postgresql":  # SQLite computes recurrence live
        assert marks == []
        return
    from gdt.models.case_recurrence import TALLY_FUNCTION, TRIGGER_FUNCTION

    assert marks == [("case", 1)]
    assert [name for name, _ in sources] == ["gdt_recurrence_marks_track", "gdt_recurrence_tallies_track"]
    for (_, source), model in zip(sources, (TRIGGER_FUNCTION, TALLY_FUNCTION), strict=True):
        assert "".join(source.split()) in "".join(model.split())
