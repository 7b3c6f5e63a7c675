"""Working days: Dutch holidays, weekends, closing days, and deadlines at the end of an Amsterdam day."""
from datetime import UTC, date, datetime, time, timedelta

import holidays
import pytest

from gdt.services.core.working_days import AMSTERDAM, WorkingCalendar

UTC = UTC
calendar = WorkingCalendar()


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def local(*args):
    return datetime(*args, tzinfo=AMSTERDAM)


def test_weekends_are_not_working_days():
    assert calendar.is_working_day(date(2026, 3, 6))  # Friday
    assert not calendar.is_working_day(date(2026, 3, 7))  # Saturday
    assert not calendar.is_working_day(date(2026, 3, 8))  # Sunday
    assert calendar.is_working_day(date(2026, 3, 9))  # Monday


def test_easter_2027_follows_the_termijnenwet():
    # The library lists Good Friday; the Algemene termijnenwet does not, so it stays a working day.
    assert date(2027, 3, 26) in holidays.Netherlands(years=2027)
    assert calendar.is_working_day(date(2027, 3, 25))  # Maundy Thursday
    assert calendar.is_working_day(date(2027, 3, 26))  # Good Friday
    assert not calendar.is_working_day(date(2027, 3, 29))  # Easter Monday
    assert calendar.is_working_day(date(2027, 3, 30))
    # Thursday + 2: Friday, then the weekend and Easter Monday are skipped.
    assert calendar.add_working_days(utc(2027, 3, 25, 10), 2) == local(2027, 3, 30, 23, 59, 59)
    closed_on_good_friday = WorkingCalendar(extra_days=[date(2027, 3, 26)])
    assert closed_on_good_friday.add_working_days(utc(2027, 3, 25, 10), 1) == local(2027, 3, 30, 23, 59, 59)


def test_kings_day_2027_on_a_tuesday():
    assert calendar.is_working_day(date(2027, 4, 26))
    assert not calendar.is_working_day(date(2027, 4, 27))
    assert calendar.add_working_days(utc(2027, 4, 26, 9), 1) == local(2027, 4, 28, 23, 59, 59)


def test_kings_day_moves_to_26_april_when_27_april_is_a_sunday():
    nl_2025 = holidays.Netherlands(years=2025)
    assert date(2025, 4, 26) in nl_2025 and date(2025, 4, 27) not in nl_2025
    assert not calendar.is_working_day(date(2025, 4, 26))  # Saturday, King's Day
    assert not calendar.is_working_day(date(2025, 4, 27))  # Sunday
    assert calendar.is_working_day(date(2025, 4, 28))
    assert calendar.add_working_days(utc(2025, 4, 25, 9), 1) == local(2025, 4, 28, 23, 59, 59)


def test_liberation_day_is_off_every_year_not_only_in_lustrum_years():
    assert date(2026, 5, 5) not in holidays.Netherlands(years=2026)
    assert not calendar.is_working_day(date(2026, 5, 5))  # Tuesday, 2026 is no lustrum year
    assert not calendar.is_working_day(date(2025, 5, 5))  # Monday, lustrum year
    assert calendar.is_working_day(date(2026, 5, 4))
    assert calendar.is_working_day(date(2026, 5, 6))
    assert calendar.add_working_days(utc(2026, 5, 4, 9), 1) == local(2026, 5, 6, 23, 59, 59)


def test_christmas_and_new_year_across_the_year_boundary():
    for day in (date(2026, 12, 25), date(2027, 1, 1), date(2025, 12, 26)):
        assert not calendar.is_working_day(day)
    assert calendar.is_working_day(date(2026, 12, 31))
    # Thursday 24 Dec + 5: 28, 29, 30, 31 Dec and Monday 4 Jan.
    due = calendar.add_working_days(utc(2026, 12, 24, 9), 5)
    assert due == local(2027, 1, 4, 23, 59, 59) == utc(2027, 1, 4, 22, 59, 59)


def test_ascension_and_whit_monday():
    assert not calendar.is_working_day(date(2026, 5, 14))  # Ascension Day
    assert not calendar.is_working_day(date(2026, 5, 25))  # Whit Monday
    assert not calendar.is_working_day(date(2027, 5, 6))
    assert not calendar.is_working_day(date(2027, 5, 17))
    assert calendar.is_working_day(date(2026, 5, 15))  # the bridge day stays a working day
    assert calendar.add_working_days(utc(2026, 5, 13, 9), 1) == local(2026, 5, 15, 23, 59, 59)
    assert calendar.add_working_days(utc(2026, 5, 22, 9), 1) == local(2026, 5, 26, 23, 59, 59)


def test_configured_extra_day_is_not_a_working_day():
    closed = WorkingCalendar(extra_days=[date(2026, 3, 12)])
    assert not closed.is_working_day(date(2026, 3, 12))
    assert calendar.is_working_day(date(2026, 3, 12))
    assert closed.add_working_days(utc(2026, 3, 11, 9), 1) == local(2026, 3, 13, 23, 59, 59)
    assert calendar.add_working_days(utc(2026, 3, 11, 9), 1) == local(2026, 3, 12, 23, 59, 59)


def test_deadline_counted_from_a_friday_evening():
    friday_evening = local(2026, 3, 6, 18, 30).astimezone(UTC)
    assert calendar.add_working_days(friday_evening, 1) == local(2026, 3, 9, 23, 59, 59)
    assert calendar.add_working_days(friday_evening, 2) == local(2026, 3, 10, 23, 59, 59)
    # 23:30 UTC on Friday is already Saturday in Amsterdam: still Monday for one day.
    assert calendar.add_working_days(utc(2026, 3, 6, 23, 30), 1) == local(2026, 3, 9, 23, 59, 59)


def test_start_day_never_counts():
    monday = utc(2026, 3, 9, 8)
    assert calendar.add_working_days(monday, 1) == local(2026, 3, 10, 23, 59, 59)
    assert calendar.add_working_days(monday, 5) == local(2026, 3, 16, 23, 59, 59)
    assert calendar.add_working_days(monday, 0) == local(2026, 3, 9, 23, 59, 59)
    # Zero days from a Saturday ends on Monday, the next working day.
    assert calendar.add_working_days(utc(2026, 3, 7, 12), 0) == local(2026, 3, 9, 23, 59, 59)


def test_start_after_midnight_in_amsterdam_counts_from_the_local_date():
    # 22:30 UTC on Tuesday 31 March 2026 is 00:30 on Wednesday 1 April in Amsterdam.
    start = utc(2026, 3, 31, 22, 30)
    assert calendar.add_working_days(start, 0) == local(2026, 4, 1, 23, 59, 59)
    assert calendar.add_working_days(start, 1) == local(2026, 4, 2, 23, 59, 59)
    # An hour earlier it is still 31 March locally.
    assert calendar.add_working_days(utc(2026, 3, 31, 21, 30), 1) == local(2026, 4, 1, 23, 59, 59)


def test_deadline_is_end_of_amsterdam_day_in_utc_in_winter_and_summer():
    winter = calendar.add_working_days(utc(2026, 1, 13, 9), 1)
    assert winter == utc(2026, 1, 14, 22, 59, 59) and winter.tzinfo is UTC
    summer = calendar.add_working_days(utc(2026, 7, 14, 9), 1)
    assert summer == utc(2026, 7, 15, 21, 59, 59) and summer.tzinfo is UTC
    assert summer.astimezone(AMSTERDAM).time() == time(23, 59, 59)
    # Across the clock changes: the offset is the one of the due day, not of the start.
    assert calendar.add_working_days(utc(2026, 3, 27, 9), 1) == utc(2026, 3, 30, 21, 59, 59)
    assert calendar.add_working_days(utc(2026, 10, 23, 9), 1) == utc(2026, 10, 26, 22, 59, 59)


def test_weeks_land_on_a_working_day():
    assert calendar.add_weeks_to_working_day(utc(2026, 3, 9, 9), 2) == local(2026, 3, 23, 23, 59, 59)
    assert calendar.add_weeks_to_working_day(utc(2026, 3, 7, 9), 0) == local(2026, 3, 9, 23, 59, 59)


def test_weeks_landing_on_a_holiday_move_forward():
    assert calendar.add_weeks_to_working_day(utc(2027, 4, 20, 9), 1) == local(2027, 4, 28, 23, 59, 59)
    assert calendar.add_weeks_to_working_day(utc(2026, 4, 28, 9), 1) == local(2026, 5, 6, 23, 59, 59)
    # Christmas on a Friday: over the weekend to Monday 28 December.
    assert calendar.add_weeks_to_working_day(utc(2026, 12, 18, 9), 1) == local(2026, 12, 28, 23, 59, 59)
    assert calendar.add_weeks_to_working_day(utc(2026, 5, 11, 9), 2) == local(2026, 5, 26, 23, 59, 59)


def test_weeks_count_from_the_amsterdam_date():
    # 23:30 UTC on Sunday 19 April 2026 is Monday 20 April locally; five weeks on is Whit Monday.
    assert calendar.add_weeks_to_working_day(utc(2026, 4, 19, 23, 30), 5) == local(2026, 5, 26, 23, 59, 59)


def test_working_days_between():
    assert calendar.working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1
    assert calendar.working_days_between(date(2026, 3, 9), date(2026, 3, 16)) == 5
    assert calendar.working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 5
    # 23-26 March and 30 March-2 April 2027; Easter Monday is off.
    assert calendar.working_days_between(date(2027, 3, 22), date(2027, 4, 2)) == 8
    assert calendar.working_days_between(date(2026, 3, 9), date(2026, 3, 9)) == 0
    assert calendar.working_days_between(date(2026, 3, 16), date(2026, 3, 9)) == 0


def test_working_days_between_agrees_with_add_working_days():
    start = date(2026, 12, 1)
    for days in range(40):
        due = calendar.add_working_days(local(2026, 12, 1, 10), days).astimezone(AMSTERDAM).date()
        assert calendar.working_days_between(start, due) == days
        if days:
            assert calendar.working_days_between(start, due - timedelta(days=1)) == days - 1


def test_invalid_input_raises_value_error():
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar.add_working_days(datetime(2026, 3, 9, 9), 1)
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_days(utc(2026, 3, 9, 9), -1)
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar.add_weeks_to_working_day(datetime(2026, 3, 9, 9), 1)
    with pytest.raises(ValueError, match="negative"):
        calendar.add_weeks_to_working_day(utc(2026, 3, 9, 9), -1)


@pytest.mark.parametrize(("end", "working_days", "start"), [
    (date(2026, 3, 11), 0, date(2026, 3, 11)),  # Wednesday: received before today is older than 0 working days
    (date(2026, 3, 11), 1, date(2026, 3, 10)),  # received Monday or before: more than 1 working day old
    (date(2026, 3, 9), 1, date(2026, 3, 6)),  # Monday: the weekend does not count, Friday is 1 working day ago
    (date(2026, 3, 9), 2, date(2026, 3, 5)),
    (date(2026, 4, 28), 1, date(2026, 4, 24)),  # Tuesday after King's Day (Monday 27 April): back to Friday
])
def test_days_back_is_where_an_age_in_working_days_starts(end, working_days, start):
    assert calendar.days_back(end, working_days) == start
    assert calendar.working_days_between(start, end) <= working_days
    assert calendar.working_days_between(start - timedelta(days=1), end) > working_days


def test_days_back_refuses_a_negative_count():
    with pytest.raises(ValueError):
        calendar.days_back(date(2026, 3, 11), -1)
