"""Closing days: the admin's rules (after today only, never a weekend or a public holiday, not twice, a day from the
settings stays), the calendar skipping them together with EXTRA_NON_WORKING_DAYS, the per-process cache that the
changing process forgets at once, history and audit, and the settings' days copied by ensure_defaults."""
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, ClosingDay, ReferenceChange
from gdt.services.admin import closing_days as admin_days
from gdt.services.core import closing_days, deadlines, reference_data
from gdt.services.core.errors import NotFound, ServiceError, ValidationFailed

TODAY = date(2026, 1, 5)  # a Monday; every rule takes "today" as an argument
BRIDGE_DAY = date(2026, 5, 15)  # the Friday after Ascension Day (Thursday 14 May 2026)


def utc(*parts):
    return datetime(*parts, tzinfo=UTC)


def end_of_amsterdam_day(*day):
    """23:59:59 Amsterdam on that (summer-time) date, in UTC."""
    return datetime(*day, 21, 59, 59, tzinfo=UTC)


@pytest.fixture
def admin(make):
    return make.user("admin")


def add(day, description="Brugdag na Hemelvaart", *, actor=None):
    return admin_days.add_closing_day(day, description, actor=actor, now_day=TODAY)


def refusal(day, description="Sluitingsdag"):
    with pytest.raises(ServiceError) as refused:
        add(day, description)
    return refused.value


def stored(db) -> dict[date, str]:
    return dict(db.session.execute(sa.select(ClosingDay.day, ClosingDay.description)).all())


# --- the calendar -----------------------------------------------------------------------------------------------

def test_a_stored_closing_day_is_skipped_by_deadlines_from_then_on(app, db):
    # Wednesday 13 May + 2 working days: Thursday is Ascension Day, so Friday 15 May without the bridge day.
    assert deadlines.acknowledge_due(utc(2026, 5, 13, 9)) == end_of_amsterdam_day(2026, 5, 18)
    add(BRIDGE_DAY)
    assert deadlines.acknowledge_due(utc(2026, 5, 13, 9)) == end_of_amsterdam_day(2026, 5, 19)
    assert not deadlines.calendar().is_working_day(BRIDGE_DAY)


def test_removing_it_makes_the_day_count_again_at_once(app, db):
    add(BRIDGE_DAY)
    assert deadlines.acknowledge_due(utc(2026, 5, 13, 9)) == end_of_amsterdam_day(2026, 5, 19)
    admin_days.remove_closing_day(BRIDGE_DAY, actor=None, now_day=TODAY)
    assert deadlines.acknowledge_due(utc(2026, 5, 13, 9)) == end_of_amsterdam_day(2026, 5, 18)


def test_the_settings_days_count_in_addition_to_the_stored_ones(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "EXTRA_NON_WORKING_DAYS", ("2026-06-02",))
    add(date(2026, 6, 3), "Studiedag")
    # Monday 1 June + 2: Tuesday (settings) and Wednesday (table) do not count.
    assert deadlines.acknowledge_due(utc(2026, 6, 1, 9)) == end_of_amsterdam_day(2026, 6, 5)
    assert deadlines.configured_closing_days() == {date(2026, 6, 2)}


def test_other_processes_see_a_change_within_the_cache_time(app, db, monkeypatch):
    """Another process's change (a row written behind this process's back) counts once the copy is older than
    CACHE_SECONDS; the clock is moved, nothing waits."""
    clock = [1000.0]
    monkeypatch.setattr(closing_days.time, "monotonic", lambda: clock[0])
    closing_days.forget()
    assert BRIDGE_DAY not in closing_days.stored_days()
    db.session.add(ClosingDay(day=BRIDGE_DAY, description="Brugdag"))
    db.session.commit()
    clock[0] += closing_days.CACHE_SECONDS - 1
    assert deadlines.calendar().is_working_day(BRIDGE_DAY)  # still the copy
    clock[0] += 2
    assert not deadlines.calendar().is_working_day(BRIDGE_DAY)


def test_thousands_of_deadlines_read_the_table_once(app, db):
    closing_days.forget()  # as after a change, or a minute after the last read
    statements = []

    def count(conn, cursor, statement, *args):
        if "closing_days" in statement:
            statements.append(statement)

    engine = db.session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        for hour in range(2000):
            deadlines.triage_due(utc(2026, 3, 2, 0) + timedelta(hours=hour), None)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1


def test_a_load_that_raced_a_change_is_not_kept(app, db, monkeypatch):
    """A reader that started loading before a change committed must not put the old days back for a minute."""
    real_load = closing_days._load

    def load_while_someone_changes():
        days = real_load()
        closing_days.forget()  # the admin's change lands meanwhile
        return days

    monkeypatch.setattr(closing_days, "_load", load_while_someone_changes)
    closing_days.forget()
    closing_days.stored_days()
    assert closing_days._cache().loaded is None


def test_a_deadline_computed_while_a_record_is_half_built_does_not_flush_it(app, db, make):
    """The table is read without autoflush: a pending record must not be written before its unit of work is done
    with it (a CHECK on a half-built row would fail)."""
    from gdt.models import Report
    closing_days.forget()
    report = Report(reference="GDT-T-HALF", channel="phone", status="received", postcode="5611AB", house_number=1,
                    description="Harde muziek", received_at=utc(2026, 3, 2, 9), category=make.category())
    db.session.add(report)
    report.triage_due_at = deadlines.triage_due(report.received_at, None)
    assert report in db.session.new


# --- the admin's rules ------------------------------------------------------------------------------------------

def test_a_closing_day_is_stored_with_its_description_history_and_audit(db, admin):
    add(BRIDGE_DAY, "  Brugdag na Hemelvaart ", actor=admin)
    assert stored(db) == {BRIDGE_DAY: "Brugdag na Hemelvaart"}
    change = db.session.scalar(sa.select(ReferenceChange).where(ReferenceChange.object_type == "closing_day"))
    assert (change.object_key, change.action, change.actor_id) == ("2026-05-15", "create", admin.id)
    assert change.changes == {"day": [None, "2026-05-15"], "description": [None, "Brugdag na Hemelvaart"]}
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.object_type == "closing_day"))
    assert (event.action, event.object_ref, event.actor_id) == ("create", "2026-05-15", admin.id)


def test_the_history_says_what_was_added_and_removed_newest_first(db, admin):
    add(BRIDGE_DAY, actor=admin)
    admin_days.remove_closing_day("2026-05-15", actor=admin, now_day=TODAY)
    lines = admin_days.history()
    assert [line.what for line in lines] == ["Verwijderd", "Aangemaakt"]
    assert lines[0].details == ("Datum: vrijdag 15 mei 2026", "Omschrijving: Brugdag na Hemelvaart")
    assert lines[1].details == lines[0].details and lines[0].who == admin.name


@pytest.mark.parametrize("typed", ["2026-05-15", "15-05-2026", "15-5-2026", " 15-05-2026 ", date(2026, 5, 15)])
def test_the_day_may_come_from_the_date_field_or_be_typed_the_dutch_way(db, typed):
    assert add(typed).day == BRIDGE_DAY


@pytest.mark.parametrize(("typed", "message"), [
    ("", "Vul een datum in"), ("31-02-2026", "Deze datum bestaat niet."), ("15 mei", "dag-maand-jaar"),
    ("2026/05/15", "dag-maand-jaar"),
])
def test_a_day_that_is_no_date_is_refused_at_its_field(db, typed, message):
    with pytest.raises(ValidationFailed) as refused:
        add(typed, "")
    assert message in str(refused.value.errors["day"])
    assert "Vul een omschrijving in" in str(refused.value.errors["description"])
    assert stored(db) == {}


@pytest.mark.parametrize("day", [TODAY, date(2025, 12, 31)])
def test_today_or_a_past_day_cannot_be_added(db, day):
    refused = refusal(day)
    assert refused.field == "day" and "na vandaag" in refused.message and "verschuiven niet" in refused.message


def test_a_day_years_ahead_is_taken_for_a_typo(db):
    assert "komende 5 jaar" in refusal(date(2062, 5, 15)).message
    assert add(date(2031, 12, 31)).day == date(2031, 12, 31)


def test_a_weekend_day_is_refused_saying_why(db):
    refused = refusal(date(2026, 5, 16))
    assert refused.field == "day"
    assert str(refused.message) == ("Deze dag (zaterdag 16 mei 2026) valt in het weekend en telt al niet mee voor "
                                    "termijnen.")


@pytest.mark.parametrize(("day", "name"), [
    (date(2028, 12, 26), "Tweede kerstdag"),
    (date(2026, 12, 26), "Tweede kerstdag"),  # a Saturday: the holiday is named, not the weekend
    (date(2026, 5, 14), "Hemelvaartsdag"),
    (date(2026, 4, 27), "Koningsdag"),
    (date(2026, 5, 5), "Bevrijdingsdag"),  # every year under the termijnenwet, not only in lustrum years
])
def test_a_public_holiday_is_refused_naming_it(db, day, name):
    refused = refusal(day)
    assert f"is al een feestdag: {name}." in str(refused.message)
    assert stored(db) == {}


def test_good_friday_is_a_working_day_so_the_municipality_may_close_on_it(db):
    assert add(date(2026, 4, 3), "Goede Vrijdag").day == date(2026, 4, 3)
    assert not deadlines.calendar().is_working_day(date(2026, 4, 3))


def test_a_day_cannot_be_added_twice(db):
    add(BRIDGE_DAY)
    refused = refusal(BRIDGE_DAY, "Nog eens")
    assert refused.field == "day" and refused.message == "Deze dag is al een sluitingsdag."


def test_a_description_longer_than_the_column_is_refused(db):
    with pytest.raises(ValidationFailed) as refused:
        add(BRIDGE_DAY, "x" * 101)
    assert "100" in str(refused.value.errors["description"])


def test_a_past_closing_day_stays(db):
    db.session.add(ClosingDay(day=date(2025, 5, 30), description="Brugdag 2025"))
    db.session.commit()
    with pytest.raises(ServiceError) as refused:
        admin_days.remove_closing_day("2025-05-30", actor=None, now_day=TODAY)
    assert "vandaag of eerder blijft staan" in refused.value.message
    assert stored(db) == {date(2025, 5, 30): "Brugdag 2025"}


def test_a_day_from_the_settings_cannot_be_removed_here(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "EXTRA_NON_WORKING_DAYS", ("2026-05-15",))
    add(BRIDGE_DAY)
    with pytest.raises(ServiceError) as refused:
        admin_days.remove_closing_day(BRIDGE_DAY, actor=None, now_day=TODAY)
    assert "EXTRA_NON_WORKING_DAYS" in refused.value.message
    assert stored(db) == {BRIDGE_DAY: "Brugdag na Hemelvaart"}


def test_removing_a_day_that_is_none_is_not_found(db):
    for day in ("2026-05-15", "geen-datum"):
        with pytest.raises(NotFound):
            admin_days.remove_closing_day(day, actor=None, now_day=TODAY)


def test_the_removal_is_audited(db, admin):
    add(BRIDGE_DAY)
    admin_days.remove_closing_day(BRIDGE_DAY, actor=admin, now_day=TODAY)
    assert stored(db) == {}
    assert db.session.execute(sa.select(AuditEvent.action, AuditEvent.object_ref).where(
        AuditEvent.object_type == "closing_day", AuditEvent.actor_id == admin.id)).all() == [("delete", "2026-05-15")]


def test_the_list_has_the_coming_days_first_and_the_past_by_year(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "EXTRA_NON_WORKING_DAYS", ("2026-12-24", "2024-12-27"))
    for day, description in ((date(2025, 5, 30), "Brugdag 2025"), (TODAY, "Vandaag dicht"),
                             (date(2024, 5, 10), "Brugdag 2024")):
        db.session.add(ClosingDay(day=day, description=description))
    db.session.commit()
    add(BRIDGE_DAY)
    found = admin_days.list_closing_days(now_day=TODAY)
    assert [(entry.day, entry.description, entry.in_settings) for entry in found.upcoming] == [
        (BRIDGE_DAY, "Brugdag na Hemelvaart", False), (date(2026, 12, 24), None, True)]
    assert [(year, [entry.day for entry in entries]) for year, entries in found.past_by_year] == [
        (2026, [TODAY]), (2025, [date(2025, 5, 30)]), (2024, [date(2024, 5, 10), date(2024, 12, 27)])]
    assert admin_days.why_not_removable(found.upcoming[0], now_day=TODAY) is None
    assert "EXTRA_NON_WORKING_DAYS" in admin_days.why_not_removable(found.upcoming[1], now_day=TODAY)


# --- ensure_defaults --------------------------------------------------------------------------------------------

def test_ensure_defaults_copies_the_settings_days_that_are_missing(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "EXTRA_NON_WORKING_DAYS", ("2026-12-24", "2026-05-15"))
    add(BRIDGE_DAY)
    reference_data.ensure_defaults()
    reference_data.ensure_defaults()
    assert stored(db) == {BRIDGE_DAY: "Brugdag na Hemelvaart",
                          date(2026, 12, 24): "Uit de instelling EXTRA_NON_WORKING_DAYS"}


def test_flask_setup_seeds_the_settings_days_and_counts_them(app, runner, db, monkeypatch):
    monkeypatch.setitem(app.config, "EXTRA_NON_WORKING_DAYS", ("2026-12-24", "2026-12-31"))
    monkeypatch.setenv("GDT_PASSWORD", "een lang genoeg wachtwoord")
    result = runner.invoke(args=["setup", "--admin-email", "beheer@gemeente.nl", "--admin-name", "Bea Beheer"])
    assert result.exit_code == 0, result.output
    assert "Closing days (EXTRA_NON_WORKING_DAYS): 0 already present, 2 created." in result.stdout
    assert set(stored(db)) == {date(2026, 12, 24), date(2026, 12, 31)}
    again = runner.invoke(args=["setup"])
    assert "Closing days (EXTRA_NON_WORKING_DAYS): 2 already present, 0 created." in again.stdout
